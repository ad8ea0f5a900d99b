package dev.streamops.sidecar.http;

import dev.streamops.sidecar.SidecarConfig;
import dev.streamops.sidecar.SidecarMetrics;
import dev.streamops.sidecar.broker.BrokerUnavailableException;
import dev.streamops.sidecar.broker.PublishRejectedException;
import dev.streamops.sidecar.broker.PushControl;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The function-facing API and the management port over real HTTP, with the broker port faked. */
class ApiHttpTest {

    private final FakePublisher publisher = new FakePublisher();
    private final SidecarMetrics metrics = new SidecarMetrics();
    private final AtomicInteger pushStarts = new AtomicInteger();
    private final PushControl push = new PushControl() {
        @Override
        public State start() {
            pushStarts.incrementAndGet();
            return State.RUNNING;
        }

        @Override
        public State state() {
            return State.RUNNING;
        }
    };
    private final HttpClient http = HttpClient.newHttpClient();

    private static SidecarConfig config(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "RABBITMQ_URI", "amqp://guest:guest@127.0.0.1/x",
                "INPUT_TOPIC", "in", "OUTPUT_TOPIC", "out", "MY_POD_IP", "127.0.0.1",
                "MAX_BODY_BYTES", "64", "PUBLISH_TIMEOUT_MS", "300"));
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                env.remove(extra[i]);
            } else {
                env.put(extra[i], extra[i + 1]);
            }
        }
        return SidecarConfig.fromEnvironment(env);
    }

    private Javalin api(SidecarConfig config) {
        return SidecarApps.api(config, publisher, push, metrics);
    }

    private HttpResponse<String> post(io.javalin.testtools.HttpClient client, String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(client.getOrigin() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(io.javalin.testtools.HttpClient client, String path, String body) throws Exception {
        return post(client, path, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void confirmedMessageIsEchoedWith200() {
        JavalinTest.test(api(config()), (server, client) -> {
            HttpResponse<String> response = post(client, "/post_message", "{\"v\": 1}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"v\": 1}");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(publisher.published).singleElement().satisfies(m -> {
                assertThat(m.topic()).isEqualTo("out");
                assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{\"v\": 1}");
            });
        });
    }

    @Test
    void invalidOrEmptyJsonIs400WithTheOldErrorText() {
        JavalinTest.test(api(config()), (server, client) -> {
            for (String body : List.of("not json", "", "{\"a\":")) {
                HttpResponse<String> response = post(client, "/post_message", body);
                assertThat(response.statusCode()).as(body).isEqualTo(400);
                assertThat(response.body()).startsWith("{\"error\": \"Invalid JSON data\"");
            }
            assertThat(publisher.published).isEmpty();
        });
    }

    @Test
    void bodyOverTheLimitIs413() {
        JavalinTest.test(api(config()), (server, client) -> {
            String big = "{\"x\": \"" + "a".repeat(100) + "\"}";
            HttpResponse<String> response = post(client, "/post_message", big);
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).contains("\"error\"").contains("MAX_BODY_BYTES");
            // Without Content-Length (chunked) the limit holds too.
            HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(client.getOrigin() + "/post_message"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).isEqualTo(413);
            String exactlyAtLimit = "{\"x\": \"" + "a".repeat(64 - 9) + "\"}";
            assertThat(exactlyAtLimit).hasSize(64);
            assertThat(post(client, "/post_message", exactlyAtLimit).statusCode()).isEqualTo(200);
        });
    }

    @Test
    void brokerDownRefusedOrSilentIs503WithRetryAfter() {
        JavalinTest.test(api(config()), (server, client) -> {
            publisher.confirmation = () -> CompletableFuture.failedFuture(new BrokerUnavailableException("not connected to RabbitMQ"));
            assertUnavailable(post(client, "/post_message", "{}"), "not connected");
            publisher.confirmation = () -> CompletableFuture.failedFuture(new PublishRejectedException("nack"));
            assertUnavailable(post(client, "/post_message", "{}"), "nack");
            publisher.confirmation = CompletableFuture::new; // never confirmed: PUBLISH_TIMEOUT_MS=300
            assertUnavailable(post(client, "/post_message", "{}"), "PUBLISH_TIMEOUT_MS");
            assertThat(metricsText()).contains("streamops_sidecar_publish_failures_total 3.0")
                    .contains("streamops_sidecar_published_total 0.0");
        });
    }

    private static void assertUnavailable(HttpResponse<String> response, String detail) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(response.body()).contains("was not confirmed").contains(detail);
    }

    @Test
    void terminationReportGoesToTheTerminationTopic() {
        JavalinTest.test(api(config("TERMINATION_TOPIC", "ends")), (server, client) -> {
            HttpResponse<String> response = post(client, "/post_message", "{\"pod\":\"p\",\"status\":\"ended\"}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"pod\":\"p\",\"status\":\"ended\"}");
            assertThat(publisher.published).extracting(m -> m.topic()).containsExactly("ends");
        });
    }

    @Test
    void terminationReportWithoutTopicIsCountedNotForwarded() {
        JavalinTest.test(api(config()), (server, client) -> {
            assertThat(post(client, "/post_message", "{\"status\":\"ended\"}").statusCode()).isEqualTo(200);
            assertThat(post(client, "/post_message", "{\"status\":\"ended\"}").statusCode()).isEqualTo(200);
            assertThat(publisher.published).isEmpty();
            assertThat(metricsText()).contains("streamops_sidecar_termination_reports_unforwarded_total 2.0");
        });
    }

    @Test
    void sidecarWithoutOutputTopicRefusesMessagesWith409() {
        JavalinTest.test(api(config("OUTPUT_TOPIC", null)), (server, client) -> {
            HttpResponse<String> response = post(client, "/post_message", "{\"a\":1}");
            assertThat(response.statusCode()).isEqualTo(409);
            assertThat(response.body()).contains("OUTPUT_TOPIC");
        });
    }

    @Test
    void batchIsPublishedAsAWholeOrNotAtAll() {
        JavalinTest.test(api(config("MAX_BODY_BYTES", "1000", "TERMINATION_TOPIC", "ends")), (server, client) -> {
            HttpResponse<String> ok = post(client, "/post_messages", "[{\"a\":1}, {\"status\":\"x\"}, 3]");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("{\"published\": 3}");
            assertThat(publisher.published).extracting(m -> m.topic() + "=" + new String(m.body(), StandardCharsets.UTF_8))
                    .containsExactly("out={\"a\":1}", "ends={\"status\":\"x\"}", "out=3");

            publisher.confirmation = () -> CompletableFuture.failedFuture(new BrokerUnavailableException("connection lost"));
            HttpResponse<String> failed = post(client, "/post_messages", "[{\"a\":1}, {\"a\":2}]");
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.body()).contains("not confirmed as a whole").contains("duplicates");

            HttpResponse<String> notArray = post(client, "/post_messages", "{\"a\":1}");
            assertThat(notArray.statusCode()).isEqualTo(400);
            assertThat(post(client, "/post_messages", "[]").body()).isEqualTo("{\"published\": 0}");
        });
    }

    @Test
    void getMessageStartsPushIdempotentlyAndAnswersAtOnce() {
        JavalinTest.test(api(config()), (server, client) -> {
            var first = client.get("/get_message");
            var second = client.get("/get_message");
            assertThat(first.code()).isEqualTo(200);
            assertThat(first.body().string()).isEqualTo("{\"push\": \"running\", \"topic\": \"in\"}");
            assertThat(second.code()).isEqualTo(200);
            // Idempotence itself lives in PushControl (tested against RabbitMQ); here: every call reaches it once.
            assertThat(pushStarts).hasValue(2);
        });
        JavalinTest.test(api(config("INPUT_TOPIC", null)), (server, client) -> {
            var response = client.get("/get_message");
            assertThat(response.code()).isEqualTo(409);
            assertThat(response.body().string()).contains("INPUT_TOPIC");
        });
    }

    private String metricsText() {
        return metrics.scrape();
    }

    @Test
    void managementPortReportsReadinessAndMetrics() {
        AtomicInteger calls = new AtomicInteger();
        Javalin management = SidecarApps.management(config(), () -> calls.incrementAndGet() == 1
                ? Optional.of("connecting to RabbitMQ") : Optional.empty(), metrics);
        JavalinTest.test(management, (server, client) -> {
            var notReady = client.get("/readyz");
            assertThat(notReady.code()).isEqualTo(503);
            assertThat(notReady.body().string()).contains("connecting to RabbitMQ");
            assertThat(client.get("/readyz").code()).isEqualTo(200);
            assertThat(client.get("/healthz").code()).isEqualTo(200);
            var scrape = client.get("/metrics");
            assertThat(scrape.code()).isEqualTo(200);
            assertThat(scrape.body().string()).contains("streamops_sidecar_published_total", "streamops_sidecar_acked_total",
                    "streamops_sidecar_push_latency_seconds_bucket", "streamops_sidecar_push_in_flight");
        });
    }
}
