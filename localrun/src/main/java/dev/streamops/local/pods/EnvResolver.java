package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes a container's environment the way the kubelet does: {@code envFrom} sources first,
 * then {@code env} in order (later entries win); literal values with {@code $(VAR)} expanded
 * against the variables defined before them ({@code $$} escapes); downward-API
 * {@code fieldRef}s and {@code resourceFieldRef}s; {@code secretKeyRef} and
 * {@code configMapKeyRef} read through an {@link ObjectLookup}. A missing non-optional Secret,
 * ConfigMap or key fails like the kubelet's CreateContainerConfigError; error messages name the
 * object and key, never a value.
 */
public final class EnvResolver {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([-._a-zA-Z][-._a-zA-Z0-9]*)\\)");
    private static final Pattern LABEL_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

    private final ObjectLookup lookup;

    public EnvResolver(ObjectLookup lookup) {
        this.lookup = lookup;
    }

    /** Thrown when the environment cannot be built; the pod stays waiting, like CreateContainerConfigError. */
    public static final class EnvResolutionException extends RuntimeException {
        public EnvResolutionException(String message) {
            super(message);
        }
    }

    public Map<String, String> resolve(Container container, PodIdentity pod) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource source : container.getEnvFrom() == null ? java.util.List.<EnvFromSource>of() : container.getEnvFrom()) {
            addEnvFrom(env, source, pod, container.getName());
        }
        for (EnvVar variable : container.getEnv() == null ? java.util.List.<EnvVar>of() : container.getEnv()) {
            String name = variable.getName();
            if (variable.getValueFrom() == null) {
                env.put(name, expand(variable.getValue() == null ? "" : variable.getValue(), env));
            } else {
                valueFrom(variable.getValueFrom(), container, pod, name).ifPresent(value -> env.put(name, value));
            }
        }
        return env;
    }

    static String expand(String value, Map<String, String> defined) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                // An undefined reference stays as written, as in Kubernetes.
                replacement = defined.getOrDefault(m.group(1), m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void addEnvFrom(Map<String, String> env, EnvFromSource source, PodIdentity pod, String containerName) {
        String prefix = source.getPrefix() == null ? "" : source.getPrefix();
        if (source.getSecretRef() != null) {
            String name = source.getSecretRef().getName();
            Optional<Map<String, String>> data = lookup.secret(pod.namespace(), name);
            if (data.isEmpty()) {
                if (!Boolean.TRUE.equals(source.getSecretRef().getOptional())) {
                    throw new EnvResolutionException("container " + containerName + ": secret \"" + name + "\" not found");
                }
                return;
            }
            data.get().forEach((key, value) -> env.put(prefix + key, value));
        }
        if (source.getConfigMapRef() != null) {
            String name = source.getConfigMapRef().getName();
            Optional<Map<String, String>> data = lookup.configMap(pod.namespace(), name);
            if (data.isEmpty()) {
                if (!Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
                    throw new EnvResolutionException("container " + containerName + ": configmap \"" + name + "\" not found");
                }
                return;
            }
            data.get().forEach((key, value) -> env.put(prefix + key, value));
        }
    }

    private Optional<String> valueFrom(EnvVarSource source, Container container, PodIdentity pod, String variable) {
        if (source.getFieldRef() != null) {
            return Optional.of(field(source.getFieldRef().getFieldPath(), pod, variable));
        }
        if (source.getResourceFieldRef() != null) {
            return Optional.of(resourceField(source.getResourceFieldRef(), container, variable));
        }
        if (source.getSecretKeyRef() != null) {
            SecretKeySelector ref = source.getSecretKeyRef();
            return key(lookup.secret(pod.namespace(), ref.getName()), "secret", ref.getName(), ref.getKey(),
                    Boolean.TRUE.equals(ref.getOptional()), variable);
        }
        if (source.getConfigMapKeyRef() != null) {
            ConfigMapKeySelector ref = source.getConfigMapKeyRef();
            return key(lookup.configMap(pod.namespace(), ref.getName()), "configmap", ref.getName(), ref.getKey(),
                    Boolean.TRUE.equals(ref.getOptional()), variable);
        }
        throw new EnvResolutionException("env " + variable + ": valueFrom names no source");
    }

    private static Optional<String> key(Optional<Map<String, String>> data, String kind, String name, String key,
                                        boolean optional, String variable) {
        if (data.isEmpty()) {
            if (optional) {
                return Optional.empty();
            }
            throw new EnvResolutionException("env " + variable + ": " + kind + " \"" + name + "\" not found");
        }
        String value = data.get().get(key);
        if (value == null) {
            if (optional) {
                return Optional.empty();
            }
            throw new EnvResolutionException("env " + variable + ": couldn't find key " + key + " in " + kind + " \"" + name + "\"");
        }
        return Optional.of(value);
    }

    static String field(String path, PodIdentity pod, String variable) {
        switch (path) {
            case "metadata.name":
                return pod.name();
            case "metadata.namespace":
                return pod.namespace();
            case "metadata.uid":
                return pod.uid();
            case "spec.nodeName":
                return pod.nodeName();
            case "spec.serviceAccountName":
                return pod.serviceAccountName();
            case "status.podIP":
            case "status.podIPs":
                return pod.podIp();
            case "status.hostIP":
            case "status.hostIPs":
                return pod.hostIp();
            default:
                Matcher m = LABEL_FIELD.matcher(path);
                if (m.matches()) {
                    Map<String, String> source = m.group(1).equals("labels") ? pod.labels() : pod.annotations();
                    return source.getOrDefault(m.group(2), "");
                }
                throw new EnvResolutionException("env " + variable + ": unsupported fieldRef fieldPath " + path);
        }
    }

    static String resourceField(ResourceFieldSelector ref, Container container, String variable) {
        String resource = ref.getResource();
        String[] parts = resource.split("\\.", 2);
        if (parts.length != 2 || !(parts[0].equals("limits") || parts[0].equals("requests"))
                || !(parts[1].equals("cpu") || parts[1].equals("memory") || parts[1].equals("ephemeral-storage"))) {
            throw new EnvResolutionException("env " + variable + ": unsupported resourceFieldRef " + resource);
        }
        Map<String, Quantity> quantities = container.getResources() == null ? null
                : parts[0].equals("limits") ? container.getResources().getLimits() : container.getResources().getRequests();
        Quantity quantity = quantities == null ? null : quantities.get(parts[1]);
        if (quantity == null) {
            // The kubelet reports the node's allocatable capacity when no limit is set; locally: this machine's.
            return parts[1].equals("cpu") ? String.valueOf(Runtime.getRuntime().availableProcessors())
                    : String.valueOf(Runtime.getRuntime().maxMemory());
        }
        BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : ref.getDivisor().getNumericalAmount();
        return quantity.getNumericalAmount().divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }
}
