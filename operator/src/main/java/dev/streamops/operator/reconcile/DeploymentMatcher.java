package dev.streamops.operator.reconcile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Decides whether a live Deployment is still the one the operator asked for, and if not, where it
 * differs. Pure, like {@link FunctionPodTemplate}.
 *
 * <p>Two checks, because neither alone is enough with server-side apply off:
 * <ul>
 * <li><b>Intent.</b> The desired Deployment carries a hash of its whole spec
 * ({@link #SPEC_HASH_ANNOTATION}). Any change of the StreamOperator or of the operator's
 * configuration changes it, removals included (a dropped env entry, topic, limit or pull secret),
 * so it always rolls out; comparing field by field could not see the removal of a field the API
 * server defaults (e.g. imagePullPolicy).</li>
 * <li><b>Drift.</b> The fields the operator owns are compared exactly, so a manual edit is reverted,
 * additions included (an extra env var, container or volume, a privileged security context).
 * "Owned" means set by the operator, or one the API server never defaults: defaulted fields the
 * operator leaves unset (terminationMessagePath, dnsPolicy, the Deployment's strategy, ...) are not
 * compared, and constant defaults inside owned objects (probe thresholds, port protocol, fieldRef
 * apiVersion) are filled in on both sides. Otherwise every reconciliation against a real API server
 * would see a difference and update again.</li>
 * </ul>
 */
public final class DeploymentMatcher {
    /** On the Deployment: the {@link #specHash} of the spec the operator last wrote. */
    public static final String SPEC_HASH_ANNOTATION = "streamops.dev/spec-hash";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Pod fields that are the operator's, or that widen what the pod may do: compared exactly. */
    private static final List<String> POD_FIELDS = List.of("containers", "initContainers", "volumes", "imagePullSecrets",
            "securityContext", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "serviceAccountName");
    /** Pod booleans the API server omits when false. */
    private static final List<String> POD_FLAGS = List.of("hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace");
    /** Container fields compared exactly (after the constant defaults below are filled in). */
    private static final List<String> CONTAINER_FIELDS = List.of("name", "image", "command", "args", "workingDir", "env",
            "envFrom", "ports", "resources", "volumeMounts", "volumeDevices", "securityContext", "restartPolicy",
            "lifecycle", "livenessProbe", "readinessProbe", "startupProbe", "stdin", "tty");
    /** Container fields the API server fills in when absent: compared only when the operator sets them. */
    private static final List<String> CONTAINER_FIELDS_IF_SET = List.of("imagePullPolicy", "terminationMessagePath",
            "terminationMessagePolicy");
    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
    /** Kubernetes' defaults for a probe's unset fields (SetDefaults_Probe). */
    private static final Map<String, Integer> PROBE_DEFAULTS = Map.of(
            "timeoutSeconds", 1, "periodSeconds", 10, "successThreshold", 1, "failureThreshold", 3);

    private DeploymentMatcher() {
    }

    /** A stable fingerprint of a Deployment spec: equal specs give equal hashes, whatever their map order. */
    public static String specHash(DeploymentSpec spec) {
        var canonical = sorted(SERIALIZATION.convertValue(spec, JsonNode.class)).toString();
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * @return where {@code actual} differs from {@code desired} in what the operator owns, as paths
     *     (never values: env values may be confidential); empty when no update is needed
     */
    public static List<String> differences(Deployment desired, Deployment actual) {
        var differences = new ArrayList<String>();
        diff("", owned(desired, desired), owned(actual, desired), differences);
        return differences;
    }

    /** What {@code deployment} says about the fields the operator owns; {@code desired} tells which those are. */
    private static ObjectNode owned(Deployment deployment, Deployment desired) {
        var node = SERIALIZATION.convertValue(deployment, JsonNode.class);
        var want = SERIALIZATION.convertValue(desired, JsonNode.class);
        var owned = JsonNodeFactory.instance.objectNode();
        // Labels and annotations: ours must be there with our values; others' (kubectl rollout
        // restart's, JOSDK's bookkeeping, a team's own labels) are left alone.
        owned.set("labels", entries(node.path("metadata").path("labels"), want.path("metadata").path("labels")));
        owned.set("annotations", entries(node.path("metadata").path("annotations"),
                want.path("metadata").path("annotations")));
        var spec = node.path("spec");
        owned.set("replicas", spec.path("replicas"));
        owned.put("paused", spec.path("paused").asBoolean(false));
        var template = spec.path("template");
        var wantTemplate = want.path("spec").path("template");
        owned.set("template.labels", entries(template.path("metadata").path("labels"),
                wantTemplate.path("metadata").path("labels")));
        owned.set("template.annotations", entries(template.path("metadata").path("annotations"),
                wantTemplate.path("metadata").path("annotations")));
        var pod = JsonNodeFactory.instance.objectNode();
        var podSpec = template.path("spec");
        for (var field : POD_FIELDS) {
            if (POD_FLAGS.contains(field)) {
                pod.put(field, podSpec.path(field).asBoolean(false));
            } else if (field.equals("containers") || field.equals("initContainers")) {
                pod.set(field, containers(podSpec.path(field), wantTemplate.path("spec").path(field)));
            } else {
                pod.set(field, podSpec.path(field).deepCopy());
            }
        }
        owned.set("template.spec", pod);
        return (ObjectNode) pruned(owned);
    }

    private static ObjectNode entries(JsonNode map, JsonNode ours) {
        var node = JsonNodeFactory.instance.objectNode();
        ours.fieldNames().forEachRemaining(key -> node.set(key, map.path(key).deepCopy()));
        return node;
    }

    private static ArrayNode containers(JsonNode containers, JsonNode wanted) {
        var list = JsonNodeFactory.instance.arrayNode();
        for (var container : containers) {
            var want = named(wanted, container.path("name").asText());
            var owned = JsonNodeFactory.instance.objectNode();
            for (var field : CONTAINER_FIELDS) {
                owned.set(field, container.path(field).deepCopy());
            }
            for (var field : CONTAINER_FIELDS_IF_SET) {
                if (want.has(field)) {
                    owned.set(field, container.path(field).deepCopy());
                }
            }
            for (var probe : PROBES) {
                if (owned.get(probe) instanceof ObjectNode p) {
                    PROBE_DEFAULTS.forEach((name, value) -> p.putIfAbsent(name, JsonNodeFactory.instance.numberNode(value)));
                    if (p.get("httpGet") instanceof ObjectNode http) {
                        http.putIfAbsent("scheme", JsonNodeFactory.instance.textNode("HTTP"));
                    }
                }
            }
            for (var port : owned.path("ports")) {
                ((ObjectNode) port).putIfAbsent("protocol", JsonNodeFactory.instance.textNode("TCP"));
            }
            for (var env : owned.path("env")) {
                if (env.path("valueFrom").get("fieldRef") instanceof ObjectNode fieldRef) {
                    fieldRef.putIfAbsent("apiVersion", JsonNodeFactory.instance.textNode("v1"));
                }
            }
            list.add(owned);
        }
        return list;
    }

    private static JsonNode named(JsonNode list, String name) {
        for (var item : list) {
            if (name.equals(item.path("name").asText())) {
                return item;
            }
        }
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * Without nulls, empty strings, objects and arrays: the API server omits them (Go's omitempty),
     * while a client may send them, and they mean the same.
     */
    private static JsonNode pruned(JsonNode node) {
        if (node.isObject()) {
            var copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> {
                var value = pruned(e.getValue());
                if (!isEmpty(value)) {
                    copy.set(e.getKey(), value);
                }
            });
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(pruned(item)));
            return copy;
        }
        return node;
    }

    private static boolean isEmpty(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() || (node.isTextual() && node.asText().isEmpty())
                || ((node.isObject() || node.isArray()) && node.isEmpty());
    }

    /** Adds the paths at which a and b differ; list items are named by their "name" where they have one. */
    private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a.isObject() && b.isObject()) {
            var keys = new TreeSet<String>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (var key : keys) {
                diff(path.isEmpty() ? key : path + "." + key, a.path(key), b.path(key), out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                var name = a.get(i).path("name");
                var index = name.isTextual() && name.equals(b.get(i).path("name")) ? name.asText() : Integer.toString(i);
                diff(path + "[" + index + "]", a.get(i), b.get(i), out);
            }
        } else if (!a.equals(b)) {
            out.add(path);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            var fields = new TreeMap<String, JsonNode>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
            var copy = JsonNodeFactory.instance.objectNode();
            fields.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(sorted(item)));
            return copy;
        }
        return node;
    }
}
