package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status the Deployment controller would write, from the pods that run: replicas,
 * updated/ready/available/unavailable counts, observedGeneration and the Available and
 * Progressing conditions (transition times kept while the status does not change).
 */
final class DeploymentStatusCalculator {
    /** Counts of the pods of one Deployment, and whether its rollout made no progress for progressDeadlineSeconds. */
    record PodCounts(int total, int updated, int ready, boolean deadlineExceeded) {
        PodCounts(int total, int updated, int ready) {
            this(total, updated, ready, false);
        }
    }

    private DeploymentStatusCalculator() {
    }

    static DeploymentStatus desired(Deployment deployment, PodCounts pods, Instant now) {
        int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        DeploymentStatus previous = deployment.getStatus();
        boolean available = pods.ready() >= wanted;
        boolean complete = pods.updated() == wanted && pods.total() == wanted && pods.ready() == wanted;
        List<DeploymentCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, "Available", available,
                available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now));
        String replicaSet = "ReplicaSet \"" + deployment.getMetadata().getName() + "\"";
        if (!complete && pods.deadlineExceeded()) {
            conditions.add(condition(previous, "Progressing", false, "ProgressDeadlineExceeded",
                    replicaSet + " has timed out progressing.", now));
        } else {
            conditions.add(condition(previous, "Progressing", true,
                    complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                    complete ? replicaSet + " has successfully progressed." : replicaSet + " is progressing.", now));
        }
        return new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(pods.total())
                .withUpdatedReplicas(pods.updated())
                .withReadyReplicas(pods.ready())
                .withAvailableReplicas(pods.ready())
                .withUnavailableReplicas(Math.max(0, wanted - pods.ready()))
                .withConditions(conditions)
                .build();
    }

    /** True when the two statuses differ in anything but timestamps. */
    static boolean differs(DeploymentStatus current, DeploymentStatus desired) {
        if (current == null) {
            return true;
        }
        return !Objects.equals(current.getObservedGeneration(), desired.getObservedGeneration())
                || !Objects.equals(zeroIfNull(current.getReplicas()), desired.getReplicas())
                || !Objects.equals(zeroIfNull(current.getUpdatedReplicas()), desired.getUpdatedReplicas())
                || !Objects.equals(zeroIfNull(current.getReadyReplicas()), desired.getReadyReplicas())
                || !Objects.equals(zeroIfNull(current.getAvailableReplicas()), desired.getAvailableReplicas())
                || !Objects.equals(zeroIfNull(current.getUnavailableReplicas()), desired.getUnavailableReplicas())
                || !sameConditions(current.getConditions(), desired.getConditions());
    }

    private static boolean sameConditions(List<DeploymentCondition> a, List<DeploymentCondition> b) {
        if (a == null || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            DeploymentCondition x = a.get(i);
            DeploymentCondition y = b.get(i);
            if (!Objects.equals(x.getType(), y.getType()) || !Objects.equals(x.getStatus(), y.getStatus())
                    || !Objects.equals(x.getReason(), y.getReason())) {
                return false;
            }
        }
        return true;
    }

    private static Integer zeroIfNull(Integer value) {
        return value == null ? 0 : value;
    }

    private static DeploymentCondition condition(DeploymentStatus previous, String type, boolean status, String reason,
                                                 String message, Instant now) {
        String statusText = status ? "True" : "False";
        String transition = now.toString();
        String update = now.toString();
        if (previous != null && previous.getConditions() != null) {
            for (DeploymentCondition old : previous.getConditions()) {
                if (type.equals(old.getType()) && statusText.equals(old.getStatus())) {
                    transition = old.getLastTransitionTime();
                    if (reason.equals(old.getReason())) {
                        update = old.getLastUpdateTime();
                    }
                }
            }
        }
        return new DeploymentConditionBuilder().withType(type).withStatus(statusText).withReason(reason)
                .withMessage(message).withLastTransitionTime(transition).withLastUpdateTime(update).build();
    }
}
