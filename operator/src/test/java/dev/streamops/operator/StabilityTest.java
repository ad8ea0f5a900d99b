package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The operator writes only when something changed. Against a real API server that is harder than
 * against the plain mock: the server stores quantities canonically and fills in defaults, so a
 * naive comparison sees a difference at every reconciliation. {@link RealisticApiServer} does both
 * and counts the writes; the reconciliations are counted through JOSDK's metrics, so each test
 * knows that the reconciliations it expects really ran.
 */
class StabilityTest {
    private static final String NS = "sized";
    private static final Duration WAIT = Duration.ofSeconds(40);

    private static final RealisticApiServer dispatcher = new RealisticApiServer();
    private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();
    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static Operator operator;

    /** Held so the level sticks: the mock logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    @BeforeAll
    static void start() throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        client = server.createClient();
        client.resource(TestResources.generatedCrd()).create();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        client.resource(TestResources.brokerSecret(NS, "rabbitmq", "uri")).create();
        operator = StreamOpsOperator.create(client, OperatorConfig.defaults(), METRICS);
        operator.start();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.stop();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    /**
     * Were the operator to send "1000m", it would read back "1", see a difference and update again
     * at every reconciliation.
     */
    @Test
    void nonCanonicalQuantitiesAreStoredCanonicalAndCauseNoUpdates() {
        var sop = TestResources.streamOperator(NS, "sized", "example/sized:1", "in", "out");
        sop.getSpec().setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("1000m"))
                .addToRequests("memory", new Quantity("0.5Gi"))
                .addToLimits("memory", new Quantity("2048Mi"))
                .build());
        var sidecar = new SidecarSpec();
        sidecar.setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("0.25"))
                .addToLimits("memory", new Quantity("1.5Gi"))
                .build());
        sop.getSpec().setSidecar(sidecar);
        client.resource(sop).create();

        var deployment = awaitDeployment("sized");
        assertThat(json(container(deployment, "function").getResources()))
                .isEqualTo("{\"limits\":{\"memory\":\"2Gi\"},\"requests\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}}");
        assertThat(json(container(deployment, "sidecar").getResources()))
                .isEqualTo("{\"limits\":{\"memory\":\"1536Mi\"},\"requests\":{\"cpu\":\"250m\"}}");

        reconcileRepeatedly("sized");
        assertThat(dispatcher.deploymentUpdates("sized")).as("Deployment updates after creation").isZero();
        assertThat(dispatcher.quantityRewrites.get()).as("quantities the API server had to canonicalise").isZero();
    }

    /** Defaults the API server adds (terminationMessagePath, dnsPolicy, probe thresholds, ...) are not changes. */
    @Test
    void serverDefaultedFieldsCauseNoUpdates() {
        var sop = TestResources.streamOperator(NS, "defaulted", "example/defaulted:1", "in-d", "out-d");
        sop.getSpec().setTerminationTopic("done-d");
        sop.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
        // A fieldRef without apiVersion: the API server fills in "v1".
        sop.getSpec().setEnv(List.of(new EnvVar("MODE", "fast", null), new EnvVarBuilder().withName("NODE")
                .withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build()));
        client.resource(sop).create();

        var deployment = awaitDeployment("defaulted");
        assertThat(json(deployment)).as("the simulated server defaults are really there")
                .contains("\"terminationMessagePath\":\"/dev/termination-log\"").contains("\"dnsPolicy\":\"ClusterFirst\"")
                .contains("\"successThreshold\":1").contains("\"imagePullPolicy\":\"IfNotPresent\"")
                .contains("\"progressDeadlineSeconds\":600").contains("\"apiVersion\":\"v1\",\"fieldPath\":\"spec.nodeName\"");

        reconcileRepeatedly("defaulted");
        assertThat(dispatcher.deploymentUpdates("defaulted")).as("Deployment updates after creation").isZero();

        // A real change is written once, and the defaults the server adds to it again cause no more.
        editStreamOperator("defaulted", s -> {
            s.getSpec().setEnv(List.of(new EnvVar("MODE", "fast", null)));
            return s;
        });
        await().atMost(WAIT).until(() -> dispatcher.deploymentUpdates("defaulted") == 1);
        reconcileRepeatedly("defaulted");
        assertThat(dispatcher.deploymentUpdates("defaulted")).as("Deployment updates after the edit").isEqualTo(1);
        assertThat(container(awaitDeployment("defaulted"), "function").getEnv()).extracting(EnvVar::getName)
                .contains("MODE").doesNotContain("NODE");
    }

    /** Reconciliations that observe nothing new leave the status alone; one that does writes it once. */
    @Test
    void statusIsWrittenOnlyWhenItChanges() {
        client.resource(TestResources.streamOperator(NS, "quiet", "example/quiet:1", "in-q", null)).create();
        awaitDeployment("quiet");
        await().atMost(WAIT).until(() -> readyOf("quiet"), "0/1"::equals);
        setDeploymentStatus("quiet", 1, 0, null);
        // Settled: the status reports the Deployment status just written.
        await().atMost(WAIT).until(() -> client.resources(StreamOperator.class).inNamespace(NS).withName("quiet").get()
                .getStatus().condition("Ready").map(c -> c.getMessage().endsWith(", 1 updated")).orElse(false));
        var settled = dispatcher.statusWrites("quiet");

        // Deployment status changes that do not change what the StreamOperator reports.
        for (var reason : List.of("NewReplicaSetCreated", "FoundNewReplicaSet", "ReplicaSetUpdated")) {
            double before = reconciliations("quiet");
            setDeploymentStatus("quiet", 1, 0, reason);
            await().atMost(WAIT).until(() -> reconciliations("quiet") > before);
        }
        assertThat(dispatcher.statusWrites("quiet")).as("status writes without a change").isEqualTo(settled);

        // Now the pod is ready: exactly one write.
        setDeploymentStatus("quiet", 1, 1, "NewReplicaSetAvailable");
        await().atMost(WAIT).until(() -> readyOf("quiet"), "1/1"::equals);
        double before = reconciliations("quiet");
        setDeploymentStatus("quiet", 1, 1, "ReplicaSetUpdated");
        await().atMost(WAIT).until(() -> reconciliations("quiet") > before);
        assertThat(dispatcher.statusWrites("quiet")).as("status writes after the pod became ready").isEqualTo(settled + 1);
    }

    /** Three Deployment status changes, each reconciled (seen in the StreamOperator's status), that change no spec. */
    private static void reconcileRepeatedly(String name) {
        for (int ready : new int[] {1, 0, 1}) {
            setDeploymentStatus(name, 1, ready, null);
            await().atMost(WAIT).until(() -> readyOf(name), (ready + "/1")::equals);
        }
    }

    private static String readyOf(String name) {
        var sop = client.resources(StreamOperator.class).inNamespace(NS).withName(name).get();
        return sop == null || sop.getStatus() == null ? null : sop.getStatus().getReady();
    }

    /** Successful reconciliations of the named StreamOperator, from JOSDK's metrics. */
    private static double reconciliations(String name) {
        return METRICS.find("operator.sdk.reconciliations.success").tag("name", name).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static void setDeploymentStatus(String name, int replicas, int ready, String progressingReason) {
        var current = client.apps().deployments().inNamespace(NS).withName(name).get();
        var status = new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(ready).withUpdatedReplicas(replicas)
                .withAvailableReplicas(ready).withObservedGeneration(current.getMetadata().getGeneration());
        if (progressingReason != null) {
            status.withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                    .withReason(progressingReason).build());
        }
        current.setStatus(status.build());
        client.resource(current).updateStatus();
    }

    private static StreamOperator editStreamOperator(String name, UnaryOperator<StreamOperator> edit) {
        return await().atMost(WAIT).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
                .until(() -> client.resources(StreamOperator.class).inNamespace(NS).withName(name).edit(edit), Objects::nonNull);
    }

    private static Deployment awaitDeployment(String name) {
        return await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(NS).withName(name).get(),
                Objects::nonNull);
    }

    private static String json(Object o) {
        return client.getKubernetesSerialization().asJson(o);
    }

    private static Container container(Deployment d, String name) {
        var pod = d.getSpec().getTemplate().getSpec();
        return java.util.stream.Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream())
                .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }
}
