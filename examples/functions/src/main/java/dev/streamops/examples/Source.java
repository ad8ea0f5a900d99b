package dev.streamops.examples;

import java.io.IOException;
import java.time.Instant;
import java.util.BitSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Emits numbered sensor readings (sequence 1, 2, 3... per producer) to the companion at
 * {@code RATE} per second (0 = as fast as it takes them), {@code MESSAGES} in all (0 = forever),
 * with {@code CONCURRENCY} publishes in flight. A reading is counted as sent only when the
 * companion answered 200; anything else is retried with the same sequence number, so delivery
 * is at-least-once and a duplicate carries the number of its original. At the end it posts the
 * contract's termination report and stays up serving {@code GET /stats} (a Deployment's
 * container must not exit).
 *
 * <p>The producer is the pod name plus an id drawn when the process starts: a restarted
 * container keeps its pod name and counts from 1 again, and without the process id its new
 * readings would look like duplicates of the old ones to the sink, hiding any old reading that
 * never arrived. The id comes from nothing but the process itself, so the function still needs
 * only the companion contract's environment.
 */
final class Source {
    private final FunctionEnv env;
    private final String producer;
    private final long messages;
    private final int rate;
    private final int concurrency;
    private final CompanionClient companion;
    private final AtomicLong nextSequence = new AtomicLong(1);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    /** Which sequence numbers were answered 200: the exact set the demo checks the sink against. */
    private final BitSet sentSequences = new BitSet();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Set by POST /stop: no new readings, but the ones in flight are finished (at-least-once). */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final java.util.concurrent.CountDownLatch workersDone = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean done;
    private volatile boolean ended;

    Source(FunctionEnv env, String processId, long messages, int rate, int concurrency) {
        this.env = env;
        this.producer = env.podName() + "/" + processId;
        this.messages = messages;
        this.rate = rate;
        this.concurrency = concurrency;
        this.companion = new CompanionClient(env);
    }

    static Source fromEnvironment(FunctionEnv env, Map<String, String> all) {
        return new Source(env, newProcessId(),
                FunctionEnv.positiveInt(all, "MESSAGES", 1000, 0, Integer.MAX_VALUE),
                FunctionEnv.positiveInt(all, "RATE", 100, 0, 1_000_000),
                FunctionEnv.positiveInt(all, "CONCURRENCY", 4, 1, 256));
    }

    /** Random, so two starts of one pod never share an id (a counter or a start time could repeat). */
    static String newProcessId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    String producer() {
        return producer;
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
        System.out.printf("source %s: producer %s, %s readings at %s/s, %d in flight%n", env.podName(), producer,
                messages == 0 ? "unbounded" : messages, rate == 0 ? "max" : rate, concurrency);
        Thread reporter = Thread.ofVirtual().start(this::reportProgress);
        emit();
        if (!stopping.get()) {
            ended = publishTerminationReport();
            System.out.printf("source %s: done, sent %d readings (%d retries)%n", env.podName(), sent.get(), retries.get());
        }
        reporter.interrupt();
        while (!stopping.get()) {
            Thread.sleep(1000);
        }
    }

    /** Publishes every reading (or until stopped or drained); returns when no publish is in flight. */
    void emit() throws InterruptedException {
        long start = System.nanoTime();
        Thread[] workers = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            workers[i] = Thread.ofPlatform().name("publisher-" + i).start(() -> publishLoop(start));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        done = true;
        workersDone.countDown();
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
                        synchronized (sentSequences) {
                            sentSequences.set((int) sequence);
                        }
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
        return "{\"id\":" + Json.quote(producer + "-" + sequence)
                + ",\"sequence\":" + sequence
                + ",\"sensor\":\"sensor-" + (sequence % 8) + "\""
                + ",\"value\":" + celsius
                + ",\"unit\":\"celsius\""
                + ",\"timestamp\":" + Json.quote(Instant.now().toString())
                + ",\"producer\":" + Json.quote(producer)
                + ",\"pod\":" + Json.quote(env.podName())
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
        String sequences;
        synchronized (sentSequences) {
            sequences = SequenceRanges.format(sentSequences);
        }
        return "{\"role\":\"source\",\"pod\":" + Json.quote(env.podName())
                + ",\"producer\":" + Json.quote(producer)
                + ",\"target\":" + messages
                + ",\"sent\":" + sent.get()
                + ",\"sentSequences\":" + Json.quote(sequences)
                + ",\"retries\":" + retries.get()
                + ",\"done\":" + done
                + ",\"stopped\":" + draining.get()
                + ",\"ended\":" + ended + "}";
    }
}
