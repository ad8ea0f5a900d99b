package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One container of one pod as a local process, supervised the way the kubelet supervises a
 * container under {@code restartPolicy: Always}: started, probed (startup, then readiness and
 * liveness, with the template's delays, periods and thresholds), restarted with an exponential
 * backoff when it exits or fails its liveness probe, stopped with SIGTERM and, after the grace
 * period, SIGKILL. A run-to-completion init container is the same process restarted only while
 * it fails.
 */
final class ContainerRunner {
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration RESET_BACKOFF_AFTER = Duration.ofSeconds(60);

    private final String podName;
    private final Container container;
    private final boolean runToCompletion;
    private final List<String> commandLine;
    private final Map<String, String> environment;
    private final Path logFile;
    private final Path workDir;
    private final String podIp;
    private final Consumer<String> events;
    private final ProcessLedger ledger;

    private volatile Process process;
    private volatile boolean started;
    private volatile boolean ready;
    private volatile boolean stopping;
    /** The grace period stop() was given, for a process the supervisor launched while being stopped. */
    private volatile Duration stopGrace = Duration.ofSeconds(30);
    private volatile boolean completed;
    private volatile int restarts;
    private Thread supervisor;

    ContainerRunner(String podName, Container container, boolean runToCompletion, List<String> commandLine,
                    Map<String, String> environment, Path logFile, Path workDir, String podIp, Consumer<String> events,
                    ProcessLedger ledger) {
        this.podName = podName;
        this.container = container;
        this.runToCompletion = runToCompletion;
        this.commandLine = List.copyOf(commandLine);
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
        this.workDir = workDir;
        this.podIp = podIp;
        this.events = events;
        this.ledger = ledger;
    }

    String name() {
        return container.getName();
    }

    Map<String, String> environment() {
        return environment;
    }

    synchronized void start() {
        supervisor = Thread.ofPlatform().daemon().name("container-" + podName + "-" + name()).start(this::supervise);
    }

    private void supervise() {
        Duration backoff = FIRST_BACKOFF;
        while (!stopping) {
            long startedAt = System.nanoTime();
            int exitCode;
            Process launched = null;
            try {
                launched = launch();
                process = launched;
                // stop() sets stopping before it reads process, this thread the other way round: if
                // stop() looked before this process existed, this check sees that it is stopping.
                if (stopping) {
                    terminate(launched, stopGrace);
                    return;
                }
                Process running = launched;
                Thread prober = runToCompletion ? null
                        : Thread.ofVirtual().name("probe-" + podName + "-" + name()).start(() -> probe(running));
                exitCode = launched.waitFor();
                if (prober != null) {
                    prober.interrupt();
                }
            } catch (IOException cannotStart) {
                events.accept("container " + name() + " failed to start: " + cannotStart.getMessage());
                exitCode = -1;
            } catch (InterruptedException interrupted) {
                // Only stop() interrupts this thread; the process may have been launched after it looked.
                if (launched != null && launched.isAlive()) {
                    terminate(launched, stopGrace);
                }
                return;
            }
            started = false;
            ready = false;
            if (stopping) {
                return;
            }
            if (runToCompletion && exitCode == 0) {
                completed = true;
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(RESET_BACKOFF_AFTER) > 0) {
                backoff = FIRST_BACKOFF;
            }
            restarts++;
            events.accept("container " + name() + " exited with code " + exitCode + "; restarting in "
                    + backoff.toMillis() + " ms (restart " + restarts + ")");
            if (!sleep(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private Process launch() throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.writeString(logFile, "---- " + java.time.Instant.now() + " start " + String.join(" ", commandLine) + System.lineSeparator(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(Sessions.detached(commandLine))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process started = builder.start();
        try {
            ledger.process(started);
        } catch (RuntimeException unrecorded) {
            // A process the ledger does not know could outlive a killed run unnoticed: do not keep it.
            started.destroyForcibly();
            throw unrecorded;
        }
        return started;
    }

    /** Startup probe first; once it passed, readiness and liveness run side by side. */
    private void probe(Process launched) {
        Probe startup = container.getStartupProbe();
        if (startup != null && !await(startup, launched)) {
            if (launched.isAlive()) {
                events.accept("container " + name() + " failed its startup probe; killing it");
                terminate(launched, grace(startup));
            }
            return;
        }
        started = true;
        Probe liveness = container.getLivenessProbe();
        if (liveness != null) {
            Thread.ofVirtual().start(() -> {
                if (!watch(liveness, launched, alive -> { })) {
                    if (launched.isAlive() && !stopping) {
                        events.accept("container " + name() + " failed its liveness probe; restarting it");
                        terminate(launched, grace(liveness));
                    }
                }
            });
        }
        Probe readiness = container.getReadinessProbe();
        if (readiness == null) {
            ready = launched.isAlive();
        } else {
            watch(readiness, launched, passing -> ready = passing);
        }
    }

    /** Probes until success (true) or failureThreshold consecutive failures (false). */
    private boolean await(Probe probe, Process launched) {
        if (!sleep(Duration.ofSeconds(value(probe.getInitialDelaySeconds(), 0)))) {
            return false;
        }
        int failures = 0;
        while (launched.isAlive() && !stopping) {
            if (ProbeCheck.passes(probe, container, podIp)) {
                return true;
            }
            if (++failures >= value(probe.getFailureThreshold(), 3)) {
                return false;
            }
            if (!sleep(Duration.ofSeconds(value(probe.getPeriodSeconds(), 10)))) {
                return false;
            }
        }
        return false;
    }

    /** Probes every period for the life of the process; returns false when failureThreshold is reached. */
    private boolean watch(Probe probe, Process launched, Consumer<Boolean> result) {
        if (!sleep(Duration.ofSeconds(value(probe.getInitialDelaySeconds(), 0)))) {
            return true;
        }
        int failures = 0;
        int successes = 0;
        boolean passing = false;
        while (launched.isAlive() && !stopping) {
            if (ProbeCheck.passes(probe, container, podIp)) {
                failures = 0;
                if (++successes >= value(probe.getSuccessThreshold(), 1) && !passing) {
                    passing = true;
                    result.accept(true);
                }
            } else {
                successes = 0;
                if (++failures >= value(probe.getFailureThreshold(), 3)) {
                    if (passing || failures == value(probe.getFailureThreshold(), 3)) {
                        passing = false;
                        result.accept(false);
                    }
                    if (probe == container.getLivenessProbe()) {
                        return false;
                    }
                }
            }
            if (!sleep(Duration.ofSeconds(value(probe.getPeriodSeconds(), 10)))) {
                return true;
            }
        }
        result.accept(false);
        return true;
    }

    /** SIGTERM, then SIGKILL after the grace period; waits for the process and its supervisor. */
    void stop(Duration grace) {
        stopGrace = grace;
        stopping = true;
        Process current = process;
        if (current != null) {
            terminate(current, grace);
        }
        Thread thread;
        synchronized (this) {
            thread = supervisor;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                // The supervisor may itself be terminating a process it launched meanwhile (grace + 5 s).
                thread.join(grace.toMillis() + 10_000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        // Whatever is still running now has had its grace period: never return with a live process.
        Process last = process;
        if (last != null && last.isAlive()) {
            last.destroyForcibly();
            try {
                last.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        started = false;
        ready = false;
    }

    private static void terminate(Process target, Duration grace) {
        target.destroy();
        try {
            if (!target.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                target.destroyForcibly();
                target.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            target.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Duration grace(Probe probe) {
        return Duration.ofSeconds(value(probe.getTerminationGracePeriodSeconds() == null ? null
                : probe.getTerminationGracePeriodSeconds().intValue(), 30));
    }

    boolean started() {
        return started && isRunning();
    }

    boolean ready() {
        return ready && isRunning();
    }

    boolean completed() {
        return completed;
    }

    boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** The process id of the running process, or -1. */
    long pid() {
        Process current = process;
        return current != null && current.isAlive() ? current.pid() : -1;
    }

    int restarts() {
        return restarts;
    }

    Path logFile() {
        return logFile;
    }

    private static int value(Integer configured, int fallback) {
        return configured == null ? fallback : configured;
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
