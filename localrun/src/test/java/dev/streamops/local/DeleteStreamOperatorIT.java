package dev.streamops.local;

import dev.streamops.local.demo.PipelineManifests;
import dev.streamops.local.demo.PipelineObserver;
import dev.streamops.local.demo.ReadingSet;
import dev.streamops.local.pods.LocalPod;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deleting a StreamOperator mid-stream stops its processes (its Deployment goes with it, as the
 * garbage collector would do) and leaves its topic alone: the backlog, and the messages its
 * sidecar held unacknowledged, all wait in the queue, and a re-created sink gets each of them
 * exactly once. Accounting is reading by reading: old sink + queue = everything sent.
 */
class DeleteStreamOperatorIT {
    private static final long MESSAGES = 2500;
    private static PipelineFixture pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = PipelineFixture.start("DeleteIT");
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static PipelineObserver.Stage stage(String name) {
        return pipeline.observer.snapshot().stage(name).orElseThrow();
    }

    @Test
    void aSinkDeletedMidStreamLeavesEveryMessageItHadNotCountedInTheQueue() throws Exception {
        // 2,500 readings at 100/s: the source is still sending when the sink goes.
        PipelineManifests manifests = pipeline.manifests(MESSAGES, 100).withReplicas("transform", 1);
        manifests.apply(pipeline.runtime.client());
        pipeline.awaitReady("sink", 1, Duration.ofSeconds(120));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> stage("sink").sum("unique") >= 200);

        // Freeze the sink: its ledger is final from here on, and it stops listening, so its sidecar keeps
        // what it took from the queue unacknowledged (a refused connection is retried, never dead-lettered).
        PipelineObserver.StopAnswers frozen = pipeline.observer.stopFunctions("sink", Duration.ofSeconds(70));
        assertThat(frozen.complete()).as("the sink answered POST /stop").isTrue();
        ReadingSet oldSink = ReadingSet.heldBy(frozen.answers().get(0));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            PipelineFixture.QueueCounts enriched = pipeline.counts("enriched");
            assertThat(enriched.unacknowledged()).as("held by the sink's sidecar").isPositive();
            assertThat(enriched.ready()).as("backlog").isPositive();
        });
        assertThat(stage("source").functionStats()).singleElement()
                .satisfies(source -> assertThat(source.path("done").asBoolean()).as("the source is still sending").isFalse());

        List<Long> sinkPids = pipeline.pods("sink").stream().flatMap(p -> p.containers().stream()).map(LocalPod.ContainerView::pid).toList();
        assertThat(sinkPids).hasSize(2).allMatch(DeleteStreamOperatorIT::alive);
        System.out.println("DeleteStreamOperatorIT: deleting the sink with " + oldSink.size() + " readings counted, enriched "
                + pipeline.counts("enriched"));
        pipeline.streamOperator("sink").delete();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(pipeline.runtime.client().apps().deployments().inNamespace(PipelineFixture.NAMESPACE).withName("sink").get()).isNull();
            assertThat(pipeline.pods("sink")).isEmpty();
            assertThat(sinkPids).noneMatch(DeleteStreamOperatorIT::alive);
        });

        // The source finishes with no sink: everything the old sink had not counted waits in its topic.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(stage("source").sum("sent")).isEqualTo(MESSAGES);
            assertThat(pipeline.vhost.depth("readings")).hasValue(0);
            assertThat(pipeline.counts("enriched")).isEqualTo(new PipelineFixture.QueueCounts(MESSAGES - oldSink.size(), 0));
        });
        ReadingSet sent = ReadingSet.sentBy(stage("source").functionStats().get(0));
        assertThat(sent.size()).isEqualTo(MESSAGES);
        Thread.sleep(3000);
        assertThat(pipeline.counts("enriched")).as("nobody consumes them: they wait")
                .isEqualTo(new PipelineFixture.QueueCounts(MESSAGES - oldSink.size(), 0));
        assertThat(pipeline.vhost.depth("enriched.dlq").orElse(0)).as("nothing dead-lettered").isZero();

        GenericKubernetesResource sink = manifests.streamOperator("sink");
        sink.getMetadata().setResourceVersion(null);
        pipeline.runtime.client().resource(sink).create();
        pipeline.awaitReady("sink", 1, Duration.ofSeconds(120));
        pipeline.awaitReadyCondition("sink", Duration.ofSeconds(30));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(stage("sink").sum("received")).isEqualTo(MESSAGES - oldSink.size());
            assertThat(pipeline.vhost.depth("enriched")).hasValue(0);
        });
        Thread.sleep(2000);
        JsonNode newSinkStats = stage("sink").functionStats().get(0);
        ReadingSet newSink = ReadingSet.heldBy(newSinkStats);
        assertThat(newSinkStats.path("received").asLong()).as("each queued message delivered once").isEqualTo(MESSAGES - oldSink.size());
        assertThat(newSinkStats.path("duplicates").asLong()).isZero();
        assertThat(newSink.without(sent).size()).as("nothing the source did not send").isZero();
        assertThat(newSink.without(oldSink).size()).as("nothing the old sink had already counted").isEqualTo(newSink.size());
        assertThat(sent.without(oldSink, newSink).size()).as("every reading sent is in one of the two sinks").isZero();
        System.out.printf("DeleteStreamOperatorIT: sent %d = old sink %d + queued and drained by the new sink %d%n",
                sent.size(), oldSink.size(), newSink.size());
    }
}
