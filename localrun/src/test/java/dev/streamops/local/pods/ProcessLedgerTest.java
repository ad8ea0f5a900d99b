package dev.streamops.local.pods;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProcessLedgerTest {
    @TempDir
    Path runs;

    private static Process sleeper() throws Exception {
        return new ProcessBuilder("sleep", "60").start();
    }

    @Test
    void killsTheProcessesAndReturnsTheVhostsOfARunWhoseOwnerIsGone() throws Exception {
        Process orphan = sleeper();
        Process deadOwner = sleeper();
        long ownerStart = ProcessLedger.startMillis(deadOwner.toHandle());
        deadOwner.destroyForcibly().waitFor();
        Path run = Files.createDirectories(runs.resolve("demo-1"));
        Files.writeString(run.resolve(ProcessLedger.FILE), String.join("\n",
                "owner " + deadOwner.pid() + " " + ownerStart,
                "vhost streamops-demo-abc",
                "process " + orphan.pid() + " " + ProcessLedger.startMillis(orphan.toHandle())) + "\n");

        List<ProcessLedger.Reaped> reaped = ProcessLedger.reapAbandoned(runs);

        assertThat(reaped).singleElement().satisfies(r -> {
            assertThat(r.processes()).isEqualTo(1);
            assertThat(r.vhosts()).containsExactly("streamops-demo-abc");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !orphan.isAlive());
        assertThat(run.resolve(ProcessLedger.FILE)).doesNotExist();
        assertThat(ProcessLedger.reapAbandoned(runs)).as("reaped once").isEmpty();
    }

    @Test
    void leavesALiveRunAndAReusedPidAlone() throws Exception {
        Path live = runs.resolve("live");
        ProcessLedger ledger = new ProcessLedger(live);
        Process ours = sleeper();
        ledger.process(ours);

        Process stranger = sleeper();
        Path abandoned = Files.createDirectories(runs.resolve("abandoned"));
        Files.writeString(abandoned.resolve(ProcessLedger.FILE),
                "owner 999999999 1\nprocess " + stranger.pid() + " 12345\n");
        try {
            List<ProcessLedger.Reaped> reaped = ProcessLedger.reapAbandoned(runs);
            assertThat(reaped).singleElement().satisfies(r -> assertThat(r.processes()).as("start time differs: not ours").isZero());
            assertThat(ours.isAlive()).isTrue();
            assertThat(stranger.isAlive()).isTrue();
            assertThat(live.resolve(ProcessLedger.FILE)).exists();
        } finally {
            ours.destroyForcibly();
            stranger.destroyForcibly();
        }
    }
}
