package dev.streamops.examples;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The transform against a fake companion (a real HTTP server) that answers with a chosen status. */
class TransformTest {
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger companionStatus = new AtomicInteger(200);
    private HttpServer companion;

    private Transform startTransformAgainstFakeCompanion() throws Exception {
        companion = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        companion.createContext("/post_message", exchange -> {
            published.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(companionStatus.get(), -1);
            exchange.close();
        });
        companion.start();
        return new Transform(new FunctionEnv("127.0.0.1", "transform-1", "demo",
                companion.getAddress().getPort(), "/post_message", "/get_message", 4322));
    }

    @AfterEach
    void stop() {
        companion.stop(0);
    }

    @Test
    void republishesTheEnrichedReadingBeforeAcknowledging() throws Exception {
        Transform transform = startTransformAgainstFakeCompanion();
        FunctionServer.Answer answer = transform.onMessage("{\"sequence\":7,\"value\":31.5,\"producer\":\"p\"}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(published).containsExactly(
                "{\"sequence\":7,\"value\":31.5,\"producer\":\"p\",\"fahrenheit\":88.7,\"alert\":true,\"transformedBy\":\"transform-1\"}");
        assertThat(transform.stats()).contains("\"processed\":1");
    }

    @Test
    void refusesThePushWhenTheRepublishFailsSoTheInputIsRetried() throws Exception {
        Transform transform = startTransformAgainstFakeCompanion();
        companionStatus.set(503);
        FunctionServer.Answer answer = transform.onMessage("{\"sequence\":7,\"value\":1}");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(transform.stats()).contains("\"processed\":0", "\"republishFailures\":1");
    }

    @Test
    void rejectsWhatIsNotAReading() throws Exception {
        Transform transform = startTransformAgainstFakeCompanion();
        assertThat(transform.onMessage("{\"hello\":\"world\"}").status()).isEqualTo(400);
        assertThat(published).isEmpty();
    }
}
