package dev.streamops.operator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

/** What the operator observed; written only by the operator, only when something changed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StreamOperatorStatus {
    @JsonPropertyDescription("metadata.generation of the StreamOperator this status describes.")
    private Long observedGeneration;

    @StatusReplicas
    @JsonPropertyDescription("Pods of the Deployment (any version).")
    private Integer replicas;

    @JsonPropertyDescription("Pods whose function and sidecar are ready.")
    private Integer readyReplicas;

    @JsonPropertyDescription("Ready pods out of requested replicas, e.g. 2/2.")
    private String ready;

    @LabelSelector
    @JsonPropertyDescription("Label selector of the pods (for the scale subresource: HPA, KEDA).")
    private String selector;

    @JsonPropertyDescription("Ready: True when every requested pod is ready with the current spec. "
            + "Error: True when the resource cannot be reconciled or rolled out (reason InvalidSpec, BrokerSecretMissing, "
            + "RolloutFailed or ReconcileFailed); the message says what to fix.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public Integer getReplicas() { return replicas; }
    public void setReplicas(Integer replicas) { this.replicas = replicas; }
    public Integer getReadyReplicas() { return readyReplicas; }
    public void setReadyReplicas(Integer readyReplicas) { this.readyReplicas = readyReplicas; }
    public String getReady() { return ready; }
    public void setReady(String ready) { this.ready = ready; }
    public String getSelector() { return selector; }
    public void setSelector(String selector) { this.selector = selector; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions == null ? new ArrayList<>() : conditions; }

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamOperatorStatus s
                && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(replicas, s.replicas)
                && Objects.equals(readyReplicas, s.readyReplicas)
                && Objects.equals(ready, s.ready)
                && Objects.equals(selector, s.selector)
                && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, replicas, readyReplicas, ready, selector, conditions);
    }
}
