package dev.streamops.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class LiveTableTest {
    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    private static PipelineObserver.Stage stage(String name, double published, double acked, List<String> in, List<String> out,
                                                JsonNode stats) {
        return new PipelineObserver.Stage(name, 2, 2, "Ready", published, acked, List.of(stats), in, out);
    }

    @Test
    void ordersStagesByFlowAndComputesRatesFromCounterDeltas() throws Exception {
        JsonNode sinkStats = json("{\"role\":\"sink\",\"unique\":90,\"duplicates\":1}");
        JsonNode sourceStats = json("{\"role\":\"source\",\"sent\":100}");
        JsonNode transformStats = json("{\"role\":\"transform\",\"processed\":95}");
        List<PipelineObserver.Stage> listed = List.of(
                stage("sink", 0, 90, List.of("enriched"), List.of(), sinkStats),
                stage("transform", 95, 95, List.of("readings"), List.of("enriched"), transformStats),
                stage("source", 100, 0, List.of(), List.of("readings"), sourceStats));
        assertThat(PipelineObserver.inFlowOrder(listed)).extracting(PipelineObserver.Stage::name)
                .containsExactly("source", "transform", "sink");

        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Map<String, OptionalLong> depths = new LinkedHashMap<>();
        depths.put("readings", OptionalLong.of(5));
        depths.put("enriched", OptionalLong.empty());
        PipelineObserver.Snapshot before = new PipelineObserver.Snapshot(t0, List.of(
                stage("source", 0, 0, List.of(), List.of("readings"), sourceStats),
                stage("sink", 0, 0, List.of("enriched"), List.of(), sinkStats)), depths);
        PipelineObserver.Snapshot after = new PipelineObserver.Snapshot(t0.plusSeconds(2), List.of(
                stage("source", 100, 0, List.of(), List.of("readings"), sourceStats),
                stage("sink", 0, 90, List.of("enriched"), List.of(), sinkStats)), depths);

        List<String> lines = Demo.LiveTable.render(Duration.ofSeconds(12), before, after);
        assertThat(lines.get(0)).startsWith("t= 12s").contains("STREAMOPERATOR", "READY", "IN/s", "OUT/s");
        assertThat(lines.get(1)).matches(".*source\\s+2/2\\s+Ready\\s+-\\s+50\\s+sent 100");
        assertThat(lines.get(2)).matches(".*sink\\s+2/2\\s+Ready\\s+45\\s+-\\s+unique 90, duplicates 1");
        assertThat(lines.get(3)).contains("readings=5", "enriched=-");
    }
}
