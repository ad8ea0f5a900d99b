package dev.streamops.local;

import dev.streamops.local.demo.PipelineObserver;
import dev.streamops.local.demo.ReadingSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example pipeline end to end with 10,000 readings: operator, pod runner, three sidecars,
 * RabbitMQ and the example functions; the sink holds exactly the readings the source sent, and
 * every StreamOperator reports Ready through the operator.
 */
class PipelineIT {
    private static final long MESSAGES = 10_000;
    private static PipelineFixture pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = PipelineFixture.start("PipelineIT");
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void everyReadingSentArrivesAtTheSink() throws Exception {
        long started = System.nanoTime();
        pipeline.manifests(MESSAGES, 0).apply(pipeline.runtime.client());
        pipeline.awaitReady("source", 1, Duration.ofSeconds(120));
        pipeline.awaitReady("transform", 2, Duration.ofSeconds(120));
        pipeline.awaitReady("sink", 1, Duration.ofSeconds(120));

        PipelineObserver.Snapshot end = pipeline.awaitAllDelivered(MESSAGES, Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - started) / 1e9;

        PipelineObserver.Stage source = end.stage("source").orElseThrow();
        PipelineObserver.Stage transform = end.stage("transform").orElseThrow();
        PipelineObserver.Stage sink = end.stage("sink").orElseThrow();
        assertThat(source.sum("sent")).isEqualTo(MESSAGES);
        assertThat(sink.sum("unique")).isEqualTo(MESSAGES);
        assertThat(sink.sum("gaps")).as("no sequence number missing").isZero();
        ReadingSet sent = ReadingSet.sentBy(source.functionStats().get(0));
        ReadingSet received = ReadingSet.heldBy(sink.functionStats().get(0));
        assertThat(sent.size()).as("readings the source lists as sent").isEqualTo(MESSAGES);
        assertThat(sent.without(received).size()).as("sent but not in the sink, e.g. " + sent.without(received).example()).isZero();
        assertThat(received.without(sent).size()).as("in the sink but never sent").isZero();
        assertThat(transform.sum("processed")).as("both transform replicas share the work").isGreaterThanOrEqualTo(MESSAGES);
        assertThat(transform.functionStats()).hasSize(2).allMatch(stats -> stats.path("processed").asLong() > 0);
        assertThat(source.published()).as("source sidecar published counter").isGreaterThanOrEqualTo(MESSAGES);
        assertThat(sink.acked()).as("sink sidecar acked counter").isGreaterThanOrEqualTo(MESSAGES);
        for (String name : List.of("source", "transform", "sink")) {
            pipeline.awaitReadyCondition(name, Duration.ofSeconds(30));
        }
        System.out.printf("PipelineIT: %d readings end to end in %.1f s (from apply), duplicates %d%n",
                MESSAGES, seconds, sink.sum("duplicates"));
    }
}
