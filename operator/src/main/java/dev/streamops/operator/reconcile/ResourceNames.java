package dev.streamops.operator.reconcile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import dev.streamops.operator.api.StreamOperator;

/** The one place that decides names and labels of everything the operator creates. */
public final class ResourceNames {
    public static final String FUNCTION_CONTAINER = "function";
    public static final String SIDECAR_CONTAINER = "sidecar";
    public static final String SIDECAR_TMP_VOLUME = "sidecar-tmp";

    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String LABEL_PART_OF = "app.kubernetes.io/part-of";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

    public static final String APP_NAME = "streamops-function";
    public static final String COMPONENT = "stream-function";
    public static final String PART_OF = "streamops";
    public static final String MANAGED_BY = "streamops-operator";

    /** Lets `kubectl logs pod` and `kubectl exec` pick the function instead of the sidecar. */
    public static final String DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

    private ResourceNames() {
    }

    public static String deploymentName(StreamOperator sop) {
        return sop.getMetadata().getName();
    }

    /** Labels that identify the pods of one StreamOperator; immutable once the Deployment exists. */
    public static Map<String, String> selectorLabels(StreamOperator sop) {
        var labels = new LinkedHashMap<String, String>();
        labels.put(LABEL_NAME, APP_NAME);
        labels.put(LABEL_INSTANCE, sop.getMetadata().getName());
        return labels;
    }

    /** Recommended labels on the Deployment and its pods. */
    public static Map<String, String> labels(StreamOperator sop) {
        var labels = selectorLabels(sop);
        labels.put(LABEL_COMPONENT, COMPONENT);
        labels.put(LABEL_PART_OF, PART_OF);
        labels.put(LABEL_MANAGED_BY, MANAGED_BY);
        return labels;
    }

    /** The selector as the string the scale subresource (status.selector) expects. */
    public static String selectorString(StreamOperator sop) {
        return selectorLabels(sop).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** The operator's informer only watches Deployments it manages. */
    public static String managedSelector() {
        return LABEL_MANAGED_BY + "=" + MANAGED_BY;
    }
}
