package dev.streamops.local.pods;

import dev.streamops.local.pods.testing.EnvEchoServer;
import dev.streamops.local.runtime.LocalRuntime;
import dev.streamops.local.runtime.MockApiServer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pod runner as a kubelet, with no operator: hand-written Deployments in the mock API run as
 * local processes with the environment, probes, restarts, scaling, rollouts, deletion and
 * garbage collection a cluster would give them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodRunnerIT {
    private static final String NS = "runner-test";
    private static final String IMAGE = "test/env-echo:1";
    private static MockApiServer api;
    private static PodRunner runner;
    private static KubernetesClient client;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path repo = Path.of(System.getProperty("streamops.repo", "..")).toAbsolutePath().normalize();
        api = MockApiServer.start(List.of(repo.resolve("crds/streamoperators.streamops.dev-v1.yml")));
        client = api.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
                .addToStringData("token", "t0ps3cret").build()).create();
        String testClasses = Path.of(EnvEchoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        ImageMap images = new ImageMap(Map.of(IMAGE, new ImageMap.ImageCommand(
                List.of("java", "-XX:TieredStopAtLevel=1", "-cp", testClasses, EnvEchoServer.class.getName()), List.of())));
        Path runDir = repo.resolve("localrun/target/localrun/PodRunnerIT");
        LocalPod.Host host = new LocalPod.Host(images, new EnvResolver(new ApiObjectLookup(client)), repo,
                runDir.resolve("pods"), LocalRuntime.javaCommand(), Map.of("PATH", System.getenv("PATH")), new ProcessLedger(runDir));
        runner = new PodRunner(client, host, new PodIpAllocator(201), message -> System.out.println("[runner] " + message));
        runner.start();
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private static Deployment deployment(String name, int replicas, String version, String secretName) {
        return deployment(name, replicas, version, secretName, 0);
    }

    private static Deployment deployment(String name, int replicas, String version, String secretName, long shutdownDelayMillis) {
        Container sidecar = new ContainerBuilder().withName("helper").withImage(IMAGE).withRestartPolicy("Always")
                .addNewEnv().withName("PORT").withValue("9001").endEnv()
                .addNewEnv().withName("SHUTDOWN_DELAY_MS").withValue(String.valueOf(shutdownDelayMillis)).endEnv()
                .withNewStartupProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(9001)).endHttpGet()
                .withPeriodSeconds(1).withFailureThreshold(30).endStartupProbe()
                .build();
        Container main = new ContainerBuilder().withName("main").withImage(IMAGE)
                .addNewPort().withName("http").withContainerPort(9002).endPort()
                .addNewEnv().withName("PORT").withValue("9002").endEnv()
                .addNewEnv().withName("VERSION").withValue(version).endEnv()
                .addNewEnv().withName("SHUTDOWN_DELAY_MS").withValue(String.valueOf(shutdownDelayMillis)).endEnv()
                .addNewEnv().withName("MY_POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MY_POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("TOKEN").withNewValueFrom().withNewSecretKeyRef("token", secretName, false).endValueFrom().endEnv()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(1).endReadinessProbe()
                .build();
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withInitContainers(sidecar).withContainers(main).withTerminationGracePeriodSeconds(5L).endSpec()
                .endTemplate().endSpec().build();
    }

    private static Deployment current(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private static Map<String, String> envOf(LocalPod.View pod) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://" + pod.ip() + ":9002/env")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.contains("=")).collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')),
                l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
    }

    @Test
    @Order(1)
    void runsEachReplicaAsProcessesWithItsOwnIpAndResolvedEnvAndReportsReadiness() throws Exception {
        client.resource(deployment("echo", 2, "v1", "creds")).create();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Deployment d = current("echo");
            assertThat(d.getStatus()).isNotNull();
            assertThat(d.getStatus().getReadyReplicas()).isEqualTo(2);
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
        });
        List<LocalPod.View> pods = runner.pods(NS, "echo");
        assertThat(pods).hasSize(2);
        assertThat(pods.stream().map(LocalPod.View::ip).collect(Collectors.toSet())).hasSize(2);
        for (LocalPod.View pod : pods) {
            assertThat(pod.ip()).startsWith("127.201.");
            assertThat(pod.containers()).extracting(LocalPod.ContainerView::name).containsExactly("helper", "main");
            Map<String, String> env = envOf(pod);
            assertThat(env).containsEntry("MY_POD_IP", pod.ip()).containsEntry("MY_POD_NAME", pod.name())
                    .containsEntry("HOSTNAME", pod.name()).containsEntry("LISTEN_ADDRESS", pod.ip())
                    .containsEntry("TOKEN", "t0ps3cret").containsEntry("VERSION", "v1");
            assertThat(env.keySet()).as("nothing of the host's environment but PATH leaks into a container")
                    .isSubsetOf(Set.of("PATH", "HOSTNAME", "LISTEN_ADDRESS", "PORT", "VERSION", "SHUTDOWN_DELAY_MS", "MY_POD_IP", "MY_POD_NAME", "TOKEN"));
            assertThat(pod.name()).startsWith("echo-" + pod.templateHash() + "-");
        }
        assertThat(current("echo").getStatus().getConditions()).anyMatch(c -> c.getType().equals("Available") && c.getStatus().equals("True"));
    }

    @Test
    @Order(2)
    void restartsAKilledContainerLikeTheKubelet() {
        LocalPod.View pod = runner.pods(NS, "echo").get(0);
        long pid = pod.container("main").orElseThrow().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            LocalPod.ContainerView main = runner.pods(NS, "echo").stream().filter(p -> p.name().equals(pod.name()))
                    .findFirst().orElseThrow().container("main").orElseThrow();
            assertThat(main.restarts()).isEqualTo(1);
            assertThat(main.pid()).isPositive().isNotEqualTo(pid);
            assertThat(main.ready()).isTrue();
        });
        assertThat(runner.pods(NS, "echo")).extracting(LocalPod.View::name).contains(pod.name());
    }

    @Test
    @Order(3)
    void scalesDownAndRollsOutATemplateChange() {
        List<Long> before = runner.pods(NS, "echo").stream().flatMap(p -> p.containers().stream()).map(LocalPod.ContainerView::pid).toList();
        client.apps().deployments().inNamespace(NS).withName("echo").scale(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(runner.pods(NS, "echo")).hasSize(1);
            assertThat(current("echo").getStatus().getReplicas()).isEqualTo(1);
        });
        String oldHash = runner.pods(NS, "echo").get(0).templateHash();
        client.apps().deployments().inNamespace(NS).withName("echo").edit(d -> deployment("echo", 1, "v2", "creds"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<LocalPod.View> pods = runner.pods(NS, "echo");
            assertThat(pods).hasSize(1);
            assertThat(pods.get(0).templateHash()).isNotEqualTo(oldHash);
            assertThat(pods.get(0).ready()).isTrue();
            assertThat(envOf(pods.get(0))).containsEntry("VERSION", "v2");
            Deployment d = current("echo");
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(1);
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(before).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse()));
    }

    @Test
    @Order(4)
    void aMissingSecretKeepsThePodWaitingUntilTheSecretExists() {
        Deployment waiting = deployment("waiting", 1, "v1", "late-secret");
        waiting.getSpec().setProgressDeadlineSeconds(3);
        client.resource(waiting).create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(runner.pods(NS, "waiting")).singleElement()
                        .satisfies(p -> assertThat(p.waitingReason()).isEqualTo("CreateContainerConfigError: env TOKEN: secret \"late-secret\" not found")));
        assertThat(current("waiting").getStatus().getReadyReplicas()).isZero();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(current("waiting").getStatus().getConditions())
                .anyMatch(c -> c.getType().equals("Progressing") && c.getStatus().equals("False") && c.getReason().equals("ProgressDeadlineExceeded")));
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("late-secret").endMetadata()
                .addToStringData("token", "later").build()).create();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(current("waiting").getStatus().getReadyReplicas()).isEqualTo(1);
            assertThat(current("waiting").getStatus().getConditions())
                    .anyMatch(c -> c.getType().equals("Progressing") && c.getStatus().equals("True") && c.getReason().equals("NewReplicaSetAvailable"));
        });
    }

    @Test
    @Order(5)
    void deletingADeploymentOrItsOwnerStopsItsProcesses() {
        List<Long> pids = runner.pods(NS, "echo").stream().flatMap(p -> p.containers().stream()).map(LocalPod.ContainerView::pid).toList();
        assertThat(pids).isNotEmpty().allMatch(pid -> pid > 0);
        client.apps().deployments().inNamespace(NS).withName("echo").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(runner.pods(NS, "echo")).isEmpty();
            assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        });

        // Owned by a StreamOperator that does not exist: the garbage collector removes it.
        Deployment orphan = new DeploymentBuilder(deployment("orphan", 1, "v1", "creds")).editMetadata()
                .addNewOwnerReference().withApiVersion("streamops.dev/v1alpha1").withKind("StreamOperator").withName("gone")
                .withUid("no-such-uid").withController(true).endOwnerReference().endMetadata().build();
        client.resource(orphan).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(current("orphan")).isNull();
            assertThat(runner.pods(NS, "orphan")).isEmpty();
        });
    }

    @Test
    @Order(6)
    void closeWaitsForPodsThatWereAlreadyShuttingDown() {
        client.resource(deployment("slow", 1, "v1", "creds", 3000)).create();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(runner.pods(NS, "slow")).singleElement()
                .satisfies(pod -> assertThat(pod.ready()).isTrue()));
        List<Long> pids = runner.pods(NS, "slow").get(0).containers().stream().map(LocalPod.ContainerView::pid).toList();
        client.apps().deployments().inNamespace(NS).withName("slow").scale(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.terminatingPods() > 0);

        // Each container takes 3 s to exit after SIGTERM: close() must wait for them, not leave them running.
        runner.close();

        assertThat(runner.terminatingPods()).isZero();
        assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("pid " + pid + " after close()").isFalse());
    }
}
