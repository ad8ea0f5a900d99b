package dev.streamops.operator.reconcile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.streamops.operator.api.SecretKeySelector;
import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.api.StreamOperatorSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * Checks a StreamOperator before anything is created. The CRD schema rejects most of this at the
 * API server already; the operator checks again because the schema (and its CEL rules) may be
 * missing or older, and because {@code render} runs without an API server.
 */
public final class StreamOperatorValidator {
    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
    private static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    private static final int MAX_TOPIC_BYTES = 255;
    private static final int MAX_PREFETCH = 1000;
    /** The sidecar's own PREFETCH default, which bounds pushConcurrency when prefetch is not set. */
    private static final int SIDECAR_DEFAULT_PREFETCH = 10;

    /** @return the problems, each naming the field; empty when the resource is valid */
    public List<String> validate(StreamOperator sop) {
        var problems = new ArrayList<String>();
        var name = sop.getMetadata() == null ? null : sop.getMetadata().getName();
        if (name == null || !LABEL_VALUE.matcher(name).matches()) {
            problems.add("metadata.name: '" + name + "' must be at most 63 lowercase letters, digits, '-' or '.' "
                    + "(it names the Deployment and labels its pods)");
        }
        var spec = sop.getSpec();
        if (spec == null) {
            problems.add("spec: required");
            return problems;
        }
        validateImage(spec, problems);
        validateTopics(spec, problems);
        if (spec.getReplicas() != null && spec.getReplicas() < 0) {
            problems.add("spec.replicas: " + spec.getReplicas() + " is negative");
        }
        validatePush(spec, problems);
        validateEnv(spec, problems);
        if (spec.getBroker() != null && spec.getBroker().getSecretRef() != null) {
            validateSecretRef(spec.getBroker().getSecretRef(), problems);
        }
        validateResources("spec.resources", spec.getResources(), problems);
        if (spec.getSidecar() != null) {
            validateSidecar(spec.getSidecar(), problems);
            validateResources("spec.sidecar.resources", spec.getSidecar().getResources(), problems);
        }
        return problems;
    }

    private static void validateSidecar(SidecarSpec sidecar, List<String> problems) {
        var prefetch = sidecar.getPrefetch();
        if (prefetch != null && (prefetch < 1 || prefetch > MAX_PREFETCH)) {
            problems.add("spec.sidecar.prefetch: " + prefetch + " is outside 1-" + MAX_PREFETCH);
        }
        var concurrency = sidecar.getPushConcurrency();
        if (concurrency != null) {
            int effectivePrefetch = prefetch == null ? SIDECAR_DEFAULT_PREFETCH : prefetch;
            if (concurrency < 1) {
                problems.add("spec.sidecar.pushConcurrency: " + concurrency + " is less than 1");
            } else if (concurrency > effectivePrefetch) {
                problems.add("spec.sidecar.pushConcurrency: " + concurrency + " exceeds prefetch (" + effectivePrefetch
                        + "): the sidecar never holds more messages than that");
            }
        }
    }

    private static void validateImage(StreamOperatorSpec spec, List<String> problems) {
        var image = spec.getImage();
        if (image == null || image.isBlank()) {
            problems.add("spec.image: required");
        } else if (image.chars().anyMatch(Character::isWhitespace)) {
            problems.add("spec.image: '" + image + "' contains whitespace");
        }
        if (spec.getImagePullPolicy() != null && !PULL_POLICIES.contains(spec.getImagePullPolicy())) {
            problems.add("spec.imagePullPolicy: '" + spec.getImagePullPolicy() + "' is not Always, IfNotPresent or Never");
        }
    }

    private static void validateTopics(StreamOperatorSpec spec, List<String> problems) {
        if (spec.getInputTopic() == null && spec.getOutputTopic() == null) {
            problems.add("spec: at least one of inputTopic and outputTopic must be set");
        }
        validateTopic("spec.inputTopic", spec.getInputTopic(), problems);
        validateTopic("spec.outputTopic", spec.getOutputTopic(), problems);
        validateTopic("spec.terminationTopic", spec.getTerminationTopic(), problems);
        if (spec.getInputTopic() != null && spec.getInputTopic().equals(spec.getOutputTopic())) {
            problems.add("spec.outputTopic: equals inputTopic '" + spec.getInputTopic()
                    + "' (the function would consume its own output)");
        }
    }

    /** RabbitMQ's rules for queue names: non-empty, at most 255 bytes, 'amq.' reserved. */
    static void validateTopic(String field, String topic, List<String> problems) {
        if (topic == null) {
            return;
        }
        if (topic.isEmpty()) {
            problems.add(field + ": must not be empty");
        } else if (topic.getBytes(StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
            problems.add(field + ": longer than " + MAX_TOPIC_BYTES + " bytes (RabbitMQ's limit for queue names)");
        } else if (topic.startsWith("amq.")) {
            problems.add(field + ": '" + topic + "' starts with 'amq.', which RabbitMQ reserves");
        }
    }

    private static void validatePush(StreamOperatorSpec spec, List<String> problems) {
        var port = spec.getPushPort();
        if (port != null) {
            if (port < 1 || port > 65535) {
                problems.add("spec.pushPort: " + port + " is not a port number (1-65535)");
            } else if (port == FunctionPodTemplate.API_PORT || port == FunctionPodTemplate.MANAGEMENT_PORT) {
                problems.add("spec.pushPort: " + port + " is used by the sidecar (4321 API, 4323 management)");
            }
        }
        var path = spec.getPushPath();
        if (path != null && (!path.startsWith("/") || path.chars().anyMatch(c -> Character.isWhitespace(c) || c == '?' || c == '#'))) {
            problems.add("spec.pushPath: '" + path + "' must start with '/' and contain no whitespace, '?' or '#'");
        }
    }

    private static void validateEnv(StreamOperatorSpec spec, List<String> problems) {
        if (spec.getEnv() == null) {
            return;
        }
        var seen = new HashSet<String>();
        for (int i = 0; i < spec.getEnv().size(); i++) {
            var name = spec.getEnv().get(i).getName();
            var field = "spec.env[" + i + "].name";
            if (name == null || name.isEmpty()) {
                problems.add(field + ": required");
            } else if (name.contains("=")) {
                problems.add(field + ": '" + name + "' contains '='");
            } else if (FunctionPodTemplate.RESERVED_FUNCTION_ENV.contains(name)) {
                problems.add(field + ": '" + name + "' is set by the operator and cannot be overridden");
            } else if (!seen.add(name)) {
                problems.add(field + ": '" + name + "' appears twice");
            }
        }
    }

    /** The schema types quantities as int-or-string only; the operator must canonicalise them, so it checks them. */
    private static void validateResources(String field, ResourceRequirements resources, List<String> problems) {
        if (resources == null) {
            return;
        }
        validateQuantities(field + ".limits", resources.getLimits(), problems);
        validateQuantities(field + ".requests", resources.getRequests(), problems);
    }

    private static void validateQuantities(String field, Map<String, Quantity> quantities, List<String> problems) {
        if (quantities == null) {
            return;
        }
        quantities.forEach((name, quantity) -> {
            var problem = CanonicalQuantities.problem(quantity);
            if (problem != null) {
                problems.add(field + "." + name + ": " + problem);
            }
        });
    }

    private static void validateSecretRef(SecretKeySelector ref, List<String> problems) {
        if (ref.getName() == null || !DNS_SUBDOMAIN.matcher(ref.getName()).matches()) {
            problems.add("spec.broker.secretRef.name: '" + ref.getName() + "' is not a Secret name");
        }
        if (ref.getKey() == null || !SECRET_KEY.matcher(ref.getKey()).matches()) {
            problems.add("spec.broker.secretRef.key: '" + ref.getKey() + "' is not a Secret key");
        }
    }
}
