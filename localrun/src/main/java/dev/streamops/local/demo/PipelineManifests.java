package dev.streamops.local.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.nio.charset.StandardCharsets;

/**
 * The example pipeline's manifests (examples/pipeline/*.yaml, the same files `kubectl apply`
 * takes on a cluster), with the two changes a local run needs: the broker Secret points at the
 * local RabbitMQ in the run's own vhost, and chosen StreamOperators get extra env (the source's
 * MESSAGES and RATE).
 */
public final class PipelineManifests {
    public static final String KIND = "StreamOperator";

    private final List<HasMetadata> items;

    private PipelineManifests(List<HasMetadata> items) {
        this.items = items;
    }

    public static PipelineManifests load(KubernetesClient client, Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no manifests in " + directory);
        }
        List<HasMetadata> items = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                items.addAll(client.load(in).items());
            }
        }
        return new PipelineManifests(items);
    }

    /** Sets every Secret's key (the broker URI) to the given value. */
    public PipelineManifests withSecretValue(String secretName, String key, String value) {
        boolean found = false;
        for (HasMetadata item : items) {
            if (item instanceof Secret secret && secret.getMetadata().getName().equals(secretName)) {
                found = true;
                if (secret.getData() != null) {
                    secret.getData().remove(key);
                }
                Map<String, String> data = secret.getData() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(secret.getData());
                data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
                secret.setData(data);
                if (secret.getStringData() != null) {
                    secret.getStringData().remove(key);
                }
            }
        }
        if (!found) {
            throw new IllegalStateException("the example manifests have no Secret '" + secretName + "'");
        }
        return this;
    }

    /** Adds or replaces env entries in one StreamOperator's spec.env. */
    @SuppressWarnings("unchecked")
    public PipelineManifests withEnv(String streamOperator, Map<String, String> env) {
        GenericKubernetesResource resource = streamOperator(streamOperator);
        Map<String, Object> spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
        List<Map<String, Object>> entries = new ArrayList<>();
        Object existing = spec.get("env");
        if (existing instanceof List<?> list) {
            for (Object entry : list) {
                Map<String, Object> variable = (Map<String, Object>) entry;
                if (!env.containsKey(String.valueOf(variable.get("name")))) {
                    entries.add(variable);
                }
            }
        }
        env.forEach((name, value) -> entries.add(new LinkedHashMap<>(Map.of("name", name, "value", value))));
        spec.put("env", entries);
        return this;
    }

    /** Sets one StreamOperator's spec.replicas. */
    @SuppressWarnings("unchecked")
    public PipelineManifests withReplicas(String streamOperator, int replicas) {
        ((Map<String, Object>) streamOperator(streamOperator).getAdditionalProperties().get("spec")).put("replicas", replicas);
        return this;
    }

    public GenericKubernetesResource streamOperator(String name) {
        return streamOperators().stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the example manifests have no StreamOperator '" + name + "'"));
    }

    public List<GenericKubernetesResource> streamOperators() {
        return items.stream().filter(i -> i instanceof GenericKubernetesResource && KIND.equals(i.getKind()))
                .map(GenericKubernetesResource.class::cast).toList();
    }

    public List<HasMetadata> items() {
        return List.copyOf(items);
    }

    /** Creates (or replaces) everything, namespaces first, as `kubectl apply` would order it. */
    public void apply(KubernetesClient client) {
        items.stream().sorted((a, b) -> Integer.compare(order(a), order(b)))
                .forEach(item -> client.resource(item).createOr(existing -> existing.update()));
    }

    private static int order(HasMetadata item) {
        return switch (item.getKind()) {
            case "Namespace" -> 0;
            case "Secret", "ConfigMap", "ServiceAccount" -> 1;
            default -> 2;
        };
    }
}
