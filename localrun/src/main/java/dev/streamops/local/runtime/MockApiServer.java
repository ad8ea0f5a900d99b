package dev.streamops.local.runtime;

import dev.streamops.local.pods.PodRunner;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The Kubernetes API this machine lacks: the Fabric8 mock API server in CRUD mode (it stores
 * what it is sent, serves get/list/watch/patch and the status subresource) as a real HTTP
 * server on 127.0.0.1, with the project's CRDs installed. It does not validate against the CRD
 * schema, run admission, apply server-side, or garbage-collect: the {@link PodRunner} plays the
 * garbage collector for Deployments.
 */
public final class MockApiServer implements AutoCloseable {
    /** The mock logs every request through java.util.logging; keep its warnings only (held: JUL loggers are weak). */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockApiServer(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
    }

    public static MockApiServer start(List<Path> crdFiles) throws IOException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new LocalApiDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
                        .withMasterUrl(server.url("/"))
                        .withTrustCerts(true)
                        .withNamespace("default")
                        .withHttp2Disable(true)
                        .build())
                .build();
        MockApiServer api = new MockApiServer(server, client);
        for (Path crd : crdFiles) {
            try (InputStream in = Files.newInputStream(crd)) {
                for (HasMetadata item : client.load(in).items()) {
                    // crds/ also holds a kustomization; only the definitions go to the API.
                    if ("CustomResourceDefinition".equals(item.getKind())) {
                        client.resource(item).create();
                    }
                }
            }
        }
        return api;
    }

    /** The URL a client sets as its master (KUBERNETES_MASTER). */
    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
