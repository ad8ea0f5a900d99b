package dev.streamops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * N workers, each on its own platform thread, each sending one request (or one batch) and waiting
 * for its answer before sending the next: the "N concurrent publishers waiting for a confirm per
 * message" of issue 5. Messages completed after a warm-up are counted over a fixed window.
 */
final class ClosedLoopLoad {
    /** One publisher: sends once, waits for the answer, returns how many messages were confirmed. */
    interface Worker extends AutoCloseable {
        int sendOnce() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    record Outcome(long messages, long nanos, long errors, String firstError, CpuTime.Window cpu) {
        double perSecond() {
            return Rates.perSecond(messages, nanos);
        }
    }

    private ClosedLoopLoad() {
    }

    /** Runs the workers; CPU of {@code sidecarPid} (or -1), the broker and this JVM is metered over the window. */
    static Outcome run(List<? extends Worker> workers, Duration warmup, Duration window, long sidecarPid, long brokerPid)
            throws InterruptedException {
        LongAdder completed = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong firstErrorSet = new AtomicLong();
        String[] firstError = new String[1];
        CountDownLatch started = new CountDownLatch(workers.size());
        List<Thread> threads = new ArrayList<>();
        for (Worker worker : workers) {
            threads.add(Thread.ofPlatform().name("bench-load").start(() -> {
                started.countDown();
                while (!stop.get()) {
                    try {
                        int confirmed = worker.sendOnce();
                        if (confirmed > 0) completed.add(confirmed);
                        else errors.increment();
                    } catch (Exception e) {
                        errors.increment();
                        if (firstErrorSet.compareAndSet(0, 1)) firstError[0] = e.toString();
                        try {
                            Thread.sleep(10); // a failing target must not turn the loop into a busy spin
                        } catch (InterruptedException interrupted) {
                            return;
                        }
                    }
                }
            }));
        }
        started.await();
        Thread.sleep(warmup.toMillis());
        long errors0 = errors.sum();
        long count0 = completed.sum();
        long t0 = System.nanoTime();
        CpuTime.Meter cpu = CpuTime.start(sidecarPid, brokerPid);
        Thread.sleep(window.toMillis());
        long count1 = completed.sum();
        long t1 = System.nanoTime();
        CpuTime.Window used = cpu.stop();
        long errors1 = errors.sum();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
            if (thread.isAlive()) thread.interrupt();
        }
        return new Outcome(count1 - count0, t1 - t0, errors1 - errors0, firstError[0], used);
    }
}
