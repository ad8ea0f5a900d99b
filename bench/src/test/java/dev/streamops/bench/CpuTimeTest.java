package dev.streamops.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuTimeTest {

    @Test
    void userPlusSystemTicksFromProcStatEvenWithSpacesInTheName() {
        String stat = "4242 (java main (x)) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 566 0 0 20 0 40 0 100 0 0";
        assertThat(CpuTime.parseStat(stat)).isEqualTo((1234 + 566) / 100.0);
    }

    @Test
    void ownCpuTimeIsReadableAndUnknownProcessesAreNaN() {
        assertThat(CpuTime.seconds(ProcessHandle.current().pid())).isPositive();
        assertThat(CpuTime.seconds(-1)).isNaN();
        assertThat(CpuTime.Window.microsPerMessage(0.5, 1000)).isEqualTo(500.0);
        assertThat(CpuTime.Window.microsPerMessage(0.5, 0)).isNaN();
    }

    @Test
    void aCpuBoundMachineGivesTheRatioOfCpuPerMessage() {
        // ours: 300 µs of CPU per message in total; direct: 100 µs → at best a third of direct's rate.
        CpuTime.Window ours = new CpuTime.Window(0.2, 0.08, 0.02, 4);
        CpuTime.Window direct = new CpuTime.Window(Double.NaN, 0.08, 0.02, 4);
        assertThat(CpuTime.Window.cpuBoundRatio(ours, 1000, direct, 1000)).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
    }
}
