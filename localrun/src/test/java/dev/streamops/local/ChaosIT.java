package dev.streamops.local;

import dev.streamops.local.demo.PipelineObserver;
import dev.streamops.local.demo.ReadingSet;
import dev.streamops.local.pods.LocalPod;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline under trouble, mid-stream: one sidecar SIGKILLed, another SIGTERMed, both
 * restarted by the runner like a kubelet would; the transform scaled from 1 to 3 replicas and
 * back through its StreamOperator. Nothing sent is lost.
 */
class ChaosIT {
    private static final long MESSAGES = 10_000;
    private static PipelineFixture pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = PipelineFixture.start("ChaosIT");
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static long sinkUnique() {
        return pipeline.observer.snapshot().stage("sink").map(s -> s.sum("unique")).orElse(0L);
    }

    private static void awaitSinkAtLeast(long readings) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> sinkUnique() >= readings);
    }

    private static void awaitRestartedAndReady(String streamOperator, String podName, long oldPid) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            LocalPod.View pod = pipeline.pods(streamOperator).stream().filter(p -> p.name().equals(podName)).findFirst().orElseThrow();
            LocalPod.ContainerView sidecar = pod.container("sidecar").orElseThrow();
            assertThat(sidecar.restarts()).isGreaterThanOrEqualTo(1);
            assertThat(sidecar.pid()).isPositive().isNotEqualTo(oldPid);
            assertThat(pod.ready()).isTrue();
        });
    }

    @Test
    void killsRestartsAndScalingLoseNothing() throws Exception {
        pipeline.manifests(MESSAGES, 250).withReplicas("transform", 1).apply(pipeline.runtime.client());
        pipeline.awaitReady("transform", 1, Duration.ofSeconds(120));
        pipeline.awaitReady("sink", 1, Duration.ofSeconds(120));
        awaitSinkAtLeast(1000);

        LocalPod.View transform = pipeline.pods("transform").get(0);
        long transformSidecar = transform.container("sidecar").orElseThrow().pid();
        ProcessHandle.of(transformSidecar).orElseThrow().destroyForcibly();
        System.out.println("ChaosIT: SIGKILL transform sidecar pid " + transformSidecar + " at sink unique " + sinkUnique());
        awaitRestartedAndReady("transform", transform.name(), transformSidecar);

        awaitSinkAtLeast(sinkUnique() + 500);
        LocalPod.View sink = pipeline.pods("sink").get(0);
        long sinkSidecar = sink.container("sidecar").orElseThrow().pid();
        ProcessHandle.of(sinkSidecar).orElseThrow().destroy();
        System.out.println("ChaosIT: SIGTERM sink sidecar pid " + sinkSidecar + " at sink unique " + sinkUnique());
        awaitRestartedAndReady("sink", sink.name(), sinkSidecar);

        pipeline.scale("transform", 3);
        pipeline.awaitReady("transform", 3, Duration.ofSeconds(150));
        pipeline.awaitReadyCondition("transform", Duration.ofSeconds(60));
        System.out.println("ChaosIT: transform at 3 replicas at sink unique " + sinkUnique());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(pipeline.vhost.consumers("readings")).as("three replicas compete for the input topic").hasValue(3));
        List<LocalPod.View> atThree = pipeline.pods("transform");
        pipeline.scale("transform", 1);
        pipeline.awaitReady("transform", 1, Duration.ofSeconds(120));
        // The condition too: a status write computed from a stale cached copy once left Ready=False with
        // the message of Ready=True here, for minutes (fixed in StreamOperatorReconciler.record).
        pipeline.awaitReadyCondition("transform", Duration.ofSeconds(60));
        List<String> kept = pipeline.pods("transform").stream().map(LocalPod.View::name).toList();
        List<Long> removedPids = atThree.stream().filter(pod -> !kept.contains(pod.name()))
                .flatMap(pod -> pod.containers().stream()).map(LocalPod.ContainerView::pid).toList();
        assertThat(removedPids).as("function and sidecar of the two replicas scaled away").hasSize(4).allMatch(pid -> pid > 0);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(removedPids)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("pid " + pid + " of a scaled-down replica").isFalse()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(pipeline.vhost.consumers("readings")).as("the stopped replicas cancelled their consumers").hasValue(1));
        System.out.println("ChaosIT: transform back at 1 replica at sink unique " + sinkUnique());

        PipelineObserver.Snapshot end = pipeline.awaitAllDelivered(MESSAGES, Duration.ofMinutes(4));
        PipelineObserver.Stage sinkStage = end.stage("sink").orElseThrow();
        assertThat(sinkStage.sum("unique")).isEqualTo(MESSAGES);
        assertThat(sinkStage.sum("gaps")).isZero();
        ReadingSet sent = ReadingSet.sentBy(end.stage("source").orElseThrow().functionStats().get(0));
        ReadingSet received = ReadingSet.heldBy(sinkStage.functionStats().get(0));
        assertThat(sent.without(received).size()).as("sent but not in the sink, e.g. " + sent.without(received).example()).isZero();
        assertThat(received.without(sent).size()).as("in the sink but never sent").isZero();
        System.out.printf("ChaosIT: sent %d, received %d, lost 0, duplicates %d%n",
                end.stage("source").orElseThrow().sum("sent"), sinkStage.sum("unique"), sinkStage.sum("duplicates"));
    }
}
