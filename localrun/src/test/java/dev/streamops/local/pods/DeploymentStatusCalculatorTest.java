package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DeploymentStatusCalculatorTest {
    private static Deployment deployment(int replicas, long generation) {
        return new DeploymentBuilder().withNewMetadata().withName("sink").withNamespace("demo").withGeneration(generation).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec().build();
    }

    @Test
    void countsPodsAndSetsConditionsLikeTheDeploymentController() {
        DeploymentStatus status = DeploymentStatusCalculator.desired(deployment(3, 4),
                new DeploymentStatusCalculator.PodCounts(3, 3, 2), Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(status.getObservedGeneration()).isEqualTo(4);
        assertThat(status.getReplicas()).isEqualTo(3);
        assertThat(status.getUpdatedReplicas()).isEqualTo(3);
        assertThat(status.getReadyReplicas()).isEqualTo(2);
        assertThat(status.getAvailableReplicas()).isEqualTo(2);
        assertThat(status.getUnavailableReplicas()).isEqualTo(1);
        assertThat(status.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                .containsExactly("Available=False/MinimumReplicasUnavailable", "Progressing=True/ReplicaSetUpdated");
    }

    @Test
    void keepsTransitionTimesWhileNothingChangesAndWritesOnlyOnChange() {
        Deployment deployment = deployment(1, 1);
        DeploymentStatus first = DeploymentStatusCalculator.desired(deployment,
                new DeploymentStatusCalculator.PodCounts(1, 1, 1), Instant.parse("2026-01-01T00:00:00Z"));
        deployment.setStatus(first);
        DeploymentStatus again = DeploymentStatusCalculator.desired(deployment,
                new DeploymentStatusCalculator.PodCounts(1, 1, 1), Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(again.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(DeploymentStatusCalculator.differs(first, again)).isFalse();
        DeploymentStatus lostOne = DeploymentStatusCalculator.desired(deployment,
                new DeploymentStatusCalculator.PodCounts(1, 1, 0), Instant.parse("2026-01-01T00:06:00Z"));
        assertThat(DeploymentStatusCalculator.differs(first, lostOne)).isTrue();
        assertThat(lostOne.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:06:00Z");
    }

    @Test
    void aRolloutWithoutProgressPastItsDeadlineIsReportedAsNotProgressing() {
        DeploymentStatus stuck = DeploymentStatusCalculator.desired(deployment(1, 2),
                new DeploymentStatusCalculator.PodCounts(1, 1, 0, true), Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(stuck.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                .containsExactly("Available=False/MinimumReplicasUnavailable", "Progressing=False/ProgressDeadlineExceeded");
        assertThat(stuck.getConditions().get(1).getMessage()).isEqualTo("ReplicaSet \"sink\" has timed out progressing.");
        DeploymentStatus done = DeploymentStatusCalculator.desired(deployment(1, 2),
                new DeploymentStatusCalculator.PodCounts(1, 1, 1, true), Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(done.getConditions().get(1).getReason()).as("a complete rollout is never past its deadline").isEqualTo("NewReplicaSetAvailable");
    }
}
