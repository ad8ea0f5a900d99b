package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class HealthServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(HealthServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesFollowTheirChecksAndMetricsAreServed() throws Exception {
        var live = new AtomicBoolean(true);
        var ready = new AtomicBoolean(false);
        try (var server = HealthServer.start(0, live::get, ready::get, () -> "operator_sdk_reconciliations_started_total 3.0\n")) {
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
            ready.set(true);
            live.set(false);
            assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(503);
            var metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body()).isEqualTo("operator_sdk_reconciliations_started_total 3.0\n");
        }
    }

    @Test
    void aThrowingCheckIsNotHealthyAndOtherMethodsAreRefused() throws Exception {
        try (var server = HealthServer.start(0, () -> { throw new IllegalStateException("not started"); }, () -> true, () -> "")) {
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(503);
            var post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }
}
