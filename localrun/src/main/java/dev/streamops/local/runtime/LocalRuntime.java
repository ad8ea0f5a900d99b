package dev.streamops.local.runtime;

import dev.streamops.local.pods.ApiObjectLookup;
import dev.streamops.local.pods.EnvResolver;
import dev.streamops.local.pods.ImageMap;
import dev.streamops.local.pods.LocalPod;
import dev.streamops.local.pods.PodIpAllocator;
import dev.streamops.local.pods.PodRunner;
import dev.streamops.local.pods.ProcessLedger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A one-machine Kubernetes for StreamOps: the mock API server with the CRDs, the operator as
 * its own process against it, and the pod runner executing the Deployments it creates. Used by
 * {@code demo} and the end-to-end tests; {@link #close()} stops everything it started.
 */
public final class LocalRuntime implements AutoCloseable {
    /** Where the repository is and where this run writes its logs. */
    public record Options(Path repoRoot, Path runDir, boolean echoEvents, Map<String, String> operatorEnv) {
        public Options {
            repoRoot = repoRoot.toAbsolutePath().normalize();
            runDir = runDir.toAbsolutePath().normalize();
            operatorEnv = Map.copyOf(operatorEnv);
        }

        public static Options forRepo(Path repoRoot, String runName, boolean echoEvents) {
            Path runDir = repoRoot.resolve("localrun/target/localrun").resolve(runName);
            return new Options(repoRoot, runDir, echoEvents, Map.of());
        }
    }

    public static final String OPERATOR_NAMESPACE = "streamops-system";

    private final Options options;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Consumer<String> events;
    private final PodIpAllocator ips;
    private final ProcessLedger ledger;
    private MockApiServer api;
    private OperatorProcess operator;
    private PodRunner runner;

    private LocalRuntime(Options options) throws IOException {
        this.options = options;
        Files.createDirectories(options.runDir());
        Path eventLog = options.runDir().resolve("events.log");
        PrintStream echo = System.out;
        this.events = message -> {
            String line = Instant.now() + " " + message;
            try {
                Files.writeString(eventLog, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // the event log is a convenience; the processes keep their own logs
            }
            if (options.echoEvents()) {
                echo.println("[localrun] " + message);
            }
        };
        // A /16 of its own in 127.0.0.0/8, so runtimes side by side (parallel tests) never share an IP.
        this.ips = new PodIpAllocator(ThreadLocalRandom.current().nextInt(16, 255));
        this.ledger = new ProcessLedger(options.runDir());
    }

    public static LocalRuntime start(Options options) throws IOException, InterruptedException {
        LocalRuntime runtime = new LocalRuntime(options);
        try {
            runtime.startAll();
            return runtime;
        } catch (IOException | InterruptedException | RuntimeException failure) {
            // Interrupted (Ctrl-C while starting): stop what was started without the interrupt
            // cutting every wait for a process short, then let the caller see it again.
            boolean interrupted = Thread.interrupted();
            runtime.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw failure;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        Path repo = options.repoRoot();
        reapAbandonedRuns();
        List<Path> crds;
        try (Stream<Path> files = Files.list(repo.resolve("crds"))) {
            crds = files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        }
        if (crds.isEmpty()) {
            throw new IllegalStateException("no CRD under " + repo.resolve("crds") + ": build the operator first (make build)");
        }
        api = MockApiServer.start(crds);
        started.add(api);
        events.accept("API server " + api.url() + " with " + crds.size() + " CRD(s); pod network " + ips.network());
        KubernetesClient client = api.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(OPERATOR_NAMESPACE).endMetadata().build()).create();

        String java = javaCommand();
        ImageMap images = ImageMap.load(repo.resolve("examples/local-images.yaml")).pulled(repo, options.runDir().resolve("images"));
        LocalPod.Host host = new LocalPod.Host(images,
                new EnvResolver(new ApiObjectLookup(client)), repo, options.runDir().resolve("pods"), java,
                baseEnvironment(), ledger);
        runner = new PodRunner(client, host, ips, events);
        runner.start();
        started.add(runner);

        int healthPort = freePort();
        Path operatorJar = repo.resolve("operator/target/operator.jar");
        if (Files.isRegularFile(operatorJar)) {
            // The operator's "image" too: a copy, so a rebuild does not change the running operator.
            Path pulledJar = options.runDir().resolve("images/operator/target/operator.jar");
            Files.createDirectories(pulledJar.getParent());
            operatorJar = Files.copy(operatorJar, pulledJar, StandardCopyOption.REPLACE_EXISTING);
        }
        operator = OperatorProcess.start(java, operatorJar, api.url(), healthPort,
                options.operatorEnv(), repo, options.runDir().resolve("operator.log"), ledger);
        started.add(operator);
        events.accept("operator pid " + operator.pid() + ", health port " + healthPort);
        operator.awaitReady(Duration.ofSeconds(90));
        events.accept("operator ready");
    }

    /** A run that was killed before it could stop its processes: stop them and drop its vhost now. */
    private void reapAbandonedRuns() throws IOException, InterruptedException {
        for (ProcessLedger.Reaped run : ProcessLedger.reapAbandoned(options.runDir().getParent())) {
            events.accept("cleaned up after abandoned run " + run.run().getFileName() + ": " + run.processes()
                    + " process(es) killed, vhost(s) " + run.vhosts());
            for (String vhost : run.vhosts()) {
                RabbitVhost.deleteQuietly(vhost);
            }
        }
    }

    /** Records a RabbitMQ vhost as belonging to this run (deleted by the next run if this one is killed). */
    public static void recordVhost(Options options, String vhost) throws IOException {
        new ProcessLedger(options.runDir()).vhost(vhost);
    }

    public KubernetesClient client() {
        return api.client();
    }

    public PodRunner pods() {
        return runner;
    }

    public Options options() {
        return options;
    }

    public boolean operatorAlive() {
        return operator != null && operator.isAlive();
    }

    public void event(String message) {
        events.accept(message);
    }

    /** Stops the pods, then the operator, then the API server (reverse order of start). */
    @Override
    public void close() {
        close(null);
    }

    /**
     * Like {@link #close()}, with every grace period (pods, operator) cut to {@code graceCap} when
     * that is shorter (null: their own), for a shutdown that must end in bounded time (Ctrl-C).
     */
    public void close(Duration graceCap) {
        List<AutoCloseable> reverse = new ArrayList<>(started);
        java.util.Collections.reverse(reverse);
        // Pods first so no function outlives the runtime, then the operator and the API.
        reverse.sort((a, b) -> Boolean.compare(!(a instanceof PodRunner), !(b instanceof PodRunner)));
        for (AutoCloseable part : reverse) {
            try {
                if (graceCap != null && part instanceof PodRunner pods) {
                    pods.close(graceCap);
                } else if (graceCap != null && part instanceof OperatorProcess operatorProcess) {
                    operatorProcess.close(graceCap.compareTo(OperatorProcess.GRACE) < 0 ? graceCap : OperatorProcess.GRACE);
                } else {
                    part.close();
                }
            } catch (Exception failure) {
                events.accept("while stopping " + part.getClass().getSimpleName() + ": " + failure);
            }
        }
        started.clear();
        deletePulledImages();
    }

    /** The pulled copies are only needed while the containers run; logs stay. */
    private void deletePulledImages() {
        Path images = options.runDir().resolve("images");
        if (!Files.isDirectory(images)) {
            return;
        }
        try (Stream<Path> files = Files.walk(images)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException leftOver) {
            events.accept("could not delete " + images + ": " + leftOver.getMessage());
        }
    }

    /** What an image would bring: a PATH (to find java), a HOME and a locale; nothing else leaks from the host. */
    private static Map<String, String> baseEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> hostEnv = System.getenv();
        env.put("PATH", hostEnv.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", hostEnv.getOrDefault("HOME", "/tmp"));
        env.put("LANG", "C.UTF-8");
        return env;
    }

    public static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
