package dev.streamops.examples;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enriches each pushed reading (Fahrenheit, an alert flag, which pod transformed it) and
 * republishes it. It answers the push only after the republish was answered 200, so the input
 * message is acknowledged only once its successor is stored: a crash between the two can
 * duplicate a reading but never lose one.
 */
final class Transform {
    static final double ALERT_CELSIUS = 30.0;

    private final FunctionEnv env;
    private final CompanionClient companion;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong republishFailures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    Transform(FunctionEnv env) {
        this.env = env;
        this.companion = new CompanionClient(env);
    }

    void run() throws IOException, InterruptedException {
        FunctionServer server = new FunctionServer(env, this::onMessage, this::stats);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.printf("transform %s: serving pushes on %s:%d%n", env.podName(), env.podIp(), env.functionPort());
        companion.startConsuming();
        while (true) {
            Thread.sleep(5000);
            System.out.printf("transform %s: processed %d%n", env.podName(), processed.get());
        }
    }

    FunctionServer.Answer onMessage(String reading) {
        Optional<String> enriched = enrich(reading, env.podName());
        if (enriched.isEmpty()) {
            rejected.incrementAndGet();
            // 4xx: the message can never succeed, the companion may drop or dead-letter it.
            return new FunctionServer.Answer(400, "{\"error\":\"not a reading: no numeric value\"}");
        }
        try {
            int status = companion.publish(enriched.get());
            if (status == 200) {
                processed.incrementAndGet();
                return FunctionServer.Answer.ok();
            }
            republishFailures.incrementAndGet();
            return new FunctionServer.Answer(503, "{\"error\":\"republish answered " + status + "\"}");
        } catch (IOException unreachable) {
            republishFailures.incrementAndGet();
            return new FunctionServer.Answer(503, "{\"error\":\"companion unreachable\"}");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new FunctionServer.Answer(503, "{\"error\":\"shutting down\"}");
        }
    }

    static Optional<String> enrich(String reading, String pod) {
        Optional<Double> celsius = Json.number(reading, "value");
        if (celsius.isEmpty() || !reading.strip().startsWith("{")) {
            return Optional.empty();
        }
        double fahrenheit = Math.round((celsius.get() * 9 / 5 + 32) * 100) / 100.0;
        return Optional.of(Json.withFields(reading,
                "\"fahrenheit\":" + fahrenheit
                        + ",\"alert\":" + (celsius.get() >= ALERT_CELSIUS)
                        + ",\"transformedBy\":" + Json.quote(pod)));
    }

    String stats() {
        return "{\"role\":\"transform\",\"pod\":" + Json.quote(env.podName())
                + ",\"processed\":" + processed.get()
                + ",\"republishFailures\":" + republishFailures.get()
                + ",\"rejected\":" + rejected.get() + "}";
    }
}
