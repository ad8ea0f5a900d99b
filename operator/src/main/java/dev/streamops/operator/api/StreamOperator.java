package dev.streamops.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A stream-processing function: one container image wired to RabbitMQ topics through the
 * StreamOps sidecar. The operator turns each StreamOperator into a Deployment of the same name.
 */
@Group(StreamOperator.GROUP)
@Version(StreamOperator.VERSION)
@Kind("StreamOperator")
@Plural("streamoperators")
@Singular("streamoperator")
@ShortNames("sop")
// kubectl shows NAME, AGE, IMAGE, INPUT, OUTPUT, READY: the CRD generator orders printer columns
// by JSON path (Fabric8 7.5, AbstractCustomResourceHandler), not as declared here, so Age
// (.metadata...) comes before .spec and .status whatever this order is. CrdTest pins the result.
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image")
@AdditionalPrinterColumn(name = "Input", jsonPath = ".spec.inputTopic")
@AdditionalPrinterColumn(name = "Output", jsonPath = ".spec.outputTopic")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class StreamOperator extends CustomResource<StreamOperatorSpec, StreamOperatorStatus>
        implements Namespaced {
    public static final String GROUP = "streamops.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    // CustomResource would otherwise leave spec/status null for a resource without them.
    @Override
    protected StreamOperatorSpec initSpec() {
        return new StreamOperatorSpec();
    }

    // Overridden only for their descriptions: the CRD generator takes a description from the
    // property (@JsonPropertyDescription), not from the class, and `kubectl explain sop.spec` shows it.
    @Override
    @JsonPropertyDescription("What the function is and how it runs: its image, the topics it consumes and publishes, "
            + "replicas, env and resources, and overrides for the broker and the sidecar. The operator turns it into a "
            + "Deployment of the same name pairing the function container with the StreamOps sidecar.")
    public StreamOperatorSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("What the operator observed, written only by the operator and only when it changed: "
            + "pod counts of the Deployment, the label selector for the scale subresource, and the conditions Ready "
            + "and Error.")
    public StreamOperatorStatus getStatus() {
        return super.getStatus();
    }
}
