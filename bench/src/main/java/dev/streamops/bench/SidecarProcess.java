package dev.streamops.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One sidecar as a real, separate JVM ({@code java <Dockerfile flags> -jar sidecar.jar}) on
 * 127.0.0.1 with free ports, its output in a log file under target/bench/logs.
 */
final class SidecarProcess implements AutoCloseable {
    private final Process process;
    private final long startedNanos;
    private final int apiPort;
    private final int managementPort;
    private final Path log;
    private final String name;

    private SidecarProcess(Process process, long startedNanos, int apiPort, int managementPort, Path log, String name) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.apiPort = apiPort;
        this.managementPort = managementPort;
        this.log = log;
        this.name = name;
    }

    /** Starts a sidecar; {@code env} holds the topic, broker and push settings of this run. */
    static SidecarProcess start(JvmLauncher launcher, String name, Map<String, String> env, Path logDir) throws IOException {
        int api = freePort();
        int management = freePort();
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(launcher.command(List.of()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        // Only what we set reaches the sidecar: a stray INPUT_TOPIC or RABBITMQ_URI in the shell must not.
        Map<String, String> keep = new HashMap<>();
        for (String inherited : List.of("PATH", "HOME", "LANG", "TZ")) {
            if (environment.containsKey(inherited)) keep.put(inherited, environment.get(inherited));
        }
        environment.clear();
        environment.putAll(keep);
        environment.put("API_PORT", Integer.toString(api));
        environment.put("MANAGEMENT_PORT", Integer.toString(management));
        environment.put("LISTEN_ADDRESS", "127.0.0.1");
        environment.put("MY_POD_NAME", name);
        environment.put("MY_POD_NAMESPACE", "bench");
        environment.putAll(env);
        long started = System.nanoTime();
        Process process = builder.start();
        return new SidecarProcess(process, started, api, management, log, name);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int apiPort() {
        return apiPort;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Polls GET /readyz every 5 ms and returns the time from process start to the first 200.
     * Fails with the end of the sidecar's log when it exits or is not ready within {@code timeout}.
     */
    Duration awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = startedNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sidecar " + name + " exited with code " + process.exitValue()
                        + " before it was ready:\n" + logTail());
            }
            try (HttpConnection http = new HttpConnection("127.0.0.1", managementPort, 2_000)) {
                if (http.get("/readyz").status() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
            } catch (IOException notYet) {
                // port not open yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("sidecar " + name + " not ready within " + timeout.toMillis() + " ms:\n" + logTail());
    }

    long rssBytes() {
        return ProcessMemory.rssBytes(process.pid());
    }

    /** GET /get_message: starts push delivery; fails unless the sidecar answers 200. */
    void startPush() throws IOException {
        try (HttpConnection http = new HttpConnection("127.0.0.1", apiPort, 10_000)) {
            HttpConnection.Response response = http.get("/get_message");
            if (response.status() != 200) {
                throw new IllegalStateException("GET /get_message on sidecar " + name + " answered " + response.status()
                        + ": " + response.text());
            }
        }
    }

    String metrics() throws IOException {
        try (HttpConnection http = new HttpConnection("127.0.0.1", managementPort, 10_000)) {
            return http.get("/metrics").text();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (the sidecar drains and exits within 10 s by contract), then SIGKILL if it did not. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(12, TimeUnit.SECONDS)) {
                System.err.println("bench: sidecar " + name + " ignored SIGTERM for 12 s; killing it");
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
