package dev.streamops.local.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Distinct readings, each named by its producer (a source process) and sequence number: what the
 * source sent, what the sink holds, what is left in a queue. Counting with sets instead of
 * subtracting totals means a duplicate, or one reading found in two queues, can never make up
 * for a reading that is missing.
 */
public final class ReadingSet {
    private final Map<String, BitSet> byProducer = new HashMap<>();

    /** The readings an example source reports as sent in its {@code /stats} or {@code /stop} answer. */
    public static ReadingSet sentBy(JsonNode sourceStats) {
        ReadingSet sent = new ReadingSet();
        String producer = sourceStats.path("producer").asText("");
        if (!producer.isEmpty()) {
            sent.addRanges(producer, sourceStats.path("sentSequences").asText(""));
        }
        return sent;
    }

    /** The readings an example sink reports holding in its {@code /stats} or {@code /stop} answer. */
    public static ReadingSet heldBy(JsonNode sinkStats) {
        ReadingSet held = new ReadingSet();
        sinkStats.path("producers").properties().forEach(entry ->
                held.addRanges(entry.getKey(), entry.getValue().path("sequences").asText("")));
        return held;
    }

    public void add(String producer, long sequence) {
        if (sequence < 1 || sequence > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sequence out of range: " + sequence);
        }
        byProducer.computeIfAbsent(producer, p -> new BitSet()).set((int) sequence);
    }

    /** Adds the sequences of one producer written as ranges, as the example functions report them ({@code "1-40,42"}). */
    public void addRanges(String producer, String ranges) {
        if (ranges.isBlank()) {
            return;
        }
        BitSet sequences = byProducer.computeIfAbsent(producer, p -> new BitSet());
        for (String range : ranges.split(",")) {
            String[] ends = range.trim().split("-", 2);
            int from = Integer.parseInt(ends[0].trim());
            int to = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : from;
            if (from < 1 || to < from) {
                throw new IllegalArgumentException("not a range of sequence numbers: '" + range + "'");
            }
            sequences.set(from, to + 1);
        }
    }

    public void addAll(ReadingSet other) {
        other.byProducer.forEach((producer, sequences) -> byProducer.computeIfAbsent(producer, p -> new BitSet()).or(sequences));
    }

    public long size() {
        return byProducer.values().stream().mapToLong(BitSet::cardinality).sum();
    }

    /** The readings of this set that none of the others holds. */
    public ReadingSet without(ReadingSet... others) {
        ReadingSet rest = new ReadingSet();
        byProducer.forEach((producer, sequences) -> {
            BitSet left = (BitSet) sequences.clone();
            for (ReadingSet other : others) {
                BitSet taken = other.byProducer.get(producer);
                if (taken != null) {
                    left.andNot(taken);
                }
            }
            if (!left.isEmpty()) {
                rest.byProducer.put(producer, left);
            }
        });
        return rest;
    }

    /** One reading of this set, for a message that names it ("producer #sequence"), or empty. */
    public String example() {
        return byProducer.entrySet().stream().filter(e -> !e.getValue().isEmpty()).findFirst()
                .map(e -> e.getKey() + " #" + e.getValue().nextSetBit(0)).orElse("");
    }
}
