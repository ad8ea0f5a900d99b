package dev.streamops.local;

import dev.streamops.local.pods.ProcessLedger;
import dev.streamops.local.runtime.LocalRuntime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code make demo} as a user runs it: {@code java -jar localrun.jar demo} in its own JVM, judged
 * by its output, its exit code and what it leaves behind (no process it started, no vhost).
 */
class DemoIT {
    private static final Path REPO = Path.of(System.getProperty("streamops.repo", "..")).toAbsolutePath().normalize();
    private static final Pattern FINAL_LINE = Pattern.compile("sent (\\d+), received (\\d+), lost (\\d+), duplicates (\\d+)");
    private static final Pattern STILL_QUEUED = Pattern.compile("^(\\d+) reading\\(s\\) had not reached the sink.*still queued.*");
    private static final Pattern DEAD_LETTERED = Pattern.compile("^(\\d+) reading\\(s\\) were dead-lettered.*");
    private static final Pattern SOURCE_ROW = Pattern.compile("^\\s+source\\s+.*sent (\\d+).*");

    /** One finished demo: its exit code and output, and where it kept its run. */
    private record DemoRun(int exitCode, List<String> lines) {
        String lastLine() {
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        long count(Pattern pattern) {
            return lines.stream().map(pattern::matcher).filter(Matcher::matches).mapToLong(m -> Long.parseLong(m.group(1))).sum();
        }

        String vhost() {
            return lines.stream().filter(l -> l.startsWith("RabbitMQ vhost ")).findFirst().orElseThrow().split(" ")[2];
        }

        /** From the first line, which every run prints: "StreamOps local demo: ...; logs in DIR". */
        Path runDir() {
            String first = lines.get(0);
            return REPO.resolve(first.substring(first.indexOf("; logs in ") + "; logs in ".length()).trim());
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ", output:\n" + String.join("\n", lines);
        }
    }

    private static Process startDemo(Path output, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(LocalRuntime.javaCommand(), "-jar",
                REPO.resolve("localrun/target/localrun.jar").toString(), "demo", "--repo", REPO.toString(), "--refresh", "1"));
        command.addAll(List.of(flags));
        Files.createDirectories(output.getParent());
        return new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
    }

    private static DemoRun awaitEnd(Process demo, Path output) throws Exception {
        if (!demo.waitFor(6, TimeUnit.MINUTES)) {
            demo.destroyForcibly();
            throw new AssertionError("the demo did not end within 6 minutes:\n" + Files.readString(output));
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        DemoRun run = new DemoRun(demo.exitValue(), lines);
        System.out.println("DemoIT: " + output.getFileName() + ": " + run.lastLine() + " (exit " + run.exitCode() + ")");
        return run;
    }

    /** Every process in the run's ledger is gone (pid and start time, so a reused pid does not count), and so is its vhost. */
    private static void assertNothingLeftBehind(DemoRun run) throws Exception {
        // The operator and two containers for each of the four pods.
        assertNothingLeftBehind(run, 9);
    }

    private static void assertNothingLeftBehind(DemoRun run, int startedAtLeast) throws Exception {
        List<String> ledger = Files.readAllLines(run.runDir().resolve(ProcessLedger.FILE));
        List<String> processes = ledger.stream().filter(l -> l.startsWith("process ")).toList();
        assertThat(processes).as("processes the run recorded as started").hasSizeGreaterThanOrEqualTo(startedAtLeast);
        assertThat(processes).allSatisfy(line -> assertThat(stillRunning(line)).as(line + " after the demo").isFalse());
        // Every container ran from the run's own copy of its image: nothing may still run from there.
        String runDir = run.runDir().toString();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(runDir)).map(ProcessHandle::pid))
                .as("processes running from " + runDir).isEmpty();
        assertThat(ledger).contains("vhost " + run.vhost());
        assertThat(vhosts()).as("RabbitMQ vhosts after the demo").doesNotContain(run.vhost());
    }

    private static boolean stillRunning(String ledgerLine) {
        String[] fields = ledgerLine.split(" ");
        long started = Long.parseLong(fields[2]);
        return ProcessHandle.of(Long.parseLong(fields[1])).filter(ProcessHandle::isAlive)
                .filter(p -> ProcessLedger.startMillis(p) == started).isPresent();
    }

    private static List<String> vhosts() throws Exception {
        Process list = new ProcessBuilder("rabbitmqctl", "-q", "list_vhosts").redirectErrorStream(true).start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(list.exitValue()).as("rabbitmqctl list_vhosts: " + out).isZero();
        return out.lines().map(String::trim).toList();
    }

    /** sent = received + still queued + dead-lettered: every reading is accounted for, none twice. */
    private static void assertEveryReadingAccountedFor(DemoRun run) {
        Matcher last = FINAL_LINE.matcher(run.lastLine());
        assertThat(last.matches()).as(run.toString()).isTrue();
        long sent = Long.parseLong(last.group(1));
        long received = Long.parseLong(last.group(2));
        assertThat(last.group(3)).as("lost").isEqualTo("0");
        assertThat(sent).as("readings sent").isPositive();
        assertThat(received + run.count(STILL_QUEUED) + run.count(DEAD_LETTERED)).as(run.toString()).isEqualTo(sent);
    }

    @Test
    void aCompleteRunReceivesEveryReadingAndLeavesNothingBehind() throws Exception {
        Path output = REPO.resolve("localrun/target/DemoIT/complete.out");
        DemoRun run = awaitEnd(startDemo(output, "--messages", "400", "--rate", "0"), output);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.lines()).as(run.toString()).contains("stopping: all readings arrived");
        assertThat(run.lastLine()).as(run.toString()).matches("sent 400, received 400, lost 0, duplicates \\d+");
        assertNothingLeftBehind(run);
    }

    @Test
    void aRunEndedByItsTimeLimitStillAccountsForEveryReading() throws Exception {
        Path output = REPO.resolve("localrun/target/DemoIT/time-limit.out");
        DemoRun run = awaitEnd(startDemo(output, "--messages", "0", "--rate", "0", "--duration", "30"), output);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.lines()).as(run.toString()).contains("stopping: time limit reached");
        assertEveryReadingAccountedFor(run);
        assertNothingLeftBehind(run);
    }

    private static void ctrlC(Process demo) throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(demo.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -INT " + demo.pid()).isTrue();
    }

    @Test
    void ctrlCStopsEverythingAndStillAccountsForEveryReading() throws Exception {
        Path output = REPO.resolve("localrun/target/DemoIT/ctrl-c.out");
        Process demo = startDemo(output, "--messages", "0", "--rate", "0");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                Files.readAllLines(output).stream().map(SOURCE_ROW::matcher).filter(Matcher::matches)
                        .anyMatch(m -> Long.parseLong(m.group(1)) >= 200));
        long interruptedAt = System.nanoTime();
        ctrlC(demo);

        DemoRun run = awaitEnd(demo, output);
        System.out.printf("DemoIT: Ctrl-C to exit %.1f s%n", (System.nanoTime() - interruptedAt) / 1e9);

        assertThat(run.exitCode()).as("exit code after Ctrl-C; " + run).isEqualTo(130);
        assertThat(run.lines()).as(run.toString()).contains("stopping: interrupted (Ctrl-C)");
        assertEveryReadingAccountedFor(run);
        assertNothingLeftBehind(run);
    }

    @Test
    void ctrlCWhileStartingStopsWhatWasAlreadyStarted() throws Exception {
        Path output = REPO.resolve("localrun/target/DemoIT/ctrl-c-starting.out");
        Process demo = startDemo(output, "--messages", "0");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                Files.readAllLines(output).stream().anyMatch(l -> l.startsWith("starting the mock Kubernetes API")));
        ctrlC(demo);

        DemoRun run = awaitEnd(demo, output);

        assertThat(run.exitCode()).as("exit code after Ctrl-C; " + run).isEqualTo(130);
        assertThat(run.lines()).as(run.toString()).contains("interrupted (Ctrl-C) while starting: stopping");
        // Only what was started before Ctrl-C: the runtime may not have got to the operator yet.
        assertNothingLeftBehind(run, 0);
    }
}
