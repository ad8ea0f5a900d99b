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

    Sink(FunctionEnv env) {
        this.env = env;
        this.companion = new CompanionClient(env);
    }

    void run() throws IOException, InterruptedException {
        FunctionServer server = new FunctionServer(env, this::onMessage, this::stats);
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
        ledger.record(producer.get(), sequence.get().longValue());
        return FunctionServer.Answer.ok();
    }

    String stats() {
        return "{\"role\":\"sink\",\"pod\":" + Json.quote(env.podName())
                + ",\"received\":" + ledger.received()
                + ",\"unique\":" + ledger.unique()
                + ",\"duplicates\":" + ledger.duplicates()
                + ",\"gaps\":" + ledger.gaps()
                + ",\"rejected\":" + rejected
                + ",\"producers\":" + ledger.producersJson() + "}";
    }
}
