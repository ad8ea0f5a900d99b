package dev.streamops.local.pods;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a run started (processes, RabbitMQ vhost), written down as it starts them, so that a run
 * that was itself killed (SIGKILL, a crash) can be cleaned up by the next one. A process is
 * identified by its pid and start time, so a reused pid is never mistaken for ours; a run whose
 * owner JVM still lives is never touched.
 */
public final class ProcessLedger {
    public static final String FILE = "started.txt";

    private final Path file;

    public ProcessLedger(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        this.file = runDir.resolve(FILE);
        ProcessHandle self = ProcessHandle.current();
        append("owner " + self.pid() + " " + startMillis(self));
    }

    public synchronized void process(Process process) {
        append("process " + process.pid() + " " + startMillis(process.toHandle()));
    }

    public synchronized void vhost(String name) {
        append("vhost " + name);
    }

    private void append(String line) {
        try {
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException unwritable) {
            throw new IllegalStateException("cannot record a started process in " + file + ": " + unwritable.getMessage());
        }
    }

    /** What an abandoned run left: its live processes were killed; its vhosts are for the caller to delete. */
    public record Reaped(Path run, int processes, List<String> vhosts) {
    }

    /** Cleans up after runs under {@code runsRoot} whose owner JVM is gone; returns what it found. */
    public static List<Reaped> reapAbandoned(Path runsRoot) throws IOException {
        List<Reaped> reaped = new ArrayList<>();
        if (!Files.isDirectory(runsRoot)) {
            return reaped;
        }
        List<Path> ledgers;
        try (Stream<Path> runs = Files.list(runsRoot)) {
            ledgers = runs.map(run -> run.resolve(FILE)).filter(Files::isRegularFile).toList();
        }
        for (Path ledger : ledgers) {
            List<String> lines = Files.readAllLines(ledger);
            List<String> owners = lines.stream().filter(line -> line.startsWith("owner ")).toList();
            // A ledger can be appended to by several runs of one run directory: reap only when no owner lives.
            if (owners.isEmpty() || owners.stream().anyMatch(ProcessLedger::alive)) {
                continue;
            }
            int killed = 0;
            List<String> vhosts = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.startsWith("process ")) {
                    Optional<ProcessHandle> process = handle(line);
                    if (process.isPresent()) {
                        process.get().destroyForcibly();
                        killed++;
                    }
                } else if (line.startsWith("vhost ")) {
                    vhosts.add(line.substring("vhost ".length()).trim());
                }
            }
            Files.move(ledger, ledger.resolveSibling(FILE + ".reaped"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            reaped.add(new Reaped(ledger.getParent(), killed, vhosts));
        }
        return reaped;
    }

    /** The owner counts as alive when its pid runs and its start time matches or is unknown (never reap a live run). */
    private static boolean alive(String ownerLine) {
        String[] fields = ownerLine.trim().split("\\s+");
        try {
            long started = fields.length == 3 ? Long.parseLong(fields[2]) : -1;
            return ProcessHandle.of(Long.parseLong(fields[1])).filter(ProcessHandle::isAlive)
                    .filter(p -> started < 0 || startMillis(p) < 0 || startMillis(p) == started).isPresent();
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException malformed) {
            return true;
        }
    }

    /** The live process a "kind pid startMillis" line names, if that very process still runs. */
    private static Optional<ProcessHandle> handle(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length != 3) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(fields[1]);
            long started = Long.parseLong(fields[2]);
            if (started < 0) {
                return Optional.empty(); // without a start time a reused pid cannot be told apart: leave it
            }
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> startMillis(p) == started);
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
    }

    public static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }
}
