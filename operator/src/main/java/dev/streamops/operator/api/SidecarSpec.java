package dev.streamops.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** Per-StreamOperator overrides of the sidecar the operator adds to every pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSpec {
    @JsonPropertyDescription("Compute resources of the sidecar container; replaces the operator's defaults "
            + "(requests cpu 50m / memory 96Mi, limit memory 256Mi) when set.")
    private ResourceRequirements resources;

    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("How many unacknowledged messages the sidecar may hold for the function (RabbitMQ prefetch). "
            + "Sidecar default: 10.")
    private Integer prefetch;

    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("How many pushed messages the sidecar hands to the function at the same time. "
            + "Sidecar default 1: one after the other, in queue order. Higher values trade order for throughput "
            + "with slow functions; at most prefetch.")
    private Integer pushConcurrency;

    public ResourceRequirements getResources() { return resources; }
    public void setResources(ResourceRequirements resources) { this.resources = resources; }
    public Integer getPrefetch() { return prefetch; }
    public void setPrefetch(Integer prefetch) { this.prefetch = prefetch; }
    public Integer getPushConcurrency() { return pushConcurrency; }
    public void setPushConcurrency(Integer pushConcurrency) { this.pushConcurrency = pushConcurrency; }
}
