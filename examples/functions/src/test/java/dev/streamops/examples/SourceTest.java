package dev.streamops.examples;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The source against a fake companion (a real HTTP server) that refuses one publish once. */
class SourceTest {
    private static final FunctionEnv POD = new FunctionEnv("127.0.0.1", "source-1", "demo", 4321, "/post_message", "/get_message", 4322);
    private final List<String> stored = new CopyOnWriteArrayList<>();
    private HttpServer companion;

    @AfterEach
    void stop() {
        if (companion != null) {
            companion.stop(0);
        }
    }

    @Test
    void aRestartedSourceIsANewProducerSoItsReadingsAreNotTakenForDuplicates() {
        Source beforeRestart = new Source(POD, Source.newProcessId(), 3, 0, 1);
        Source afterRestart = new Source(POD, Source.newProcessId(), 3, 0, 1);
        assertThat(beforeRestart.producer()).startsWith("source-1/").isNotEqualTo(afterRestart.producer());
        assertThat(beforeRestart.reading(1)).contains("\"id\":\"" + beforeRestart.producer() + "-1\"",
                "\"producer\":\"" + beforeRestart.producer() + "\"", "\"pod\":\"source-1\"", "\"sequence\":1");

        // Both processes count from 1: the sink must see six distinct readings, not three and three duplicates.
        Sink sink = new Sink(new FunctionEnv("127.0.0.1", "sink-1", "demo", 4321, "/post_message", "/get_message", 4322));
        for (Source source : List.of(beforeRestart, afterRestart)) {
            for (long sequence = 1; sequence <= 3; sequence++) {
                assertThat(sink.onMessage(source.reading(sequence)).status()).isEqualTo(200);
            }
        }
        assertThat(sink.stats()).contains("\"unique\":6", "\"duplicates\":0");
    }

    @Test
    void countsAReadingAsSentOnlyAfterA200AndRetriesItWithTheSameSequence() throws Exception {
        AtomicBoolean refusedOnce = new AtomicBoolean();
        companion = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        companion.createContext("/post_message", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean refuse = body.contains("\"sequence\":3,") && refusedOnce.compareAndSet(false, true);
            if (!refuse) {
                stored.add(body);
            }
            exchange.sendResponseHeaders(refuse ? 503 : 200, -1);
            exchange.close();
        });
        companion.start();
        FunctionEnv env = new FunctionEnv("127.0.0.1", "source-1", "demo", companion.getAddress().getPort(),
                "/post_message", "/get_message", 4322);
        Source source = new Source(env, "p1", 10, 0, 2);

        source.emit();

        assertThat(source.stats()).contains("\"producer\":\"source-1/p1\"", "\"sent\":10", "\"sentSequences\":\"1-10\"",
                "\"retries\":1", "\"done\":true");
        assertThat(stored).hasSize(10).allMatch(reading -> reading.contains("\"producer\":\"source-1/p1\""));
        assertThat(stored.stream().filter(reading -> reading.contains("\"sequence\":3,"))).as("the retry keeps its number").hasSize(1);
    }
}
