package dev.streamops.examples;

import java.util.BitSet;

/**
 * A set of sequence numbers written as ranges ({@code "1-4000,4002,4004-5000"}), the form in which
 * the source reports what it sent and the sink what it holds. Both sets are nearly contiguous, so
 * the text stays a few ranges long however many readings there are, and whoever compares them
 * (the demo, the tests) sees exactly which readings are missing, not only how many.
 */
final class SequenceRanges {
    private SequenceRanges() {
    }

    static String format(BitSet sequences) {
        StringBuilder out = new StringBuilder();
        int from = sequences.nextSetBit(0);
        while (from >= 0) {
            int to = sequences.nextClearBit(from) - 1;
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(from);
            if (to > from) {
                out.append('-').append(to);
            }
            from = sequences.nextSetBit(to + 1);
        }
        return out.toString();
    }
}
