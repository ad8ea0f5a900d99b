package dev.streamops.local.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadingSetTest {
    @Test
    void readsRangesAndSubtractsPerProducer() {
        ReadingSet sent = new ReadingSet();
        sent.addRanges("a", "1-5,7");
        sent.addRanges("b", "1-3");
        ReadingSet received = new ReadingSet();
        received.addRanges("a", "1-4");
        received.add("b", 2);

        assertThat(sent.size()).isEqualTo(9);
        ReadingSet missing = sent.without(received);
        assertThat(missing.size()).as("a: 5 and 7; b: 1 and 3").isEqualTo(4);
        assertThat(missing.example()).matches("[ab] #[0-9]+");
    }

    @Test
    void refusesWhatIsNotARange() {
        assertThatThrownBy(() -> new ReadingSet().addRanges("a", "5-2")).hasMessageContaining("'5-2'");
        assertThatThrownBy(() -> new ReadingSet().add("a", 0)).hasMessageContaining("sequence out of range");
    }
}
