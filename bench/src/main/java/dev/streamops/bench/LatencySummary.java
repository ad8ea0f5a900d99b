package dev.streamops.bench;

import org.HdrHistogram.Histogram;

/** Percentiles of one latency distribution, in milliseconds. */
record LatencySummary(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs) {

    /** A histogram for latencies in nanoseconds up to one minute, three significant digits. */
    static Histogram newHistogram() {
        return new Histogram(1_000L, 60_000_000_000L, 3);
    }

    static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(nanos.getTotalCount(),
                millis(nanos.getValueAtPercentile(50.0)),
                millis(nanos.getValueAtPercentile(99.0)),
                millis(nanos.getValueAtPercentile(99.9)),
                millis(nanos.getMaxValue()));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
