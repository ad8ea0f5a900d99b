package dev.streamops.local.pods;

import java.util.Map;

/** What the downward API can tell a container about its pod. */
public record PodIdentity(String name, String namespace, String uid, String podIp, String hostIp,
                          String nodeName, String serviceAccountName,
                          Map<String, String> labels, Map<String, String> annotations) {
    public PodIdentity {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
