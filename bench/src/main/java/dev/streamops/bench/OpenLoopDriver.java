package dev.streamops.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs an {@link OpenLoopSchedule} with a pool of senders: each free sender claims the next message,
 * waits for its due time and sends it. With enough senders a slow answer never delays the next
 * send; if every sender is busy the next message goes out late, and that lateness is counted
 * because latency is measured from the due time.
 */
final class OpenLoopDriver {
    /** Sends one message and returns once the target accepted it (HTTP 200, broker confirm). */
    interface Sender extends AutoCloseable {
        void send(long seq, byte[] body) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    record Outcome(long sent, long errors, String firstError, Histogram acceptLatencyNanos) {
    }

    private OpenLoopDriver() {
    }

    /** Sends every message of the schedule; records due-time→accepted latency for messages from {@code firstRecorded} on. */
    static Outcome drive(OpenLoopSchedule schedule, List<? extends Sender> senders, long firstRecorded) throws InterruptedException {
        Histogram accepted = LatencySummary.newHistogram();
        LongAdder sent = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Sender sender : senders) {
            threads.add(Thread.ofPlatform().name("bench-open-loop").start(() -> {
                long seq;
                while ((seq = schedule.claim()) >= 0) {
                    long due = schedule.intendedNanos(seq);
                    OpenLoopSchedule.sleepUntil(due);
                    try {
                        sender.send(seq, Messages.json(seq));
                        long latency = System.nanoTime() - due;
                        sent.increment();
                        if (seq >= firstRecorded) {
                            synchronized (accepted) {
                                accepted.recordValue(Math.max(1_000, latency));
                            }
                        }
                    } catch (Exception e) {
                        errors.increment();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }));
        }
        for (Thread thread : threads) thread.join();
        return new Outcome(sent.sum(), errors.sum(), firstError.get(), accepted);
    }
}
