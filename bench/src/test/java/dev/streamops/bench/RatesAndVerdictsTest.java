package dev.streamops.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RatesAndVerdictsTest {

    @Test
    void throughputIsMessagesOverSeconds() {
        assertThat(Rates.perSecond(5_000, 2_000_000_000L)).isEqualTo(2_500.0);
        assertThat(Rates.perSecond(1, 250_000L)).isEqualTo(4_000.0);
        assertThatThrownBy(() -> Rates.perSecond(10, 0)).hasMessageContaining("positive");
    }

    @Test
    void ratioIsOursOverDirectAndUndefinedWithoutABaseline() {
        assertThat(Rates.ratio(800, 1000)).isCloseTo(0.8, within(1e-12));
        assertThat(Rates.ratio(800, 0)).isNaN();
        assertThat(Rates.ratio(Double.NaN, 1000)).isNaN();
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Rates.median(900, 300, 500)).isEqualTo(500);
        assertThat(Rates.median(4, 1, 3, 2)).isEqualTo(2.5);
    }

    @Test
    void ratioTargetsJudgeTheRatioAndAbsoluteTargetsTheFigure() {
        Row publish = Row.of("publish", "N=16", "msg/s", 790, 1000, new Target.AtLeastRatio(0.8));
        assertThat(publish.verdict()).isEqualTo(Row.Verdict.MISS);
        assertThat(Row.of("publish", "N=16", "msg/s", 800, 1000, new Target.AtLeastRatio(0.8)).verdict()).isEqualTo(Row.Verdict.PASS);
        assertThat(Row.of("latency", "p99", "ms", 19.9, 3, new Target.Below(20, "ms")).verdict()).isEqualTo(Row.Verdict.PASS);
        assertThat(Row.of("latency", "p99", "ms", 20, 3, new Target.Below(20, "ms")).verdict()).isEqualTo(Row.Verdict.MISS);
        assertThat(Row.of("operator", "1000", "s", 60, Double.NaN, new Target.AtMost(60, "s")).verdict()).isEqualTo(Row.Verdict.PASS);
        assertThat(Row.of("x", "info", "", 1, Double.NaN, null).verdict()).isEqualTo(Row.Verdict.INFO);
    }

    @Test
    void aMissingFigureIsAMissNotAPass() {
        assertThat(Row.of("push", "drain", "msg/s", 500, Double.NaN, new Target.AtLeastRatio(0.8)).verdict()).isEqualTo(Row.Verdict.MISS);
        assertThat(Row.of("operator", "1000", "s", Double.NaN, Double.NaN, new Target.AtMost(60, "s")).verdict()).isEqualTo(Row.Verdict.MISS);
    }
}
