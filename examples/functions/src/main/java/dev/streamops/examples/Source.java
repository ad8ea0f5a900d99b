package dev.streamops.examples;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Emits numbered sensor readings (sequence 1, 2, 3... per producing pod) to the companion at
 * {@code RATE} per second (0 = as fast as it takes them), {@code MESSAGES} in all (0 = forever),
 * with {@code CONCURRENCY} publishes in flight. A reading is counted as sent only when the
 * companion answered 200; anything else is retried with the same sequence number, so delivery
 * is at-least-once and a duplicate carries the number of its original. At the end it posts the
 * contract's termination report and stays up serving {@code GET /stats} (a Deployment's
 * container must not exit).
 */
final class Source {
    private final FunctionEnv env;
    private final long messages;
    private final int rate;
    private final int concurrency;
    private final CompanionClient companion;
    private final AtomicLong nextSequence = new AtomicLong(1);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Set by POST /stop: no new readings, but the ones in flight are finished (at-least-once). */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final java.util.concurrent.CountDownLatch workersDone = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean done;
    private volatile boolean ended;

    Source(FunctionEnv env, long messages, int rate, int concurrency) {
        this.env = env;
        this.messages = messages;
        this.rate = rate;
        this.concurrency = concurrency;
        this.companion = new CompanionClient(env);
    }

    static Source fromEnvironment(FunctionEnv env, Map<String, String> all) {
        return new Source(env,
                FunctionEnv.positiveInt(all, "MESSAGES", 1000, 0, Integer.MAX_VALUE),
                FunctionEnv.positiveInt(all, "RATE", 100, 0, 1_000_000),
                FunctionEnv.positiveInt(all, "CONCURRENCY", 4, 1, 256));
    }

    void run() throws IOException, InterruptedException {
        FunctionServer server = new FunctionServer(env,
                body -> new FunctionServer.Answer(404, "{\"error\":\"a source consumes nothing\"}"), this::stats);
        server.onPost("/stop", this::drain);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            server.stop();
        }));
        System.out.printf("source %s: %s readings at %s/s, %d in flight%n", env.podName(),
                messages == 0 ? "unbounded" : messages, rate == 0 ? "max" : rate, concurrency);
        long start = System.nanoTime();
        Thread[] workers = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            workers[i] = Thread.ofPlatform().name("publisher-" + i).start(() -> publishLoop(start));
        }
        Thread reporter = Thread.ofVirtual().start(this::reportProgress);
        for (Thread worker : workers) {
            worker.join();
        }
        done = true;
        workersDone.countDown();
        if (!stopping.get()) {
            ended = publishTerminationReport();
            System.out.printf("source %s: done, sent %d readings (%d retries)%n", env.podName(), sent.get(), retries.get());
        }
        reporter.interrupt();
        while (!stopping.get()) {
            Thread.sleep(1000);
        }
    }

    private void publishLoop(long startNanos) {
        while (!stopping.get() && !draining.get()) {
            long sequence = nextSequence.getAndIncrement();
            if (messages > 0 && sequence > messages) {
                return;
            }
            if (rate > 0) {
                long due = startNanos + (sequence - 1) * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    CompanionClient.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            String reading = reading(sequence);
            long backoff = 50;
            while (!stopping.get()) {
                try {
                    if (companion.publish(reading) == 200) {
                        sent.incrementAndGet();
                        break;
                    }
                } catch (IOException unreachable) {
                    // The companion is restarting or not up yet: retry, the message is not sent.
                } catch (InterruptedException interrupted) {
                    return;
                }
                retries.incrementAndGet();
                CompanionClient.sleep(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    /** Stops emitting, waits for the readings in flight, and answers the final counts. */
    private String drain() {
        draining.set(true);
        try {
            workersDone.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return stats();
    }

    String reading(long sequence) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        double celsius = Math.round((15 + random.nextGaussian() * 6) * 100) / 100.0;
        return "{\"id\":" + Json.quote(env.podName() + "-" + sequence)
                + ",\"sequence\":" + sequence
                + ",\"sensor\":\"sensor-" + (sequence % 8) + "\""
                + ",\"value\":" + celsius
                + ",\"unit\":\"celsius\""
                + ",\"timestamp\":" + Json.quote(Instant.now().toString())
                + ",\"producer\":" + Json.quote(env.podName())
                + ",\"namespace\":" + Json.quote(env.namespace()) + "}";
    }

    private boolean publishTerminationReport() {
        String report = "{\"pod\":" + Json.quote(env.podName()) + ",\"namespace\":" + Json.quote(env.namespace())
                + ",\"status\":\"ended\"}";
        for (int attempt = 0; attempt < 30 && !stopping.get(); attempt++) {
            try {
                if (companion.publish(report) == 200) {
                    return true;
                }
            } catch (IOException unreachable) {
                // retried below
            } catch (InterruptedException interrupted) {
                return false;
            }
            CompanionClient.sleep(500);
        }
        return false;
    }

    private void reportProgress() {
        while (!Thread.currentThread().isInterrupted()) {
            CompanionClient.sleep(5000);
            System.out.printf("source %s: sent %d (%d retries)%n", env.podName(), sent.get(), retries.get());
        }
    }

    String stats() {
        return "{\"role\":\"source\",\"pod\":" + Json.quote(env.podName())
                + ",\"target\":" + messages
                + ",\"sent\":" + sent.get()
                + ",\"retries\":" + retries.get()
                + ",\"done\":" + done
                + ",\"stopped\":" + draining.get()
                + ",\"ended\":" + ended + "}";
    }
}
