package dev.streamops.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.streamops.operator.TestResources;
import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.api.StreamOperatorStatus;
import dev.streamops.operator.reconcile.StatusAggregator.Observation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;

class StatusAggregatorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");

    private static StreamOperator sop(int replicas, long generation) {
        var sop = TestResources.streamOperator("apps", "f", "example/f:1", "in", "out");
        sop.getSpec().setReplicas(replicas);
        sop.getMetadata().setGeneration(generation);
        return sop;
    }

    private static Deployment deployment(long generation, Long observed, int replicas, int ready, int updated) {
        return new DeploymentBuilder().withNewMetadata().withName("f").withGeneration(generation).endMetadata()
                .withNewStatus().withObservedGeneration(observed).withReplicas(replicas).withReadyReplicas(ready)
                .withUpdatedReplicas(updated).endStatus().build();
    }

    private static StatusAggregator at(Instant now) {
        return new StatusAggregator(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void allReplicasReadyAndUpdatedIsReady() {
        var status = at(T0).aggregate(sop(2, 3), new Observation.Deployed(deployment(5, 5L, 2, 2, 2)));
        assertThat(status.getObservedGeneration()).isEqualTo(3);
        assertThat(status.getReplicas()).isEqualTo(2);
        assertThat(status.getReadyReplicas()).isEqualTo(2);
        assertThat(status.getReady()).isEqualTo("2/2");
        assertThat(status.getSelector()).isEqualTo("app.kubernetes.io/name=streamops-function,app.kubernetes.io/instance=f");
        assertThat(status.getConditions()).extracting(Condition::getType).containsExactly("Ready", "Error");
        assertCondition(status, "Ready", "True", "Available", "2/2 replicas ready", T0);
        assertCondition(status, "Error", "False", "NoError", "", T0);
        assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3));
    }

    @Test
    void staleObservedGenerationOrOldPodsMeanProgressing() {
        var stale = at(T0).aggregate(sop(2, 1), new Observation.Deployed(deployment(5, 4L, 2, 2, 2)));
        assertCondition(stale, "Ready", "False", "Progressing", "Rolling out: 2/2 replicas ready, 2 updated", T0);
        var oldPods = at(T0).aggregate(sop(2, 1), new Observation.Deployed(deployment(5, 5L, 3, 2, 1)));
        assertCondition(oldPods, "Ready", "False", "Progressing", "Rolling out: 2/2 replicas ready, 1 updated", T0);
        var noStatus = at(T0).aggregate(sop(1, 1), new Observation.Deployed(new DeploymentBuilder()
                .withNewMetadata().withName("f").withGeneration(1L).endMetadata().build()));
        assertThat(noStatus.getReady()).isEqualTo("0/1");
        assertCondition(noStatus, "Ready", "False", "Progressing", "Rolling out: 0/1 replicas ready, 0 updated", T0);
    }

    @Test
    void zeroReplicasIsReadyAsScaledToZero() {
        var status = at(T0).aggregate(sop(0, 1), new Observation.Deployed(deployment(2, 2L, 0, 0, 0)));
        assertThat(status.getReady()).isEqualTo("0/0");
        assertCondition(status, "Ready", "True", "ScaledToZero", "Scaled to zero replicas", T0);
    }

    @Test
    void progressDeadlineExceededIsAnError() {
        var d = deployment(2, 2L, 1, 0, 1);
        d.getStatus().setConditions(List.of(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet \"f-1\" has timed out progressing.").build()));
        var status = at(T0).aggregate(sop(1, 1), new Observation.Deployed(d));
        var message = "Deployment f exceeded its progress deadline: ReplicaSet \"f-1\" has timed out progressing. "
                + "(check the pods' events: image pull, crash loop, sidecar not ready)";
        assertCondition(status, "Ready", "False", "RolloutFailed", message, T0);
        assertCondition(status, "Error", "True", "RolloutFailed", message, T0);
    }

    @Test
    void errorsKeepTheLastSeenPodCounts() {
        var sop = sop(2, 1);
        sop.setStatus(at(T0).aggregate(sop, new Observation.Deployed(deployment(1, 1L, 2, 1, 2))));
        sop.getMetadata().setGeneration(2L);
        var status = at(T1).aggregate(sop, new Observation.InvalidSpec("Invalid spec: spec.image: required"));
        assertThat(status.getReady()).isEqualTo("1/2");
        assertThat(status.getReplicas()).isEqualTo(2);
        assertThat(status.getObservedGeneration()).isEqualTo(2);
        assertCondition(status, "Ready", "False", "InvalidSpec", "Invalid spec: spec.image: required", T0);
        assertCondition(status, "Error", "True", "InvalidSpec", "Invalid spec: spec.image: required", T1);
    }

    @Test
    void brokerSecretMissingAndFailureHaveTheirReasons() {
        var missing = at(T0).aggregate(sop(1, 1), new Observation.BrokerSecretMissing("Broker Secret 'x' not found"));
        assertThat(missing.getReady()).isEqualTo("0/1");
        assertCondition(missing, "Error", "True", "BrokerSecretMissing", "Broker Secret 'x' not found", T0);
        var failed = at(T0).aggregate(sop(1, 1), new Observation.Failed("boom"));
        assertCondition(failed, "Error", "True", "ReconcileFailed", "boom", T0);
    }

    @Test
    void sameObservationLaterGivesAnEqualStatusSoNothingIsPatched() {
        var sop = sop(1, 1);
        var first = at(T0).aggregate(sop, new Observation.Deployed(deployment(1, 1L, 1, 1, 1)));
        sop.setStatus(first);
        var again = at(T1).aggregate(sop, new Observation.Deployed(deployment(1, 1L, 1, 1, 1)));
        assertThat(again).isEqualTo(first);
    }

    @Test
    void lastTransitionTimeChangesOnlyWithTheConditionStatus() {
        var sop = sop(1, 1);
        sop.setStatus(at(T0).aggregate(sop, new Observation.Deployed(deployment(1, 1L, 1, 0, 1))));
        var ready = at(T1).aggregate(sop, new Observation.Deployed(deployment(1, 1L, 1, 1, 1)));
        assertCondition(ready, "Ready", "True", "Available", "1/1 replicas ready", T1);
        assertCondition(ready, "Error", "False", "NoError", "", T0);
    }

    @Test
    void newlyTrueListsConditionsThatTurnedTrueOrChangedReason() {
        var sop = sop(1, 1);
        var progressing = at(T0).aggregate(sop, new Observation.Deployed(deployment(1, 1L, 1, 0, 1)));
        assertThat(StatusAggregator.newlyTrue(null, progressing)).isEmpty();
        var invalid = at(T0).aggregate(sop, new Observation.InvalidSpec("bad"));
        assertThat(StatusAggregator.newlyTrue(progressing, invalid)).extracting(Condition::getReason).containsExactly("InvalidSpec");
        assertThat(StatusAggregator.newlyTrue(invalid, invalid)).isEmpty();
        var otherMessage = at(T0).aggregate(sop, new Observation.InvalidSpec("worse"));
        assertThat(StatusAggregator.newlyTrue(invalid, otherMessage)).extracting(Condition::getMessage).containsExactly("worse");
        var ready = at(T0).aggregate(sop, new Observation.Deployed(deployment(1, 1L, 1, 1, 1)));
        assertThat(StatusAggregator.newlyTrue(invalid, ready)).extracting(Condition::getType).containsExactly("Ready");
        assertThat(StatusAggregator.newlyTrue(ready, ready)).isEmpty();
    }

    private static void assertCondition(StreamOperatorStatus status, String type, String value, String reason,
            String message, Instant transition) {
        var c = status.condition(type).orElseThrow(() -> new AssertionError("no condition " + type));
        assertThat(List.of(c.getStatus(), c.getReason(), c.getMessage(), c.getLastTransitionTime()))
                .containsExactly(value, reason, message, transition.toString());
    }
}
