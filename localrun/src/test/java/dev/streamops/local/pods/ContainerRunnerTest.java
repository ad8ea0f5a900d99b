package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A container stopped at any moment of its start leaves no process behind. */
class ContainerRunnerTest {
    @TempDir
    Path runDir;

    @Test
    void aProcessLaunchedWhileStopIsUnderWayIsStoppedToo() throws Exception {
        ProcessLedger ledger = new ProcessLedger(runDir);
        for (int attempt = 0; attempt < 40; attempt++) {
            ContainerRunner runner = new ContainerRunner("pod-" + attempt, new ContainerBuilder().withName("sleeper").build(), false,
                    List.of("sleep", "60"), Map.of("PATH", System.getenv("PATH")), runDir.resolve("sleeper.log"), runDir,
                    "127.0.0.1", event -> { }, ledger);
            runner.start();
            // Somewhere between "not launched yet" and "running": the supervisor may be inside launch().
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 15));
            runner.stop(Duration.ofSeconds(2));
        }
        List<String> launched = Files.readAllLines(runDir.resolve(ProcessLedger.FILE)).stream()
                .filter(line -> line.startsWith("process ")).toList();
        assertThat(launched).as("processes launched").isNotEmpty();
        assertThat(launched).allSatisfy(line -> assertThat(stillRunning(line)).as(line + " after stop()").isFalse());
    }

    /** The ledger's "process pid startMillis": that very process (not a later one with its pid) still runs. */
    private static boolean stillRunning(String ledgerLine) {
        String[] fields = ledgerLine.split(" ");
        long started = Long.parseLong(fields[2]);
        return ProcessHandle.of(Long.parseLong(fields[1])).filter(ProcessHandle::isAlive)
                .filter(process -> ProcessLedger.startMillis(process) == started).isPresent();
    }
}
