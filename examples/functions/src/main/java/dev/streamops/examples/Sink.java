package dev.streamops.examples;

import java.io.IOException;
import java.util.Optional;

/**
 * Counts and checks what arrives: every enriched reading is recorded by (producer, sequence)
 * in a {@link SinkLedger}; {@code GET /stats} reports received, unique, duplicates and gaps.
 * A push that is not a reading is answered 400 (rejected), not counted.
 */
final class Sink {
    private final FunctionEnv env;
    private final CompanionClient companion;
    private final SinkLedger ledger = new SinkLedger();
    private volatile long rejected;
    /** Set by POST /stop: the counts are final; a push that still arrives is refused (503). */
    private boolean frozen;

    Sink(FunctionEnv env) {
        this.env = env;
        this.companion = new CompanionClient(env);
    }

    void run() throws IOException, InterruptedException {
        FunctionServer server = new FunctionServer(env, this::onMessage, this::stats);
        server.onPost("/stop", () -> {
            String finalCounts = freeze();
            // Then stop listening: a refused connection makes the sidecar hold its messages and retry
            // without counting attempts, so what the sink has not counted stays in the queue. Answering
            // 503 for ever would dead-letter each message after DELIVERY_LIMIT attempts instead.
            // HttpServer.stop lets this very exchange finish its answer first.
            Thread.ofVirtual().start(server::stop);
            return finalCounts;
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.printf("sink %s: serving pushes on %s:%d%n", env.podName(), env.podIp(), env.functionPort());
        companion.startConsuming();
        while (true) {
            Thread.sleep(5000);
            System.out.printf("sink %s: received %d, unique %d, duplicates %d%n",
                    env.podName(), ledger.received(), ledger.unique(), ledger.duplicates());
        }
    }

    FunctionServer.Answer onMessage(String reading) {
        Optional<String> producer = Json.string(reading, "producer");
        Optional<Double> sequence = Json.number(reading, "sequence");
        if (producer.isEmpty() || sequence.isEmpty() || sequence.get() < 1) {
            synchronized (this) {
                rejected++;
            }
            return new FunctionServer.Answer(400, "{\"error\":\"not a reading: producer and sequence are required\"}");
        }
        synchronized (this) {
            if (frozen) {
                return new FunctionServer.Answer(503, "{\"error\":\"stopped: counts are final\"}");
            }
            ledger.record(producer.get(), sequence.get().longValue());
        }
        return FunctionServer.Answer.ok();
    }

    /** Freezes the counts (for an exact final tally while the pipeline still runs) and returns them. */
    synchronized String freeze() {
        frozen = true;
        return stats();
    }

    synchronized String stats() {
        return "{\"role\":\"sink\",\"pod\":" + Json.quote(env.podName())
                + ",\"stopped\":" + frozen
                + ",\"received\":" + ledger.received()
                + ",\"unique\":" + ledger.unique()
                + ",\"duplicates\":" + ledger.duplicates()
                + ",\"gaps\":" + ledger.gaps()
                + ",\"rejected\":" + rejected
                + ",\"producers\":" + ledger.producersJson() + "}";
    }
}
