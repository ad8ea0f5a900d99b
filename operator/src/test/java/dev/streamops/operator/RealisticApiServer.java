package dev.streamops.operator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The Fabric8 CRUD mock plus what a real API server does that matters for needless writes: it
 * stores resource quantities in canonical form (a fixed table of Kubernetes' answers for the inputs
 * the tests use) and fills in server defaults ({@link ServerDefaults}) on every Deployment it
 * stores. It counts, per name, Deployment updates and StreamOperator status writes.
 */
final class RealisticApiServer extends KubernetesCrudDispatcher {
    /** What kube-apiserver stores for each non-canonical input the tests use (resource.Quantity's canonical form). */
    static final Map<String, String> API_SERVER_STORES = Map.of(
            "1000m", "1", "0.5Gi", "512Mi", "2048Mi", "2Gi", "0.25", "250m", "1.5Gi", "1536Mi");

    private final Map<String, AtomicInteger> deploymentUpdates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> statusWrites = new ConcurrentHashMap<>();
    final AtomicInteger quantityRewrites = new AtomicInteger();
    private final ObjectMapper mapper = new ObjectMapper();

    int deploymentUpdates(String name) {
        return deploymentUpdates.getOrDefault(name, new AtomicInteger()).get();
    }

    int statusWrites(String name) {
        return statusWrites.getOrDefault(name, new AtomicInteger()).get();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        var path = request.getPath() == null ? "" : request.getPath().split("\\?")[0];
        var method = request.getMethod();
        boolean write = "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method);
        var status = path.matches("/apis/streamops.dev/v1alpha1/namespaces/[^/]+/streamoperators/[^/]+/status");
        if (status && write) {
            count(statusWrites, path.split("/")[7]);
        }
        boolean deploymentWrite = path.matches("/apis/apps/v1/namespaces/[^/]+/deployments(/[^/]+)?") && write;
        if (!deploymentWrite) {
            return super.dispatch(request);
        }
        // Reading the body consumes it: the mock gets a fresh copy, rewritten or not.
        var original = request.getUtf8Body();
        var stored = original;
        try {
            var body = (ObjectNode) mapper.readTree(original);
            if (!"POST".equals(method)) {
                count(deploymentUpdates, body.path("metadata").path("name").asText());
            }
            canonicalise(body.path("spec").path("template").path("spec"));
            ServerDefaults.apply(body);
            stored = mapper.writeValueAsString(body);
        } catch (java.io.IOException | RuntimeException notAnObject) {
            // A JSON patch or something else we do not rewrite: store it as the mock would.
        }
        return super.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                request.getHeaders(), new Buffer(stored.getBytes(StandardCharsets.UTF_8))));
    }

    private static void count(Map<String, AtomicInteger> counts, String name) {
        counts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }

    private void canonicalise(JsonNode podSpec) {
        for (var list : new String[] {"containers", "initContainers"}) {
            for (var container : podSpec.path(list)) {
                for (var kind : new String[] {"limits", "requests"}) {
                    if (container.path("resources").path(kind) instanceof ObjectNode quantities) {
                        for (var name : new ArrayList<>(iterable(quantities))) {
                            var stored = API_SERVER_STORES.get(quantities.get(name).asText());
                            if (stored != null) {
                                quantities.put(name, stored);
                                quantityRewrites.incrementAndGet();
                            }
                        }
                    }
                }
            }
        }
    }

    private static ArrayList<String> iterable(ObjectNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
