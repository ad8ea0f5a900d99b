package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.GetResponse;
import dev.streamops.sidecar.InProcessSidecar;
import dev.streamops.sidecar.RabbitVhost;
import dev.streamops.sidecar.TestFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.streamops.sidecar.RabbitVhost.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Push delivery against the real RabbitMQ and a real HTTP test function. */
class PushTest {

    @RegisterExtension
    static final RabbitVhost vhost = new RabbitVhost();

    private static List<byte[]> numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> ("{\"" + prefix + "\":" + i + "}").getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean utf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void relaysThousandsOfMessagesInOrderWithNoneLost() throws Exception {
        String in = uniqueTopic("in");
        int count = 3000;
        try (TestFunction function = new TestFunction();
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url()))) {
            // Published while nobody consumes: they wait in the queue.
            List<byte[]> messages = numbered("n", count);
            vhost.publishAll(in, messages);
            long started = System.nanoTime();
            var response = s.client.getApi("/get_message");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"topic\": \"" + in + "\"");

            await().atMost(Duration.ofSeconds(60)).until(() -> function.received().size() >= count);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("relayed %d messages in %.2f s (%.0f msg/s)%n", count, seconds, count / seconds);
            // Sequential push (PUSH_CONCURRENCY=1) keeps the queue's order, byte for byte.
            assertThat(function.received()).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(function.received().get(i)).isEqualTo(messages.get(i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> s.client.metric("streamops_sidecar_acked_total") == count);
            await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(in).messages() == 0);
            assertThat(vhost.drain(in + ".dlq")).isEmpty();
        }
    }

    @Test
    void acksCoalescedWhileMessagesWaitAreAllSentOnceTheStreamIsQuiet() throws Exception {
        String in = uniqueTopic("in");
        int count = 7; // PREFETCH 10: one cumulative ack after 5 while 2 wait, then one when the buffer is empty
        try (TestFunction function = new TestFunction();
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url()))) {
            vhost.publishAll(in, numbered("q", count));
            s.client.getApi("/get_message");
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_acked_total") == count);

            // Whatever the broker still counted as unacked would be requeued by a lost connection and pushed again.
            vhost.closeAllConnections();
            await().atMost(Duration.ofSeconds(20)).until(s.client::ready);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> function.received().size() == count && vhost.state(in).messages() == 0);
        }
    }

    @Test
    void aStuckPushHoldsNoOtherMessageAndGracefulStopReturnsOnlyIt() throws Exception {
        String in = uniqueTopic("in");
        CountDownLatch release = new CountDownLatch(1);
        // Three pushes at once; the first message hangs in the function past the sidecar's drain.
        TestFunction function = new TestFunction().answering(body -> {
            if (new String(body, StandardCharsets.UTF_8).contains("stuck")) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 200;
        });
        try (function;
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url(),
                     "PREFETCH", "3", "PUSH_CONCURRENCY", "3"))) {
            vhost.publishAll(in, List.of("{\"stuck\":1}".getBytes(), "{\"n\":2}".getBytes(), "{\"n\":3}".getBytes()));
            s.client.getApi("/get_message");
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_acked_total") == 2);
            // Done behind an unfinished delivery, so no multiple ack can cover them: they are acked singly and
            // their prefetch slots are free again while the first one hangs (the broker's count lags by up
            // to its statistics interval, hence the wait).
            await().atMost(Duration.ofSeconds(15)).until(() -> vhost.unacked(in) == 1);
            vhost.publishAll(in, List.of("{\"n\":4}".getBytes(), "{\"n\":5}".getBytes()));
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_acked_total") == 4);

            s.close();
            release.countDown();
            // Everything that finished was acked; only the stuck one is back in the queue.
            await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(in).messages() == 1);
            assertThat(RabbitVhost.text(vhost.drain(in).getFirst())).isEqualTo("{\"stuck\":1}");
        }
    }

    @Test
    void parallelPushDeliversEveryMessage() throws Exception {
        String in = uniqueTopic("in");
        int count = 1000;
        try (TestFunction function = new TestFunction().delaying(2);
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url(),
                     "PREFETCH", "16", "PUSH_CONCURRENCY", "8"))) {
            vhost.publishAll(in, numbered("p", count));
            s.client.getApi("/get_message");
            await().atMost(Duration.ofSeconds(60)).until(() -> s.client.metric("streamops_sidecar_acked_total") == count);
            assertThat(function.receivedText()).containsExactlyInAnyOrderElementsOf(
                    numbered("p", count).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        }
    }

    @Test
    void rejectedAndNonUtf8MessagesAreDeadLetteredWhileTheStreamFlows() throws Exception {
        String in = uniqueTopic("in");
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '{', (byte) 0xc3, (byte) 0x28, '}'};
        // The function rejects what it cannot parse (like a real one answering 400) and a poison message with 422.
        try (TestFunction function = new TestFunction().answering(body -> !utf8(body) ? 400
                : new String(body, StandardCharsets.UTF_8).contains("poison") ? 422 : 200);
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url()))) {
            s.client.getApi("/get_message");
            List<byte[]> messages = new ArrayList<>();
            messages.add("{\"n\":1}".getBytes());
            messages.add(notUtf8);
            messages.add("{\"n\":2}".getBytes());
            messages.add("{\"poison\":true}".getBytes());
            messages.add("{\"n\":3}".getBytes());
            vhost.publishAll(in, messages);

            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_acked_total") == 3
                    && s.client.metric("streamops_sidecar_dead_lettered_total") == 2);
            // Rejected at once: each was pushed exactly once, and the next messages kept flowing.
            assertThat(function.received()).hasSize(5);
            List<GetResponse> dead = vhost.drain(in + ".dlq");
            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).getBody()).isEqualTo(notUtf8);
            assertThat(dead.get(0).getProps().getHeaders().get("streamops-dead-letter-reason")).hasToString("rejected: function answered 400");
            assertThat(dead.get(0).getProps().getHeaders().get("streamops-attempts")).isEqualTo(1);
            assertThat(dead.get(0).getProps().getHeaders().get("streamops-function-status")).isEqualTo(400);
            assertThat(dead.get(0).getProps().getHeaders().get("streamops-source-queue")).hasToString(in);
            assertThat(RabbitVhost.text(dead.get(1))).isEqualTo("{\"poison\":true}");
            assertThat(dead.get(1).getProps().getHeaders().get("streamops-dead-letter-reason")).hasToString("rejected: function answered 422");
            assertThat(vhost.state(in).messages()).isZero();
        }
    }

    @Test
    void failuresAreRetriedWithBackoffUntilTheFunctionAccepts() throws Exception {
        String in = uniqueTopic("in");
        AtomicInteger calls = new AtomicInteger();
        // 503, 429, 408, then success: three retries, no dead letter.
        int[] answers = {503, 429, 408, 200};
        try (TestFunction function = new TestFunction().answering(body -> answers[Math.min(calls.getAndIncrement(), 3)]);
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url(),
                     "RETRY_BACKOFF_MS", "20", "RETRY_BACKOFF_MAX_MS", "40"))) {
            s.client.getApi("/get_message");
            vhost.publish(in, "{\"retry\":1}".getBytes());
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_acked_total") == 1);
            assertThat(function.receivedText()).containsExactly("{\"retry\":1}", "{\"retry\":1}", "{\"retry\":1}", "{\"retry\":1}");
            assertThat(s.client.metric("streamops_sidecar_retried_total")).isEqualTo(3);
            assertThat(s.client.metric("streamops_sidecar_dead_lettered_total")).isZero();
        }
    }

    @Test
    void deliveryLimitDeadLettersAndTheNextMessageFlows() throws Exception {
        String in = uniqueTopic("in");
        try (TestFunction function = new TestFunction().answering(body -> new String(body).contains("bad") ? 500 : 200);
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url(),
                     "DELIVERY_LIMIT", "3", "RETRY_BACKOFF_MS", "10", "RETRY_BACKOFF_MAX_MS", "20"))) {
            s.client.getApi("/get_message");
            vhost.publishAll(in, List.of("{\"bad\":1}".getBytes(), "{\"good\":1}".getBytes()));
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_acked_total") == 1);
            assertThat(function.receivedText()).containsExactly("{\"bad\":1}", "{\"bad\":1}", "{\"bad\":1}", "{\"good\":1}");
            List<GetResponse> dead = vhost.drain(in + ".dlq");
            assertThat(dead).singleElement().satisfies(m -> {
                assertThat(m.getProps().getHeaders().get("streamops-dead-letter-reason").toString())
                        .startsWith("delivery limit of 3 reached: function answered 500");
                assertThat(m.getProps().getHeaders().get("streamops-attempts")).isEqualTo(3);
            });
        }
    }

    @Test
    void earlierDeliveriesCountTowardsTheLimit() throws Exception {
        String in = uniqueTopic("in");
        try (TestFunction function = new TestFunction().answering(body -> 500);
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url(),
                     "DELIVERY_LIMIT", "3", "RETRY_BACKOFF_MS", "10", "RETRY_BACKOFF_MAX_MS", "20"))) {
            vhost.publish(in, "{\"seen\":1}".getBytes());
            // One earlier consumer got it and went away without acking: x-delivery-count is now 1.
            vhost.returnOnce(in);
            s.client.getApi("/get_message");
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_dead_lettered_total") == 1);
            assertThat(function.received()).hasSize(2);
            assertThat(vhost.drain(in + ".dlq")).singleElement()
                    .satisfies(m -> assertThat(m.getProps().getHeaders().get("streamops-attempts")).isEqualTo(3));
        }
    }

    @Test
    void aPushTimingOutIsRetriedThenDeadLetteredAndTheNextMessageFlows() throws Exception {
        String in = uniqueTopic("in");
        try (TestFunction function = new TestFunction().answering(body -> {
                if (new String(body, StandardCharsets.UTF_8).contains("slow")) {
                    sleepQuietly(1_500);
                }
                return 200;
            });
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url(),
                     "PUSH_TIMEOUT_MS", "300", "DELIVERY_LIMIT", "2", "RETRY_BACKOFF_MS", "10", "RETRY_BACKOFF_MAX_MS", "20"))) {
            s.client.getApi("/get_message");
            vhost.publishAll(in, List.of("{\"slow\":1}".getBytes(), "{\"fast\":1}".getBytes()));
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.metric("streamops_sidecar_acked_total") == 1);
            assertThat(s.client.metric("streamops_sidecar_retried_total")).isEqualTo(1);
            assertThat(vhost.drain(in + ".dlq")).singleElement().satisfies(m -> {
                assertThat(RabbitVhost.text(m)).isEqualTo("{\"slow\":1}");
                assertThat(m.getProps().getHeaders().get("streamops-dead-letter-reason").toString())
                        .isEqualTo("delivery limit of 2 reached: no answer within PUSH_TIMEOUT_MS=300");
            });
            assertThat(function.receivedText()).endsWith("{\"fast\":1}");
        }
    }

    @Test
    void aHugeMessageIsPushedByteForByteAndTheStreamKeepsFlowing() throws Exception {
        String in = uniqueTopic("in");
        byte[] huge = new byte[8 * 1024 * 1024]; // 8 MiB, not JSON, not UTF-8
        new java.util.Random(7).nextBytes(huge);
        try (TestFunction function = new TestFunction();
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url()))) {
            vhost.publishAll(in, List.of("{\"before\":1}".getBytes(), huge, "{\"after\":1}".getBytes()));
            s.client.getApi("/get_message");
            await().atMost(Duration.ofSeconds(30)).until(() -> function.received().size() == 3);
            assertThat(function.received().get(1)).isEqualTo(huge);
            assertThat(function.receivedText().get(2)).isEqualTo("{\"after\":1}");
            await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(in).messages() == 0);
        }
    }

    @Test
    void replicasReadingOneTopicCompeteAndTogetherGetEveryMessageOnce() throws Exception {
        String in = uniqueTopic("in");
        int count = 400;
        try (TestFunction first = new TestFunction().delaying(2);
             TestFunction second = new TestFunction().delaying(2);
             InProcessSidecar a = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", first.url()));
             InProcessSidecar b = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", second.url()))) {
            a.client.getApi("/get_message");
            b.client.getApi("/get_message");
            await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(in).consumers() == 2);
            vhost.publishAll(in, numbered("n", count));
            await().atMost(Duration.ofSeconds(60)).until(() -> first.received().size() + second.received().size() >= count);
            List<String> all = new ArrayList<>(first.receivedText());
            all.addAll(second.receivedText());
            assertThat(all).hasSize(count).doesNotHaveDuplicates();
            assertThat(first.received()).as("both replicas get a share").isNotEmpty();
            assertThat(second.received()).as("both replicas get a share").isNotEmpty();
        }
    }

    @Test
    void getMessageTwiceStillMeansOneConsumer() throws Exception {
        String in = uniqueTopic("in");
        try (TestFunction function = new TestFunction();
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url()))) {
            assertThat(vhost.state(in).consumers()).isZero();
            for (int i = 0; i < 3; i++) {
                assertThat(s.client.getApi("/get_message").statusCode()).isEqualTo(200);
            }
            assertThat(s.client.getApi("/get_message").body()).contains("\"push\": \"running\"");
            assertThat(vhost.state(in).consumers()).isEqualTo(1);
        }
    }

    @Test
    void autostartWaitsForTheFunctionPort() throws Exception {
        String in = uniqueTopic("in");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "PUSH_AUTOSTART", "true",
                "FUNCTION_URL", "http://127.0.0.1:" + port + "/post_message"))) {
            vhost.publish(in, "{\"early\":1}".getBytes());
            Thread.sleep(700);
            assertThat(vhost.state(in).consumers()).as("no consumer before the function listens").isZero();
            try (TestFunction function = new TestFunction(port)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> function.received().size() == 1);
                assertThat(function.receivedText()).containsExactly("{\"early\":1}");
                assertThat(vhost.state(in).consumers()).isEqualTo(1);
            }
        }
    }
}
