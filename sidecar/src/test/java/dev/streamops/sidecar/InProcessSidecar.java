package dev.streamops.sidecar;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/** A sidecar started in the test JVM (same code path as Main, minus the exit on fatal errors). */
public final class InProcessSidecar implements AutoCloseable {

    public final Sidecar sidecar;
    public final SidecarClient client;
    public final AtomicReference<String> fatal = new AtomicReference<>();

    private InProcessSidecar(Map<String, String> env) {
        sidecar = Sidecar.start(SidecarConfig.fromEnvironment(env), fatal::set);
        client = new SidecarClient(sidecar.apiPort(), sidecar.managementPort());
    }

    public static InProcessSidecar start(Map<String, String> env) {
        return new InProcessSidecar(env);
    }

    public static InProcessSidecar startReady(Map<String, String> env) {
        InProcessSidecar running = new InProcessSidecar(env);
        await().atMost(Duration.ofSeconds(20)).until(running.client::ready);
        return running;
    }

    @Override
    public void close() {
        sidecar.close();
    }
}
