package dev.streamops.operator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code java -jar operator.jar} runs the operator; {@code java -jar operator.jar render -f FILE}
 * prints the Deployments for the StreamOperators in FILE. Exit 2 on invalid configuration or input.
 */
public final class Main {
    static final int EXIT_INVALID = 2;
    private static final String USAGE = "usage: operator.jar [run] | render -f FILE";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || (args.length == 1 && args[0].equals("run"))) {
            System.exit(run(System.getenv(), System.err));
        }
        System.exit(execute(args, System.getenv(), System.out, System.err));
    }

    /** Every command but {@code run} (which never returns while the operator runs). */
    static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 3 && args[0].equals("render") && args[1].equals("-f")) {
            return render(Path.of(args[2]), env, out, err);
        }
        err.println(USAGE);
        return EXIT_INVALID;
    }

    static int render(Path file, Map<String, String> env, PrintStream out, PrintStream err) {
        OperatorConfig config;
        try {
            // Leader election does not matter for render; do not demand its namespace.
            var renderEnv = new HashMap<>(env);
            renderEnv.put("LEADER_ELECTION", "false");
            config = OperatorConfig.fromEnvironment(renderEnv);
        } catch (IllegalArgumentException e) {
            err.println("invalid configuration: " + e.getMessage());
            return EXIT_INVALID;
        }
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            err.println("render: " + file + ": no such file");
            return EXIT_INVALID;
        } catch (IOException e) {
            err.println("render: " + file + ": " + e.getMessage());
            return EXIT_INVALID;
        }
        try {
            out.print(new Renderer(config).render(yaml));
            out.flush();
            return 0;
        } catch (Renderer.InvalidInputException e) {
            err.println("render: " + file + ": " + e.getMessage());
            return EXIT_INVALID;
        }
    }

    /** "outer: inner: root" in one line: JOSDK wraps the useful message a few levels down. */
    static String causes(Throwable e) {
        var text = new StringBuilder(String.valueOf(e.getMessage()));
        for (var cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage().strip().replaceAll("\\s*\\n\\s*", " "));
            }
        }
        return text.toString();
    }

    /** Runs the operator until the JVM shuts down; returns only on a failure to start. */
    static int run(Map<String, String> env, PrintStream err) {
        OperatorConfig config;
        try {
            config = OperatorConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err.println("invalid configuration: " + e.getMessage());
            return EXIT_INVALID;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        // Fabric8's own auto-configuration: in-cluster service account, KUBECONFIG or KUBERNETES_MASTER.
        var client = new KubernetesClientBuilder().build();
        var operator = StreamOpsOperator.create(client, config, registry);
        try (var health = HealthServer.start(config.healthPort(),
                () -> !operator.getRuntimeInfo().isStarted() || operator.getRuntimeInfo().allEventSourcesAreHealthy(),
                () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
                registry::scrape)) {
            log.info("StreamOps operator: sidecar image {}, namespaces {}, native sidecar {}, leader election {}, health port {}",
                    config.sidecarImage(), config.watchAllNamespaces() ? "all" : config.watchNamespaces(),
                    config.nativeSidecar(), config.leaderElection(), health.port());
            var stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                operator.stop();
                client.close();
                stopped.countDown();
            }, "shutdown"));
            operator.start();
            stopped.await();
            return 0;
        } catch (IOException e) {
            err.println("cannot serve health endpoints on HEALTH_PORT " + config.healthPort() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            err.println("operator failed to start: " + causes(e));
            log.debug("start failure", e);
            return 1;
        }
    }
}
