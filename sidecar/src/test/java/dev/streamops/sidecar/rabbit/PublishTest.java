package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.GetResponse;
import dev.streamops.sidecar.InProcessSidecar;
import dev.streamops.sidecar.RabbitVhost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static dev.streamops.sidecar.RabbitVhost.text;
import static dev.streamops.sidecar.RabbitVhost.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Publishing against the real RabbitMQ: 200 means stored, anything short of that is a 503. */
class PublishTest {

    @RegisterExtension
    static final RabbitVhost vhost = new RabbitVhost();

    @Test
    void confirmedMessageIsInTheQueueWithItsProperties() throws Exception {
        String out = uniqueTopic("out");
        try (InProcessSidecar s = InProcessSidecar.startReady(vhost.env("OUTPUT_TOPIC", out))) {
            String body = "{ \"reading\": 21.5, \"unit\": \"°C\" }";
            HttpResponse<String> response = s.client.post("/post_message", body);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);

            List<GetResponse> stored = vhost.drain(out);
            assertThat(stored).singleElement().satisfies(m -> {
                assertThat(text(m)).isEqualTo(body);
                assertThat(m.getProps().getDeliveryMode()).isEqualTo(2);
                assertThat(m.getProps().getContentType()).isEqualTo("application/json");
                assertThat(m.getProps().getMessageId()).isNotBlank();
                assertThat(m.getProps().getTimestamp()).isNotNull();
                assertThat(m.getProps().getHeaders()).containsKeys("streamops-pod", "streamops-namespace");
                assertThat(m.getProps().getHeaders().get("streamops-pod")).hasToString("test-pod");
                assertThat(m.getProps().getHeaders().get("streamops-namespace")).hasToString("test-ns");
            });
        }
    }

    @Test
    void manyConcurrentPublishersAreAllConfirmedAndStored() throws Exception {
        String out = uniqueTopic("out");
        int publishers = 64;
        int perPublisher = 40;
        try (InProcessSidecar s = InProcessSidecar.startReady(vhost.env("OUTPUT_TOPIC", out));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long started = System.nanoTime();
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                results.add(pool.submit(() -> IntStream.range(0, perPublisher)
                        .map(i -> s.client.post("/post_message", "{\"p\":" + publisher + ",\"i\":" + i + "}").statusCode())
                        .boxed().toList()));
            }
            for (Future<List<Integer>> result : results) {
                assertThat(result.get()).containsOnly(200);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("published %d messages from %d concurrent publishers in %.2f s (%.0f msg/s)%n",
                    publishers * perPublisher, publishers, seconds, publishers * perPublisher / seconds);

            Set<String> stored = new HashSet<>();
            vhost.drain(out).forEach(m -> stored.add(text(m)));
            assertThat(stored).hasSize(publishers * perPublisher);
            assertThat(s.client.metric("streamops_sidecar_published_total")).isEqualTo(publishers * perPublisher);
        }
    }

    @Test
    void batchIsStoredInOrderAndTerminationReportsRouted() throws Exception {
        String out = uniqueTopic("out");
        String ends = uniqueTopic("ends");
        try (InProcessSidecar s = InProcessSidecar.startReady(vhost.env("OUTPUT_QUEUE", out, "TERMINATION_QUEUE", ends))) {
            String batch = "[" + String.join(",", IntStream.range(0, 100).mapToObj(i -> "{\"i\":" + i + "}").toList()) + "]";
            HttpResponse<String> response = s.client.post("/post_messages", batch);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"published\": 100}");
            assertThat(vhost.drain(out)).extracting(RabbitVhost::text)
                    .containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "{\"i\":" + i + "}").toList());

            assertThat(s.client.post("/post_message", "{\"pod\":\"p\",\"status\":\"ended\"}").statusCode()).isEqualTo(200);
            assertThat(vhost.drain(ends)).extracting(RabbitVhost::text).containsExactly("{\"pod\":\"p\",\"status\":\"ended\"}");
        }
    }

    @Test
    void brokerUnreachableMeans503AndNotReady() {
        var env = vhost.env("OUTPUT_TOPIC", uniqueTopic("out"), "RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:1/" + vhost.name);
        try (InProcessSidecar s = InProcessSidecar.start(env)) {
            HttpResponse<String> response = s.client.post("/post_message", "{\"a\":1}");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> readyz = s.client.getManagement("/readyz");
            assertThat(readyz.statusCode()).isEqualTo(503);
            assertThat(readyz.body()).contains("connecting to RabbitMQ");
            assertThat(s.client.getManagement("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void messageTheBrokerCannotStoreIsA503() throws Exception {
        String out = uniqueTopic("full");
        // A queue full under reject-publish nacks; a deleted queue returns the mandatory message.
        RabbitVhost.rabbitmqctl("set_policy", "-p", vhost.name, "tiny-" + out, "^" + out + "$",
                "{\"max-length\": 1}", "--apply-to", "queues");
        try (InProcessSidecar s = InProcessSidecar.startReady(vhost.env("OUTPUT_TOPIC", out))) {
            // Post until the broker refuses: exactly the messages answered 200 are in the queue.
            int confirmed = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < 50 && refused == null; i++) {
                HttpResponse<String> response = s.client.post("/post_message", "{\"i\":" + i + "}");
                if (response.statusCode() == 200) {
                    confirmed++;
                } else {
                    refused = response;
                }
            }
            assertThat(refused).isNotNull();
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("refused");
            assertThat(confirmed).isGreaterThanOrEqualTo(1);
            assertThat(vhost.drain(out)).hasSize(confirmed);

            vhost.delete(out);
            HttpResponse<String> unroutable = s.client.post("/post_message", "{\"lost\":1}");
            assertThat(unroutable.statusCode()).isEqualTo(503);
            assertThat(unroutable.body()).contains("does not exist");
        }
    }
}
