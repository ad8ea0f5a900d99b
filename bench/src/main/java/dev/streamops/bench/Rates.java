package dev.streamops.bench;

/** The arithmetic behind every throughput figure and ratio in the table. */
final class Rates {
    private Rates() {
    }

    /** Messages per second for {@code messages} completed in {@code nanos}. */
    static double perSecond(long messages, long nanos) {
        if (nanos <= 0) throw new IllegalArgumentException("elapsed time must be positive, was " + nanos + " ns");
        if (messages < 0) throw new IllegalArgumentException("message count must not be negative, was " + messages);
        return messages * 1_000_000_000.0 / nanos;
    }

    /** ours / direct; NaN when the direct figure is zero or missing, so a broken baseline never reads as a pass. */
    static double ratio(double ours, double direct) {
        if (!(direct > 0) || Double.isNaN(ours)) return Double.NaN;
        return ours / direct;
    }

    /** The median of a few repeated measurements (used for start-up time). */
    static double median(double... values) {
        if (values.length == 0) throw new IllegalArgumentException("median of nothing");
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
