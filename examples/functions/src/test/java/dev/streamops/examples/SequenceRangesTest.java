package dev.streamops.examples;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceRangesTest {
    private static BitSet of(int... sequences) {
        BitSet set = new BitSet();
        for (int sequence : sequences) {
            set.set(sequence);
        }
        return set;
    }

    @Test
    void writesRunsAsRangesAndLoneNumbersAlone() {
        assertThat(SequenceRanges.format(of(1, 2, 3, 5, 7, 8))).isEqualTo("1-3,5,7-8");
        assertThat(SequenceRanges.format(of(4))).isEqualTo("4");
        assertThat(SequenceRanges.format(new BitSet())).isEmpty();
    }
}
