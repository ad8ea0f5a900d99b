package dev.streamops.local;

import dev.streamops.local.demo.PipelineManifests;
import dev.streamops.local.demo.PipelineObserver;
import dev.streamops.local.pods.LocalPod;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deleting a StreamOperator stops its processes (its Deployment goes with it, as the garbage
 * collector would do) and leaves its topic and the messages in it alone; a new sink drains them.
 */
class DeleteStreamOperatorIT {
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

    @Test
    @SuppressWarnings("unchecked")
    void deletedSinkStopsAndItsQueueKeepsItsMessages() throws Exception {
        PipelineManifests manifests = pipeline.manifests(1000, 0).withReplicas("transform", 1);
        manifests.apply(pipeline.runtime.client());
        pipeline.awaitAllDelivered(1000, Duration.ofMinutes(3));

        List<Long> sinkPids = pipeline.pods("sink").stream().flatMap(p -> p.containers().stream()).map(LocalPod.ContainerView::pid).toList();
        assertThat(sinkPids).hasSize(2).allMatch(DeleteStreamOperatorIT::alive);
        pipeline.streamOperator("sink").delete();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(pipeline.runtime.client().apps().deployments().inNamespace(PipelineFixture.NAMESPACE).withName("sink").get()).isNull();
            assertThat(pipeline.pods("sink")).isEmpty();
            assertThat(sinkPids).noneMatch(DeleteStreamOperatorIT::alive);
        });
        assertThat(pipeline.vhost.depth("enriched")).as("the sink's topic survives its StreamOperator").hasValue(0);

        // A new source run (a template change rolls the source) sends 500 more readings while no sink exists.
        pipeline.streamOperator("source").edit(so -> {
            List<Map<String, Object>> env = (List<Map<String, Object>>) ((Map<String, Object>) so.getAdditionalProperties().get("spec")).get("env");
            env.removeIf(e -> "MESSAGES".equals(e.get("name")));
            env.add(new java.util.LinkedHashMap<>(Map.of("name", "MESSAGES", "value", "500")));
            return so;
        });
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(pipeline.vhost.depth("enriched")).hasValue(500);
            assertThat(pipeline.vhost.depth("readings")).hasValue(0);
        });
        Thread.sleep(3000);
        assertThat(pipeline.vhost.depth("enriched")).as("nobody consumes them: they wait").hasValue(500);

        GenericKubernetesResource sink = manifests.streamOperator("sink");
        sink.getMetadata().setResourceVersion(null);
        pipeline.runtime.client().resource(sink).create();
        pipeline.awaitReady("sink", 1, Duration.ofSeconds(120));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            PipelineObserver.Stage newSink = pipeline.observer.snapshot().stage("sink").orElseThrow();
            assertThat(newSink.sum("unique")).isEqualTo(500);
            assertThat(pipeline.vhost.depth("enriched")).isEqualTo(OptionalLong.of(0));
        });
    }
}
