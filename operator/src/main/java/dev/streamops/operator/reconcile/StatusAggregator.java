package dev.streamops.operator.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.api.StreamOperatorSpec;
import dev.streamops.operator.api.StreamOperatorStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/**
 * Turns what the reconciler observed into a StreamOperator status with Kubernetes-style conditions.
 * A condition keeps its lastTransitionTime while its status stays the same, so aggregating the same
 * observation twice yields an equal status and the reconciler can skip the patch.
 */
public final class StatusAggregator {
    public static final String READY = "Ready";
    public static final String ERROR = "Error";

    public static final String REASON_AVAILABLE = "Available";
    public static final String REASON_SCALED_TO_ZERO = "ScaledToZero";
    public static final String REASON_PROGRESSING = "Progressing";
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    public static final String REASON_BROKER_SECRET_MISSING = "BrokerSecretMissing";
    public static final String REASON_ROLLOUT_FAILED = "RolloutFailed";
    public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";
    public static final String REASON_NO_ERROR = "NoError";

    /** What one reconciliation found. */
    public sealed interface Observation {
        /** The spec breaks a rule; nothing was changed in the cluster. */
        record InvalidSpec(String message) implements Observation {
        }

        /** The broker Secret (or its key) does not exist; nothing was changed in the cluster. */
        record BrokerSecretMissing(String message) implements Observation {
        }

        /** The Deployment matches the spec; its status tells how far the rollout got. */
        record Deployed(Deployment deployment) implements Observation {
        }

        /** An unexpected error (API server refused, conflict, ...); JOSDK retries. */
        record Failed(String message) implements Observation {
        }
    }

    private final Clock clock;

    public StatusAggregator(Clock clock) {
        this.clock = clock;
    }

    public StreamOperatorStatus aggregate(StreamOperator sop, Observation observation) {
        var previous = Optional.ofNullable(sop.getStatus()).orElseGet(StreamOperatorStatus::new);
        var status = new StreamOperatorStatus();
        status.setObservedGeneration(sop.getMetadata().getGeneration());
        status.setSelector(ResourceNames.selectorString(sop));
        switch (observation) {
            case Observation.Deployed d -> fromDeployment(status, previous, sop, d.deployment());
            case Observation.InvalidSpec i -> notApplied(status, previous, sop, REASON_INVALID_SPEC, i.message());
            case Observation.BrokerSecretMissing b ->
                    notApplied(status, previous, sop, REASON_BROKER_SECRET_MISSING, b.message());
            case Observation.Failed f -> notApplied(status, previous, sop, REASON_RECONCILE_FAILED, f.message());
        }
        return status;
    }

    private void fromDeployment(StreamOperatorStatus status, StreamOperatorStatus previous, StreamOperator sop,
            Deployment deployment) {
        int desired = desiredReplicas(sop);
        var ds = Optional.ofNullable(deployment.getStatus()).orElseGet(DeploymentStatus::new);
        int readyReplicas = orZero(ds.getReadyReplicas());
        status.setReplicas(orZero(ds.getReplicas()));
        status.setReadyReplicas(readyReplicas);
        status.setReady(readyReplicas + "/" + desired);
        var deadline = progressDeadlineExceeded(ds);
        if (deadline.isPresent()) {
            var message = "Deployment " + deployment.getMetadata().getName() + " exceeded its progress deadline: "
                    + Objects.toString(deadline.get().getMessage(), "")
                    + " (check the pods' events: image pull, crash loop, sidecar not ready)";
            put(status, previous, sop, READY, false, REASON_ROLLOUT_FAILED, message);
            put(status, previous, sop, ERROR, true, REASON_ROLLOUT_FAILED, message);
            return;
        }
        if (!rolledOut(deployment, ds, desired)) {
            put(status, previous, sop, READY, false, REASON_PROGRESSING, "Rolling out: " + readyReplicas + "/"
                    + desired + " replicas ready, " + orZero(ds.getUpdatedReplicas()) + " updated");
        } else if (desired == 0) {
            put(status, previous, sop, READY, true, REASON_SCALED_TO_ZERO, "Scaled to zero replicas");
        } else {
            put(status, previous, sop, READY, true, REASON_AVAILABLE, readyReplicas + "/" + desired + " replicas ready");
        }
        put(status, previous, sop, ERROR, false, REASON_NO_ERROR, "");
    }

    /** Nothing was applied: keep what was last seen of the pods, and say why the resource is not ready. */
    private void notApplied(StreamOperatorStatus status, StreamOperatorStatus previous, StreamOperator sop,
            String reason, String message) {
        status.setReplicas(previous.getReplicas());
        status.setReadyReplicas(previous.getReadyReplicas());
        status.setReady(previous.getReady() != null ? previous.getReady() : "0/" + desiredReplicas(sop));
        put(status, previous, sop, READY, false, reason, message);
        put(status, previous, sop, ERROR, true, reason, message);
    }

    /**
     * Conditions that have just become True (Error raised, or Ready reached), or whose True reason or
     * message changed: each deserves an Event. Unchanged conditions give none, so a resync is silent.
     */
    public static List<Condition> newlyTrue(StreamOperatorStatus previous, StreamOperatorStatus current) {
        var changed = new ArrayList<Condition>();
        for (var c : current.getConditions()) {
            if (!"True".equals(c.getStatus())) {
                continue;
            }
            var before = previous == null ? Optional.<Condition>empty() : previous.condition(c.getType());
            boolean same = before.filter(b -> "True".equals(b.getStatus())
                    && Objects.equals(b.getReason(), c.getReason())
                    && (READY.equals(c.getType()) || Objects.equals(b.getMessage(), c.getMessage()))).isPresent();
            if (!same) {
                changed.add(c);
            }
        }
        return changed;
    }

    private static boolean rolledOut(Deployment deployment, DeploymentStatus ds, int desired) {
        // The Deployment controller must have seen the current template, else its counts are stale.
        var generation = deployment.getMetadata().getGeneration();
        boolean observed = generation == null
                || (ds.getObservedGeneration() != null && ds.getObservedGeneration() >= generation);
        return observed
                && orZero(ds.getUpdatedReplicas()) == desired
                && orZero(ds.getReadyReplicas()) == desired
                && orZero(ds.getReplicas()) == desired;
    }

    private static Optional<DeploymentCondition> progressDeadlineExceeded(DeploymentStatus ds) {
        return Optional.ofNullable(ds.getConditions()).orElse(List.of()).stream()
                .filter(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
                        && "ProgressDeadlineExceeded".equals(c.getReason()))
                .findFirst();
    }

    private void put(StreamOperatorStatus status, StreamOperatorStatus previous, StreamOperator sop,
            String type, boolean value, String reason, String message) {
        var statusValue = value ? "True" : "False";
        var transition = previous.condition(type)
                .filter(c -> statusValue.equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(Condition::getLastTransitionTime)
                .orElseGet(this::now);
        status.getConditions().removeIf(c -> type.equals(c.getType()));
        status.getConditions().add(new ConditionBuilder()
                .withType(type)
                .withStatus(statusValue)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(sop.getMetadata().getGeneration())
                .withLastTransitionTime(transition)
                .build());
    }

    private String now() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    }

    private static int desiredReplicas(StreamOperator sop) {
        var replicas = sop.getSpec() == null ? null : sop.getSpec().getReplicas();
        return replicas == null ? StreamOperatorSpec.DEFAULT_REPLICAS : replicas;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
