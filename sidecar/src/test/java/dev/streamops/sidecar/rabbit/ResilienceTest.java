package dev.streamops.sidecar.rabbit;

import dev.streamops.sidecar.InProcessSidecar;
import dev.streamops.sidecar.RabbitVhost;
import dev.streamops.sidecar.TestFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.streamops.sidecar.RabbitVhost.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Broker connections force-closed mid-stream: the sidecar recovers by itself and loses nothing. */
class ResilienceTest {

    @RegisterExtension
    static final RabbitVhost vhost = new RabbitVhost();

    @Test
    void forcedConnectionCloseMidStreamLosesNothingAndLeaksNoConsumer() throws Exception {
        String in = uniqueTopic("in");
        String out = uniqueTopic("out");
        int toPush = 2000;
        int toPublish = 1500;
        try (TestFunction function = new TestFunction();
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "OUTPUT_TOPIC", out,
                     "FUNCTION_URL", function.url()))) {
            vhost.publishAll(in, IntStream.range(0, toPush).mapToObj(i -> ("{\"in\":" + i + "}").getBytes()).toList());
            s.client.getApi("/get_message");

            // A function publishing through the sidecar, retrying whatever was not answered 200.
            AtomicInteger unavailable = new AtomicInteger();
            AtomicInteger confirmed = new AtomicInteger();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < toPublish; i++) {
                    while (true) {
                        int status = s.client.post("/post_message", "{\"out\":" + i + "}").statusCode();
                        if (status == 200) {
                            confirmed.incrementAndGet();
                            break;
                        }
                        assertThat(status).isEqualTo(503);
                        unavailable.incrementAndGet();
                        sleep(50);
                    }
                }
            });

            await().atMost(Duration.ofSeconds(30)).until(() -> function.received().size() >= 400 && confirmed.get() >= 200);
            vhost.closeAllConnections();

            publishing.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> distinct(function.received()).size() == toPush);
            await().atMost(Duration.ofSeconds(20)).until(s.client::ready);
            System.out.printf("forced close: %d pushes for %d messages, %d publishes answered 503 and retried%n",
                    function.received().size(), toPush, unavailable.get());

            Set<String> published = vhost.drain(out).stream().map(RabbitVhost::text).collect(Collectors.toSet());
            assertThat(published).containsAll(IntStream.range(0, toPublish).mapToObj(i -> "{\"out\":" + i + "}").toList());
            assertThat(distinct(function.received()))
                    .containsAll(IntStream.range(0, toPush).mapToObj(i -> "{\"in\":" + i + "}").toList());
            await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(in).messages() == 0);
            assertThat(vhost.state(in).consumers()).as("recovered consumer, none leaked").isEqualTo(1);

            // And it keeps working after recovery.
            vhost.publish(in, "{\"after\":1}".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> function.receivedText().contains("{\"after\":1}"));
            assertThat(s.client.post("/post_message", "{\"after\":2}").statusCode()).isEqualTo(200);
        }
    }

    private static Set<String> distinct(List<byte[]> bodies) {
        Set<String> set = new HashSet<>();
        bodies.forEach(b -> set.add(new String(b, StandardCharsets.UTF_8)));
        return set;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
