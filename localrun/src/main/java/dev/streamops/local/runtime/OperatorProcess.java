package dev.streamops.local.runtime;

import dev.streamops.local.pods.ProcessLedger;
import dev.streamops.local.pods.Sessions;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator exactly as it is shipped: {@code java -jar operator/target/operator.jar}, its own
 * JVM, its own configuration path (environment), pointed at the local API through Fabric8's own
 * auto-configuration ({@code KUBERNETES_MASTER}; no kubeconfig, no service account).
 */
public final class OperatorProcess implements AutoCloseable {
    private final Process process;
    private final int healthPort;

    private OperatorProcess(Process process, int healthPort) {
        this.process = process;
        this.healthPort = healthPort;
    }

    public static OperatorProcess start(String javaCommand, Path operatorJar, String apiUrl, int healthPort,
                                        Map<String, String> extraEnv, Path workDir, Path logFile,
                                        ProcessLedger ledger) throws IOException {
        if (!Files.isRegularFile(operatorJar)) {
            throw new IllegalStateException(operatorJar + " does not exist: build it first (make build)");
        }
        List<String> command = new ArrayList<>(List.of(javaCommand, "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-jar", operatorJar.toString()));
        ProcessBuilder builder = new ProcessBuilder(Sessions.detached(command)).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("KUBERNETES_") || name.equals("KUBECONFIG"));
        env.putAll(environment(apiUrl, healthPort));
        env.putAll(extraEnv);
        Files.createDirectories(logFile.getParent());
        Process started = builder.start();
        ledger.process(started);
        return new OperatorProcess(started, healthPort);
    }

    /** The operator's environment in the local runtime: where the API is, and the operator's own settings. */
    static Map<String, String> environment(String apiUrl, int healthPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBERNETES_MASTER", apiUrl);
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBERNETES_NAMESPACE", "streamops-system");
        env.put("KUBERNETES_HTTP2_DISABLE", "true");
        env.put("LEADER_ELECTION_NAMESPACE", "streamops-system");
        env.put("HEALTH_PORT", String.valueOf(healthPort));
        return env;
    }

    /** Waits for /readyz on the operator's health port; fails early when the process died. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with code " + process.exitValue() + " (see its log)");
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + healthPort + "/readyz").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(1000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the operator did not become ready within " + timeout.toSeconds() + " s (see its log)");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    static final Duration GRACE = Duration.ofSeconds(15);

    @Override
    public void close() {
        close(GRACE);
    }

    /** SIGTERM, then SIGKILL when the operator has not exited within {@code grace}. */
    public void close(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
