package dev.streamops.sidecar;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The sidecar as its own JVM (java -cp <test classpath> dev.streamops.sidecar.Main), so tests can send it
 * real signals: destroy() is SIGTERM, destroyForcibly() is SIGKILL.
 */
public final class SidecarProcess implements AutoCloseable {

    public final Process process;
    public final SidecarClient client;
    private final File log;

    private SidecarProcess(Map<String, String> env) throws IOException {
        Map<String, String> withPorts = new HashMap<>(env);
        int api = freePort();
        int management = freePort();
        withPorts.put("API_PORT", Integer.toString(api));
        withPorts.put("MANAGEMENT_PORT", Integer.toString(management));
        log = File.createTempFile("sidecar-process", ".log");
        log.deleteOnExit();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.streamops.sidecar.Main")
                .redirectErrorStream(true)
                .redirectOutput(log);
        builder.environment().clear();
        builder.environment().putAll(withPorts);
        process = builder.start();
        client = new SidecarClient(api, management);
    }

    public static SidecarProcess start(Map<String, String> env) throws IOException {
        return new SidecarProcess(env);
    }

    public static SidecarProcess startReady(Map<String, String> env) throws IOException {
        SidecarProcess sidecar = new SidecarProcess(env);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!sidecar.process.isAlive()) {
                throw new AssertionError("sidecar exited: " + sidecar.output());
            }
            return sidecar.client.ready();
        });
        return sidecar;
    }

    public String output() {
        try {
            return Files.readString(log.toPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    public boolean exitedWithin(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
