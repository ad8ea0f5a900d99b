package dev.streamops.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What kube-apiserver adds to a Deployment it stores (the SetDefaults_* functions of apps/v1 and
 * core/v1 that apply to a Deployment and its pod template), for tests whose mock API server would
 * otherwise store exactly what the operator sent. An operator that compared naively would see these
 * as differences and update again at every reconciliation.
 */
public final class ServerDefaults {
    private ServerDefaults() {
    }

    /** Fills in the defaults in a Deployment's JSON, in place. */
    public static void apply(ObjectNode deployment) {
        var spec = object(deployment, "spec");
        var strategy = object(spec, "strategy");
        strategy.putIfAbsent("type", text("RollingUpdate"));
        var rolling = object(strategy, "rollingUpdate");
        rolling.putIfAbsent("maxUnavailable", text("25%"));
        rolling.putIfAbsent("maxSurge", text("25%"));
        spec.putIfAbsent("revisionHistoryLimit", number(10));
        spec.putIfAbsent("progressDeadlineSeconds", number(600));
        var template = object(spec, "template");
        object(template, "metadata").putIfAbsent("creationTimestamp", com.fasterxml.jackson.databind.node.NullNode.instance);
        var pod = object(template, "spec");
        pod.putIfAbsent("restartPolicy", text("Always"));
        pod.putIfAbsent("terminationGracePeriodSeconds", number(30));
        pod.putIfAbsent("dnsPolicy", text("ClusterFirst"));
        pod.putIfAbsent("schedulerName", text("default-scheduler"));
        object(pod, "securityContext");
        for (var list : new String[] {"containers", "initContainers"}) {
            for (var c : pod.path(list)) {
                container((ObjectNode) c);
            }
        }
    }

    private static void container(ObjectNode c) {
        c.putIfAbsent("terminationMessagePath", text("/dev/termination-log"));
        c.putIfAbsent("terminationMessagePolicy", text("File"));
        var image = c.path("image").asText();
        var lastSegment = image.substring(image.lastIndexOf('/') + 1);
        boolean latest = !lastSegment.contains(":") && !lastSegment.contains("@") || lastSegment.endsWith(":latest");
        c.putIfAbsent("imagePullPolicy", text(latest ? "Always" : "IfNotPresent"));
        object(c, "resources");
        for (var port : c.path("ports")) {
            ((ObjectNode) port).putIfAbsent("protocol", text("TCP"));
        }
        for (var probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (c.get(probe) instanceof ObjectNode p) {
                p.putIfAbsent("timeoutSeconds", number(1));
                p.putIfAbsent("periodSeconds", number(10));
                p.putIfAbsent("successThreshold", number(1));
                p.putIfAbsent("failureThreshold", number(3));
                if (p.get("httpGet") instanceof ObjectNode http) {
                    http.putIfAbsent("scheme", text("HTTP"));
                }
            }
        }
        for (var env : c.path("env")) {
            if (env.path("valueFrom").get("fieldRef") instanceof ObjectNode fieldRef) {
                fieldRef.putIfAbsent("apiVersion", text("v1"));
            }
        }
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        if (!(parent.get(field) instanceof ObjectNode)) {
            parent.set(field, parent.objectNode());
        }
        return (ObjectNode) parent.get(field);
    }

    private static JsonNode text(String value) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(value);
    }

    private static JsonNode number(int value) {
        return com.fasterxml.jackson.databind.node.IntNode.valueOf(value);
    }
}
