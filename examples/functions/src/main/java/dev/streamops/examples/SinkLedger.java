package dev.streamops.examples;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Which readings arrived: per producer (a source process) a set of sequence numbers. A sequence
 * seen again is a duplicate (at-least-once delivery allows them); a sequence never seen is a loss.
 */
final class SinkLedger {
    private final Map<String, BitSet> seen = new HashMap<>();
    private long received;
    private long unique;
    private long duplicates;

    /** Records one reading; returns false when it is a duplicate. */
    synchronized boolean record(String producer, long sequence) {
        if (sequence < 1 || sequence > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sequence out of range: " + sequence);
        }
        received++;
        BitSet sequences = seen.computeIfAbsent(producer, p -> new BitSet());
        if (sequences.get((int) sequence)) {
            duplicates++;
            return false;
        }
        sequences.set((int) sequence);
        unique++;
        return true;
    }

    synchronized long received() {
        return received;
    }

    synchronized long unique() {
        return unique;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    /** Sequence numbers below the highest one seen that never arrived (gaps), over all producers. */
    synchronized long gaps() {
        long gaps = 0;
        for (BitSet sequences : seen.values()) {
            int highest = sequences.length() - 1;
            gaps += highest - sequences.cardinality();
        }
        return gaps;
    }

    synchronized String producersJson() {
        StringBuilder out = new StringBuilder("{");
        seen.forEach((producer, sequences) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(Json.quote(producer)).append(":{\"unique\":").append(sequences.cardinality())
                    .append(",\"highest\":").append(Math.max(0, sequences.length() - 1))
                    .append(",\"sequences\":").append(Json.quote(SequenceRanges.format(sequences))).append('}');
        });
        return out.append('}').toString();
    }
}
