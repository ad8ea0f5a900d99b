package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;

/**
 * A StreamOperator written with non-canonical quantities must not make the operator update its
 * Deployment over and over. The Fabric8 mock stores quantities as sent, so this test's API server
 * does what a real one does to them: it stores the canonical form (a fixed table of Kubernetes'
 * answers for the inputs used here) and counts every Deployment update. Were the operator to send
 * "1000m", it would read back "1", see a difference and update again at every reconciliation.
 */
class QuantityStabilityTest {
    private static final String NS = "sized";
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** What kube-apiserver stores for each non-canonical input below (resource.Quantity's canonical form). */
    private static final Map<String, String> API_SERVER_STORES = Map.of(
            "1000m", "1", "0.5Gi", "512Mi", "2048Mi", "2Gi", "0.25", "250m", "1.5Gi", "1536Mi");

    private static final CanonicalisingApiServer dispatcher = new CanonicalisingApiServer();
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
        operator = StreamOpsOperator.create(client, OperatorConfig.defaults());
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

        var deployment = await().atMost(WAIT).until(
                () -> client.apps().deployments().inNamespace(NS).withName("sized").get(), d -> d != null);
        assertThat(json(container(deployment, "function").getResources()))
                .isEqualTo("{\"limits\":{\"memory\":\"2Gi\"},\"requests\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}}");
        assertThat(json(container(deployment, "sidecar").getResources()))
                .isEqualTo("{\"limits\":{\"memory\":\"1536Mi\"},\"requests\":{\"cpu\":\"250m\"}}");

        // Several reconciliations, each seeing the stored Deployment: every Deployment status change
        // triggers one, and the StreamOperator's status shows that it ran.
        for (int ready : new int[] {1, 0, 1}) {
            setDeploymentStatus(ready);
            await().atMost(WAIT)
                    .failFast("the operator updated the Deployment again", () -> dispatcher.deploymentUpdates.get() > 0)
                    .until(
                    () -> client.resources(StreamOperator.class).inNamespace(NS).withName("sized").get(),
                    s -> s.getStatus() != null && (ready + "/1").equals(s.getStatus().getReady()));
        }
        assertThat(dispatcher.deploymentUpdates.get()).as("Deployment updates after creation").isZero();
        assertThat(dispatcher.rewrites.get()).as("quantities the API server had to canonicalise").isZero();
    }

    private static void setDeploymentStatus(int ready) {
        var current = client.apps().deployments().inNamespace(NS).withName("sized").get();
        current.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(ready).withUpdatedReplicas(1)
                .withAvailableReplicas(ready).withObservedGeneration(current.getMetadata().getGeneration()).build());
        client.resource(current).updateStatus();
    }

    private static String json(Object o) {
        return client.getKubernetesSerialization().asJson(o);
    }

    private static Container container(Deployment d, String name) {
        var pod = d.getSpec().getTemplate().getSpec();
        return java.util.stream.Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream())
                .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    /** The CRUD mock plus two things of a real API server: canonical quantities, and a count of Deployment updates. */
    static final class CanonicalisingApiServer extends KubernetesCrudDispatcher {
        final AtomicInteger deploymentUpdates = new AtomicInteger();
        final AtomicInteger rewrites = new AtomicInteger();
        private final ObjectMapper mapper = new ObjectMapper();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            var path = request.getPath() == null ? "" : request.getPath().split("\\?")[0];
            var method = request.getMethod();
            boolean deploymentWrite = path.matches("/apis/apps/v1/namespaces/[^/]+/deployments(/[^/]+)?")
                    && ("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method));
            if (!deploymentWrite) {
                return super.dispatch(request);
            }
            if (!"POST".equals(method)) {
                deploymentUpdates.incrementAndGet();
            }
            // Reading the body consumes it: the mock gets a fresh copy, rewritten or not.
            var original = request.getUtf8Body();
            var stored = original;
            try {
                var body = mapper.readTree(original);
                if (canonicalise(body.path("spec").path("template").path("spec"))) {
                    stored = mapper.writeValueAsString(body);
                }
            } catch (java.io.IOException | RuntimeException notAnObject) {
                // A JSON patch or something else we do not rewrite: store it as the mock would.
            }
            return super.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                    request.getHeaders(), new Buffer(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }

        private boolean canonicalise(JsonNode podSpec) {
            boolean changed = false;
            for (var list : new String[] {"containers", "initContainers"}) {
                for (var container : podSpec.path(list)) {
                    for (var kind : new String[] {"limits", "requests"}) {
                        var quantities = container.path("resources").path(kind);
                        if (quantities instanceof ObjectNode object) {
                            for (var name : iterable(object.fieldNames())) {
                                var stored = API_SERVER_STORES.get(object.get(name).asText());
                                if (stored != null) {
                                    object.put(name, stored);
                                    rewrites.incrementAndGet();
                                    changed = true;
                                }
                            }
                        }
                    }
                }
            }
            return changed;
        }

        private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
            var list = new java.util.ArrayList<T>();
            iterator.forEachRemaining(list::add);
            return list;
        }
    }
}
