package dev.streamops.local;

import dev.streamops.local.demo.PipelineManifests;
import dev.streamops.local.demo.PipelineObserver;
import dev.streamops.local.pods.LocalPod;
import dev.streamops.local.runtime.LocalRuntime;
import dev.streamops.local.runtime.RabbitVhost;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.Resource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example pipeline as the end-to-end tests run it: a vhost of its own, the local runtime
 * (mock API, the real operator jar, the pod runner with the real sidecar and function jars), and
 * examples/pipeline applied with a chosen message count, rate and replicas.
 */
final class PipelineFixture implements AutoCloseable {
    static final String NAMESPACE = "streamops-demo";

    final Path repo;
    final RabbitVhost vhost;
    final LocalRuntime runtime;
    final PipelineObserver observer;

    private PipelineFixture(Path repo, RabbitVhost vhost, LocalRuntime runtime) {
        this.repo = repo;
        this.vhost = vhost;
        this.runtime = runtime;
        this.observer = new PipelineObserver(runtime.client(), runtime.pods(), vhost, NAMESPACE);
    }

    static PipelineFixture start(String testName) throws Exception {
        Path repo = Path.of(System.getProperty("streamops.repo", "..")).toAbsolutePath().normalize();
        RabbitVhost vhost = RabbitVhost.create("streamops-test-" + testName.toLowerCase());
        try {
            LocalRuntime.Options options = LocalRuntime.Options.forRepo(repo, testName + "-" + vhost.name(), true);
            LocalRuntime.recordVhost(options, vhost.name());
            LocalRuntime runtime = LocalRuntime.start(options);
            return new PipelineFixture(repo, vhost, runtime);
        } catch (Exception | Error failure) {
            vhost.close();
            throw failure;
        }
    }

    PipelineManifests manifests(long messages, int rate) throws Exception {
        return PipelineManifests.load(runtime.client(), repo.resolve("examples/pipeline"))
                .withSecretValue("rabbitmq", "uri", vhost.uri())
                .withEnv("source", Map.of("MESSAGES", String.valueOf(messages), "RATE", String.valueOf(rate)));
    }

    Resource<GenericKubernetesResource> streamOperator(String name) {
        return runtime.client().genericKubernetesResources(PipelineObserver.STREAM_OPERATORS).inNamespace(NAMESPACE).withName(name);
    }

    @SuppressWarnings("unchecked")
    void scale(String name, int replicas) {
        streamOperator(name).edit(so -> {
            ((Map<String, Object>) so.getAdditionalProperties().get("spec")).put("replicas", replicas);
            return so;
        });
    }

    /** Waits until the StreamOperator's status (written by the operator) and the running pods show this many ready replicas. */
    void awaitReady(String name, int replicas, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            PipelineObserver.Stage stage = observer.snapshot().stage(name).orElseThrow();
            assertThat(stage.replicas()).isEqualTo(replicas);
            assertThat(stage.readyReplicas()).as(name + " ready replicas in the StreamOperator status").isEqualTo(replicas);
            assertThat(runtime.pods().pods(NAMESPACE, name)).hasSize(replicas).allMatch(LocalPod.View::ready);
        });
    }

    /** Waits until the operator has written the condition Ready=True (reason Available) for the StreamOperator's current spec. */
    void awaitReadyCondition(String name, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(readyCondition(name)).as(name + ": status.conditions[type=Ready]")
                        .containsEntry("status", "True").containsEntry("reason", "Available"));
    }

    /** The StreamOperator's {@code status.conditions} entry of type Ready, when its status is about the current spec. */
    @SuppressWarnings("unchecked")
    Map<String, Object> readyCondition(String name) {
        GenericKubernetesResource so = streamOperator(name).get();
        Map<String, Object> status = (Map<String, Object>) so.getAdditionalProperties().getOrDefault("status", Map.of());
        assertThat(((Number) status.getOrDefault("observedGeneration", -1)).longValue())
                .as(name + " status.observedGeneration").isEqualTo(so.getMetadata().getGeneration());
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
        return conditions.stream().filter(c -> "Ready".equals(c.get("type"))).findFirst().orElse(Map.of());
    }

    /** Waits until the source is done and the sink holds every reading it sent; returns the final snapshot. */
    PipelineObserver.Snapshot awaitAllDelivered(long messages, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            PipelineObserver.Snapshot now = observer.snapshot();
            PipelineObserver.Stage source = now.stage("source").orElseThrow();
            PipelineObserver.Stage sink = now.stage("sink").orElseThrow();
            assertThat(source.sum("sent")).as("source sent").isEqualTo(messages);
            assertThat(sink.sum("unique")).as("sink unique").isEqualTo(messages);
        });
        return observer.snapshot();
    }

    /** Ready and unacknowledged messages of a queue, as the broker counts them ({@code rabbitmqctl list_queues}). */
    record QueueCounts(long ready, long unacknowledged) {
    }

    QueueCounts counts(String queue) throws Exception {
        Process list = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "-p", vhost.name(),
                "name", "messages_ready", "messages_unacknowledged").redirectErrorStream(true).start();
        String out = new String(list.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(list.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return out.lines().map(line -> line.trim().split("\\s+")).filter(f -> f.length == 3 && f[0].equals(queue))
                .map(f -> new QueueCounts(Long.parseLong(f[1]), Long.parseLong(f[2]))).findFirst()
                .orElseThrow(() -> new AssertionError("no queue " + queue + " in: " + out));
    }

    List<LocalPod.View> pods(String name) {
        return runtime.pods().pods(NAMESPACE, name);
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } finally {
            vhost.close();
        }
    }
}
