package dev.streamops.sidecar.push;

import dev.streamops.sidecar.push.ScriptedFunction.Next;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static dev.streamops.sidecar.push.ScriptedFunction.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The push client against a function scripted at the socket level: framing, reuse, and every failure mode. */
class FunctionClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static FunctionClient client(ScriptedFunction function, Duration timeout) {
        return new FunctionClient(URI.create(function.url()), timeout);
    }

    private static byte[] json(int n) {
        return ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pushesBodiesByteForByteOverOneKeepAliveConnection() throws IOException {
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '{', 0, '}'};
        try (ScriptedFunction function = new ScriptedFunction(ScriptedFunction.OK);
             FunctionClient client = client(function, TIMEOUT)) {
            List<byte[]> sent = new ArrayList<>(IntStream.range(0, 200).mapToObj(FunctionClientTest::json).toList());
            sent.add(notUtf8);
            sent.add(new byte[0]);
            for (byte[] body : sent) {
                assertThat(client.deliver(body)).isEqualTo(new PushOutcome(PushOutcome.Kind.DELIVERED, 200, "function answered 200"));
            }
            assertThat(function.connections()).isEqualTo(1);
            assertThat(function.requests()).extracting(ScriptedFunction.Request::body).containsExactlyElementsOf(sent);
            String head = function.requests().getFirst().head();
            assertThat(head).startsWith("POST /post_message?stage=test HTTP/1.1\r\n")
                    .contains("\r\nHost: 127.0.0.1:", "\r\nContent-Type: application/json\r\n", "\r\nContent-Length: 7\r\n");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"200, DELIVERED", "204, DELIVERED", "299, DELIVERED", "400, REJECTED", "404, REJECTED", "422, REJECTED",
            "408, FAILED", "429, FAILED", "500, FAILED", "503, FAILED", "302, FAILED"})
    void statusDecidesTheOutcome(int status, PushOutcome.Kind kind) throws IOException {
        String withBody = status == 204 ? "\r\n" : "Content-Length: 4\r\n\r\nbody"; // 204 has none by definition
        try (ScriptedFunction function = new ScriptedFunction((request, out) ->
                answer(out, "HTTP/1.1 " + status + " X\r\n" + withBody));
             FunctionClient client = client(function, TIMEOUT)) {
            PushOutcome outcome = client.deliver(json(1));
            assertThat(outcome.kind()).isEqualTo(kind);
            assertThat(outcome.status()).isEqualTo(status);
            // Whatever the status, a complete response leaves the connection reusable.
            client.deliver(json(2));
            assertThat(function.connections()).isEqualTo(1);
        }
    }

    @Test
    void aFunctionThatClosesAfterEachAnswerGetsAFreshConnectionPerPush() throws IOException {
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
            return Next.CLOSE;
        });
             FunctionClient client = client(function, TIMEOUT)) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.deliver(json(i)).kind()).isEqualTo(PushOutcome.Kind.DELIVERED);
            }
            assertThat(function.connections()).isEqualTo(5);
        }
    }

    @Test
    void aStaleIdleConnectionIsRetriedOnceOnAFreshOneWithoutCountingAnAttempt() throws IOException {
        // The function answers keep-alive, then drops the idle connection (its keep-alive timeout, a restart).
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            return Next.CLOSE;
        });
             FunctionClient client = client(function, TIMEOUT)) {
            assertThat(client.deliver(json(1)).kind()).isEqualTo(PushOutcome.Kind.DELIVERED);
            assertThat(client.deliver(json(2)).kind()).isEqualTo(PushOutcome.Kind.DELIVERED);
            assertThat(client.deliver(json(3)).kind()).isEqualTo(PushOutcome.Kind.DELIVERED);
            assertThat(function.requests()).extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
                    .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void aFreshConnectionDroppedBeforeTheAnswerCountsAsAFailedAttempt() throws IOException {
        // The function read the message and died on it: not a stale connection, so the attempt counts.
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> Next.CLOSE);
             FunctionClient client = client(function, TIMEOUT)) {
            PushOutcome outcome = client.deliver(json(1));
            assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.FAILED);
            assertThat(outcome.detail()).startsWith("push failed:").contains("without answering");
            assertThat(function.requests()).hasSize(1);
        }
    }

    @Test
    void aResponseCutShortFailsAndTheConnectionIsNotReused() throws IOException {
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
            return Next.CLOSE;
        });
             FunctionClient client = client(function, TIMEOUT)) {
            assertThat(client.deliver(json(1)).kind()).isEqualTo(PushOutcome.Kind.FAILED);
            function.script(ScriptedFunction.OK);
            assertThat(client.deliver(json(2)).kind()).isEqualTo(PushOutcome.Kind.DELIVERED);
            assertThat(function.connections()).isEqualTo(2);
        }
    }

    @Test
    void aGarbledResponseIsAFailedAttempt() throws IOException {
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> answer(out, "hello there\r\n\r\n"));
             FunctionClient client = client(function, TIMEOUT)) {
            PushOutcome outcome = client.deliver(json(1));
            assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.FAILED);
            assertThat(outcome.detail()).startsWith("bad response from the function: not an HTTP/1.x status line");
        }
    }

    @Test
    void noAnswerWithinTheTimeoutFailsAtTheDeadline() throws IOException {
        Duration timeout = Duration.ofMillis(400);
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> Next.KEEP_OPEN); // reads, never answers
             FunctionClient client = client(function, timeout)) {
            long started = System.nanoTime();
            PushOutcome outcome = client.deliver(json(1));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(outcome).isEqualTo(new PushOutcome(PushOutcome.Kind.FAILED, 0, "no answer within PUSH_TIMEOUT_MS=400"));
            assertThat(millis).isBetween(390L, 3000L);
        }
    }

    @Test
    void aTrickleOfHeadersDoesNotExtendTheDeadline() throws IOException {
        // Each header arrives before the socket's read timeout would fire, but the exchange has one deadline.
        Duration timeout = Duration.ofMillis(500);
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 20; i++) {
                sleep(100);
                answer(out, "X-Slow: " + i + "\r\n");
            }
            return answer(out, "Content-Length: 0\r\n\r\n");
        });
             FunctionClient client = client(function, timeout)) {
            long started = System.nanoTime();
            assertThat(client.deliver(json(1)).kind()).isEqualTo(PushOutcome.Kind.FAILED);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1500);
        }
    }

    @Test
    void aLargeBodyToAFunctionThatStoppedReadingFailsAtTheDeadline() throws IOException {
        // Accepts the connection and never reads: the write blocks once the socket buffers are full.
        try (ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             FunctionClient client = new FunctionClient(URI.create("http://127.0.0.1:" + deaf.getLocalPort() + "/"), Duration.ofMillis(500))) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return deaf.accept();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] huge = new byte[64 * 1024 * 1024];
            long started = System.nanoTime();
            PushOutcome outcome = client.deliver(huge);
            assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.FAILED);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(3000);
            accepted.join().close();
        }
    }

    @Test
    void aRefusedConnectionIsUnreachableAndCountsNoAttempt() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (FunctionClient client = new FunctionClient(URI.create("http://127.0.0.1:" + port + "/post_message"), TIMEOUT)) {
            PushOutcome outcome = client.deliver(json(1));
            assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.UNREACHABLE);
            assertThat(outcome.detail()).startsWith("cannot connect to the function at http://127.0.0.1:" + port + "/post_message");
            assertThat(client.reachable()).isFalse();
        }
    }

    @Test
    void reachableOnceTheFunctionListens() throws IOException {
        try (ScriptedFunction function = new ScriptedFunction(ScriptedFunction.OK);
             FunctionClient client = client(function, TIMEOUT)) {
            assertThat(client.reachable()).isTrue();
            assertThat(function.requests()).isEmpty();
        }
    }

    @Test
    void concurrentPushesUseAtMostOneConnectionEach() throws Exception {
        int workers = 8;
        int perWorker = 100;
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> {
            sleep(1);
            return answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
             FunctionClient client = client(function, TIMEOUT)) {
            List<CompletableFuture<Long>> results = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                results.add(CompletableFuture.supplyAsync(() -> IntStream.range(0, perWorker)
                        .mapToObj(i -> client.deliver(json(worker * perWorker + i)))
                        .filter(o -> o.kind() == PushOutcome.Kind.DELIVERED).count()));
            }
            assertThat(results).allSatisfy(r -> assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(perWorker));
            assertThat(function.requests()).hasSize(workers * perWorker);
            assertThat(function.connections()).isBetween(1, workers);
        }
    }

    @Test
    void closeEndsAPushInFlightAsUnreachableAndRefusesLaterOnes() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> {
            received.countDown();
            return Next.KEEP_OPEN; // never answers
        })) {
            FunctionClient client = client(function, Duration.ofSeconds(30));
            CompletableFuture<PushOutcome> inFlight = CompletableFuture.supplyAsync(() -> client.deliver(json(1)));
            assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            client.close();
            PushOutcome outcome = inFlight.get(5, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2000);
            // Shutting down never spends a delivery attempt: the message returns to the queue as it was.
            assertThat(outcome.kind()).isEqualTo(PushOutcome.Kind.UNREACHABLE);
            assertThat(client.deliver(json(2))).isEqualTo(
                    new PushOutcome(PushOutcome.Kind.UNREACHABLE, 0, "push client closed (sidecar shutting down)"));
        }
    }

    @Test
    void anInterruptedPushIsUnreachableAndKeepsTheInterruptFlag() throws Exception {
        try (ScriptedFunction function = new ScriptedFunction((request, out) -> Next.KEEP_OPEN);
             FunctionClient client = client(function, Duration.ofSeconds(30))) {
            AtomicReference<PushOutcome> outcome = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread worker = Thread.ofVirtual().start(() -> {
                outcome.set(client.deliver(json(1)));
                flag.set(Thread.currentThread().isInterrupted());
            });
            while (function.requests().isEmpty()) {
                sleep(10);
            }
            worker.interrupt();
            worker.join(Duration.ofSeconds(5));
            assertThat(outcome.get()).isEqualTo(new PushOutcome(PushOutcome.Kind.UNREACHABLE, 0, "interrupted"));
            assertThat(flag.get()).isTrue();
        }
    }

    @Test
    void onlyPlainHttpTargetsAreAccepted() {
        assertThatThrownBy(() -> new FunctionClient(URI.create("https://127.0.0.1:4322/post_message"), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http:// only");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
