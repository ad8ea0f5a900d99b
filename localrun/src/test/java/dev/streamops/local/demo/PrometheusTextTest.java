package dev.streamops.local.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {
    @Test
    void sumsEverySeriesOfOneMetricAndNothingElse() {
        String text = """
                # HELP streamops_sidecar_published_total Messages published
                # TYPE streamops_sidecar_published_total counter
                streamops_sidecar_published_total{topic="readings"} 120.0
                streamops_sidecar_published_total{topic="terminations"} 1.0
                streamops_sidecar_published_total_created 1.7E9
                streamops_sidecar_acked_total 33
                """;
        assertThat(PrometheusText.sum(text, "streamops_sidecar_published_total")).isEqualTo(121.0);
        assertThat(PrometheusText.sum(text, "streamops_sidecar_acked_total")).isEqualTo(33.0);
        assertThat(PrometheusText.sum(text, "streamops_sidecar_missing_total")).isZero();
    }
}
