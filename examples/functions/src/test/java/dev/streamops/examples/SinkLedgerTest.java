package dev.streamops.examples;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkLedgerTest {
    @Test
    void countsUniqueDuplicatesAndGapsPerProducer() {
        SinkLedger ledger = new SinkLedger();
        assertThat(ledger.record("a", 1)).isTrue();
        assertThat(ledger.record("a", 2)).isTrue();
        assertThat(ledger.record("a", 2)).isFalse();
        assertThat(ledger.record("a", 5)).isTrue();
        assertThat(ledger.record("b", 1)).isTrue();

        assertThat(ledger.received()).isEqualTo(5);
        assertThat(ledger.unique()).isEqualTo(4);
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.gaps()).as("a misses 3 and 4").isEqualTo(2);
        assertThat(ledger.producersJson()).contains("\"a\":{\"unique\":3,\"highest\":5,\"sequences\":\"1-2,5\"}",
                "\"b\":{\"unique\":1,\"highest\":1,\"sequences\":\"1\"}");
    }

    @Test
    void refusesSequencesOutsideTheRange() {
        assertThatThrownBy(() -> new SinkLedger().record("a", 0)).hasMessageContaining("sequence out of range");
    }
}
