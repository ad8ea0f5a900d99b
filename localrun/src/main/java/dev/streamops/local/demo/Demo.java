package dev.streamops.local.demo;

import dev.streamops.local.runtime.LocalRuntime;
import dev.streamops.local.runtime.RabbitVhost;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code make demo}: the example pipeline (source → transform → sink) through the operator, the
 * sidecars and RabbitMQ on this machine, with a live table, ending with exact accounting taken
 * from the source, the sink and what is left in the queues (see {@link RunAccounting}).
 * Everything it starts it stops (also on Ctrl-C); its RabbitMQ vhost, with every queue of the
 * run, is deleted at the end.
 */
public final class Demo {
    static final String NAMESPACE = "streamops-demo";
    static final String SOURCE = "source";
    static final String SINK = "sink";

    /**
     * After Ctrl-C every step of the cleanup has a short bound: the user is waiting, and a JVM
     * that outlives its shutdown hook leaves setsid'd pods and the vhost behind. The pods and the
     * operator get this grace period instead of their own (30 s and 15 s).
     */
    static final Duration CTRL_C_GRACE = Duration.ofSeconds(5);
    private static final Duration CTRL_C_ASK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CTRL_C_QUEUE_READ = Duration.ofSeconds(10);
    /** Longer than the cleanup can take after Ctrl-C; a safety net only, never reached by design. */
    private static final Duration CTRL_C_WAIT_LIMIT = Duration.ofMinutes(5);
    /** A source answers POST /stop once its publishes in flight are done; it waits for them at most 60 s. */
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(70);
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(20);
    private static final Duration QUEUE_READ = Duration.ofSeconds(60);

    private final DemoOptions options;
    private final PrintStream out;
    private volatile boolean interrupted;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** What the run ended with, for the Ctrl-C hook: the JVM's own exit would race the main thread's. */
    private volatile int exitCode = 1;
    /** Guards the one phase in which Ctrl-C interrupts the main thread: waiting for the runtime to start. */
    private final Object startup = new Object();
    private boolean starting;

    public Demo(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public int run() throws Exception {
        Path repo = RepositoryRoot.find(options.repo());
        // Seconds and a random suffix: two demos started in the same second must not share a run directory.
        String runName = "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + UUID.randomUUID().toString().substring(0, 4);
        LocalRuntime.Options runtimeOptions = LocalRuntime.Options.forRepo(repo, runName, false);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            interrupted = true;
            synchronized (startup) {
                if (starting) {
                    main.interrupt();
                }
            }
            try {
                if (!finished.await(CTRL_C_WAIT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                    System.err.println("demo: cleanup did not finish; the next run stops what is left (see "
                            + runtimeOptions.runDir().resolve("started.txt") + ")");
                }
            } catch (InterruptedException ignored) {
                // the JVM is going anyway
            }
            out.flush();
            Runtime.getRuntime().halt(exitCode);
        }, "demo-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("StreamOps local demo: %s readings at %s/s; logs in %s%n",
                options.messages() == 0 ? "unbounded" : options.messages(),
                options.rate() == 0 ? "max" : options.rate(), repo.relativize(runtimeOptions.runDir()));
        RabbitVhost vhost = null;
        LocalRuntime runtime = null;
        try {
            vhost = RabbitVhost.create("streamops-demo");
            LocalRuntime.recordVhost(runtimeOptions, vhost.name());
            out.println("RabbitMQ vhost " + vhost.name() + " on 127.0.0.1:5672 (deleted at the end)");
            out.println("starting the mock Kubernetes API, the operator and the pod runner...");
            runtime = startRuntime(runtimeOptions);
            if (runtime == null || interrupted) {
                out.println("interrupted (Ctrl-C) while starting: stopping");
                exitCode = 130;
                return exitCode;
            }
            PipelineManifests manifests = PipelineManifests.load(runtime.client(), repo.resolve("examples/pipeline"))
                    .withSecretValue("rabbitmq", "uri", vhost.uri())
                    .withEnv(SOURCE, Map.of("MESSAGES", String.valueOf(options.messages()), "RATE", String.valueOf(options.rate())));
            manifests.apply(runtime.client());
            out.println("applied examples/pipeline (the Secret 'rabbitmq' points at the local broker, vhost " + vhost.name() + ")");
            PipelineObserver observer = new PipelineObserver(runtime.client(), runtime.pods(), vhost, NAMESPACE);
            exitCode = watchAndSummarize(runtime, vhost, observer);
            return exitCode;
        } finally {
            if (runtime != null) {
                runtime.close(interrupted ? CTRL_C_GRACE : null);
            }
            if (vhost != null) {
                vhost.close();
            }
            out.flush();
            finished.countDown();
            if (!interrupted) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /**
     * Starts the runtime; Ctrl-C meanwhile interrupts it (waiting up to 90 s for the operator would
     * not be a bounded cleanup), and then the answer is null: start() has stopped what it started.
     */
    private LocalRuntime startRuntime(LocalRuntime.Options runtimeOptions) throws IOException {
        synchronized (startup) {
            starting = !interrupted;
        }
        try {
            return starting ? LocalRuntime.start(runtimeOptions) : null;
        } catch (InterruptedException | IOException | RuntimeException failure) {
            if (interrupted) {
                // However the interrupt surfaced (also as a closed channel or a client error), it was Ctrl-C.
                return null;
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException runtimeFailure) {
                throw runtimeFailure;
            }
            throw new IllegalStateException(failure);
        } finally {
            synchronized (startup) {
                starting = false;
                // An interrupt that arrived just as start() returned is not meant for what follows.
                Thread.interrupted();
            }
        }
    }

    private int watchAndSummarize(LocalRuntime runtime, RabbitVhost vhost, PipelineObserver observer) throws InterruptedException {
        LiveTable table = new LiveTable(out, System.console() != null);
        RunAccounting accounting = new RunAccounting();
        long startNanos = System.nanoTime();
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(options.durationSeconds());
        PipelineObserver.Snapshot previous = null;
        PipelineObserver.Snapshot latest = null;
        boolean complete = false;
        while (!interrupted && System.nanoTime() < deadline) {
            latest = observer.snapshot();
            accounting.observe(latest, SOURCE, SINK);
            table.print(Duration.ofNanos(System.nanoTime() - startNanos), previous, latest);
            previous = latest;
            if (options.messages() > 0 && sourceDone(latest) && accounting.undelivered() == 0) {
                complete = true;
                break;
            }
            sleepUnlessInterrupted(Duration.ofSeconds(options.refreshSeconds()));
        }
        String why = complete ? "all readings arrived" : interrupted ? "interrupted (Ctrl-C)" : "time limit reached";
        out.println();
        out.println("stopping: " + why);
        // Stop emitting (the readings in flight still count), give the pipeline a moment to deliver
        // them (not after Ctrl-C), then freeze the sink's counts: from here on, what it has not
        // counted stays queued, and is found there below.
        accounting.sourceStopped(observer.stopFunctions(SOURCE, interrupted ? CTRL_C_ASK_TIMEOUT : ASK_TIMEOUT));
        long deliveryDeadline = System.nanoTime() + DELIVERY_WAIT.toNanos();
        while (!interrupted && System.nanoTime() < deliveryDeadline && accounting.undelivered() > 0) {
            sleepUninterruptibly(Duration.ofMillis(500));
            latest = observer.snapshot();
            accounting.observe(latest, SOURCE, SINK);
        }
        latest = observer.snapshot();
        accounting.observe(latest, SOURCE, SINK);
        accounting.sinkStopped(observer.stopFunctions(SINK, interrupted ? CTRL_C_ASK_TIMEOUT : ASK_TIMEOUT));
        long processed = latest.stage("transform").map(s -> s.sum("processed")).orElse(0L);
        runtime.close(interrupted ? CTRL_C_GRACE : null);

        // With every consumer gone, unacknowledged messages are back in their queues: read what stayed
        // behind, reading by reading (dead letters too, so a refused reading is not mistaken for a lost one).
        StringBuilder queues = new StringBuilder();
        long readBudgetEnd = System.nanoTime() + (interrupted ? CTRL_C_QUEUE_READ : QUEUE_READ).toNanos();
        for (String topic : latest.depths().keySet()) {
            for (String queue : List.of(topic, topic + ".dlq")) {
                OptionalLong depth = vhost.depth(queue);
                if (depth.isEmpty() || (depth.getAsLong() == 0 && !queue.equals(topic))) {
                    continue;
                }
                queues.append(queues.isEmpty() ? "" : ", ").append(queue).append(' ').append(depth.getAsLong());
                Duration budget = Duration.ofNanos(Math.max(0, readBudgetEnd - System.nanoTime()));
                boolean deadLetters = queue.endsWith(".dlq");
                accounting.unread(vhost.takeAll(queue, budget, body -> accounting.leftInQueue(body, deadLetters)));
            }
        }
        RunAccounting.Summary summary = accounting.summary();
        out.printf("source sent %d readings; transform republished %d; sink received %d distinct%n",
                summary.sent(), processed, summary.received());
        out.println("left in queues after the pipeline stopped: " + queues + " (vhost " + vhost.name() + " is deleted now)");
        out.println("logs: " + runtime.options().repoRoot().relativize(runtime.options().runDir()));
        summary.notes().forEach(out::println);
        out.println(summary.finalLine());
        // 130 after Ctrl-C, as a shell reports a process stopped by SIGINT, unless something was lost.
        return summary.lost() > 0 ? 1 : interrupted ? 130 : 0;
    }

    private static boolean sourceDone(PipelineObserver.Snapshot snapshot) {
        return snapshot.stage(SOURCE).map(s -> !s.functionStats().isEmpty()
                && s.functionStats().stream().allMatch(stats -> stats.path("done").asBoolean())).orElse(false);
    }

    private void sleepUnlessInterrupted(Duration duration) throws InterruptedException {
        long until = System.nanoTime() + duration.toNanos();
        while (!interrupted && System.nanoTime() < until) {
            Thread.sleep(100);
        }
    }

    private static void sleepUninterruptibly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /** The table refreshed in place on a terminal, appended block by block otherwise. */
    static final class LiveTable {
        private final PrintStream out;
        private final boolean terminal;
        private int linesPrinted;

        LiveTable(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        void print(Duration elapsed, PipelineObserver.Snapshot previous, PipelineObserver.Snapshot now) {
            List<String> lines = render(elapsed, previous, now);
            if (terminal && linesPrinted > 0) {
                out.print("\033[" + linesPrinted + "A");
            }
            for (String line : lines) {
                out.print(terminal ? line + "\033[K\n" : line + "\n");
            }
            if (!terminal) {
                out.println();
            }
            out.flush();
            linesPrinted = lines.size();
        }

        static List<String> render(Duration elapsed, PipelineObserver.Snapshot previous, PipelineObserver.Snapshot now) {
            List<String> lines = new ArrayList<>();
            double seconds = previous == null ? 0 : Duration.between(previous.at(), now.at()).toMillis() / 1000.0;
            Map<String, PipelineObserver.Stage> before = new HashMap<>();
            if (previous != null) {
                previous.stages().forEach(s -> before.put(s.name(), s));
            }
            lines.add(String.format("t=%3ds  %-12s %-7s %-12s %9s %9s   %s", elapsed.toSeconds(), "STREAMOPERATOR", "READY", "STATUS", "IN/s", "OUT/s", "FUNCTION"));
            for (PipelineObserver.Stage stage : now.stages()) {
                PipelineObserver.Stage old = before.get(stage.name());
                lines.add(String.format("        %-12s %-7s %-12s %9s %9s   %s", stage.name(),
                        stage.readyReplicas() + "/" + stage.replicas(), stage.ready(),
                        stage.inputTopics().isEmpty() ? "-" : rate(old == null ? null : old.acked(), stage.acked(), seconds),
                        stage.outputTopics().isEmpty() ? "-" : rate(old == null ? null : old.published(), stage.published(), seconds),
                        functionSummary(stage)));
            }
            StringBuilder topics = new StringBuilder("        topics:");
            now.depths().forEach((topic, depth) -> topics.append("  ").append(topic).append('=')
                    .append(depth.isPresent() ? String.valueOf(depth.getAsLong()) : "-"));
            lines.add(topics.toString());
            return lines;
        }

        private static String rate(Double before, double now, double seconds) {
            if (before == null || seconds <= 0) {
                return "…";
            }
            return String.format("%.0f", Math.max(0, now - before) / seconds);
        }

        private static String functionSummary(PipelineObserver.Stage stage) {
            if (stage.functionStats().isEmpty()) {
                return "";
            }
            String role = stage.functionStats().get(0).path("role").asText();
            return switch (role) {
                case "source" -> "sent " + stage.sum("sent") + (stage.sum("retries") > 0 ? " (retries " + stage.sum("retries") + ")" : "");
                case "transform" -> "republished " + stage.sum("processed");
                case "sink" -> "unique " + stage.sum("unique") + ", duplicates " + stage.sum("duplicates");
                default -> "";
            };
        }
    }
}
