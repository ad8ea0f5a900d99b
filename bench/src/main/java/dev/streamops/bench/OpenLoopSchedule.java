package dev.streamops.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: message {@code i} is due at {@code start + i / rate}, whatever happened to the
 * messages before it. Free senders claim messages in order and send each at its due time; latency
 * is measured from the due time, not from the moment a sender got round to it, so a stall that
 * delays later sends shows up in the percentiles instead of being hidden (coordinated omission).
 */
final class OpenLoopSchedule {
    private final long startNanos;
    private final double periodNanos;
    private final long count;
    private final AtomicLong next = new AtomicLong();

    OpenLoopSchedule(long startNanos, double ratePerSecond, long count) {
        if (!(ratePerSecond > 0)) throw new IllegalArgumentException("rate must be positive, was " + ratePerSecond);
        if (count < 0) throw new IllegalArgumentException("count must not be negative, was " + count);
        this.startNanos = startNanos;
        this.periodNanos = 1_000_000_000.0 / ratePerSecond;
        this.count = count;
    }

    /** How many messages a run of {@code duration} at {@code ratePerSecond} sends. */
    static long countFor(double ratePerSecond, Duration duration) {
        return Math.round(ratePerSecond * duration.toNanos() / 1_000_000_000.0);
    }

    long count() {
        return count;
    }

    /** The time (System.nanoTime scale) at which message {@code index} is due. */
    long intendedNanos(long index) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException("message " + index + " of " + count);
        return startNanos + Math.round(index * periodNanos);
    }

    /** Claims the next message in order; -1 once every message has been claimed. */
    long claim() {
        long index = next.getAndIncrement();
        return index < count ? index : -1;
    }

    /** Parks the calling sender until {@code deadlineNanos}; returns at once if it has passed. */
    static void sleepUntil(long deadlineNanos) {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }
}
