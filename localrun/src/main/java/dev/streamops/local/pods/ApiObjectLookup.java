package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets and ConfigMaps read from the API server. A real API server folds a Secret's
 * {@code stringData} into {@code data} on write; the mock stores it as sent, so both are read.
 */
public final class ApiObjectLookup implements ObjectLookup {
    private final KubernetesClient client;

    public ApiObjectLookup(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Map<String, String>> secret(String namespace, String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, encoded) ->
                    values.put(key, new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return Optional.of(values);
    }

    @Override
    public Optional<Map<String, String>> configMap(String namespace, String name) {
        ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
        if (configMap == null) {
            return Optional.empty();
        }
        return Optional.of(configMap.getData() == null ? Map.of() : Map.copyOf(configMap.getData()));
    }
}
