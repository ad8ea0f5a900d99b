package dev.streamops.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Part 5, operator scale: the operator runs as its own JVM ({@code java -jar operator.jar}, flags
 * from Dockerfile.operator when it has an ENTRYPOINT) against the Fabric8 mock API server in CRUD
 * mode over real HTTP on localhost, with the CRD from crds/. The benchmark creates N
 * StreamOperators at once and watches (informers, not polling, so it does not load the API
 * server) until every Deployment exists and every status has been written for the current
 * generation; then it reads the operator's heap after a full GC with jcmd.
 */
final class OperatorScaleBench {
    private static final String NAMESPACE = "bench-sops";
    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final BenchContext context;
    private final Path root;
    private final List<String> profileFlags;

    OperatorScaleBench(BenchContext context, Path root, List<String> profileFlags) {
        this.context = context;
        this.root = root;
        this.profileFlags = profileFlags;
    }

    PartResult run() throws Exception {
        // The mock server logs every request at INFO through java.util.logging: thousands of lines
        // and CPU taken from the operator under test. Warnings still show.
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        int count = context.options().streamOperators();
        Path crdFile = streamOperatorCrd();
        Path dockerfile = root.resolve("Dockerfile.operator");
        DockerfileEntrypoint entrypoint = Files.isRegularFile(dockerfile) ? DockerfileEntrypoint.read(dockerfile)
                : new DockerfileEntrypoint(List.of(), "/app/operator.jar");
        JvmLauncher launcher = new JvmLauncher(JvmLauncher.currentJava(), root.resolve("operator/target/operator.jar"), entrypoint, profileFlags);

        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        Process operator = null;
        try (KubernetesClient client = server.createClient()) {
            CustomResourceDefinition crd = client.getKubernetesSerialization()
                    .unmarshal(Files.readString(crdFile), CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            CustomResourceDefinitionContext sopContext = CustomResourceDefinitionContext.fromCrd(crd);
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
            client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName("rabbitmq").endMetadata()
                    .addToStringData("uri", "amqp://bench:bench@rabbitmq.invalid:5672/bench").build()).create();

            int healthPort = SidecarProcess.freePort();
            Files.createDirectories(context.logDir());
            ProcessBuilder builder = new ProcessBuilder(launcher.command(List.of()))
                    .redirectErrorStream(true).redirectOutput(context.logDir().resolve("operator.log").toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("KUBE") || name.equals("WATCH_NAMESPACES") || name.equals("LEADER_ELECTION"));
            env.put("KUBERNETES_MASTER", server.url("/"));
            env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
            env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
            env.put("KUBERNETES_NAMESPACE", NAMESPACE);
            env.put("LEADER_ELECTION", "false");
            env.put("WATCH_NAMESPACES", NAMESPACE);
            env.put("HEALTH_PORT", Integer.toString(healthPort));
            long processStart = System.nanoTime();
            operator = builder.start();
            double readyMillis = awaitReady(operator, healthPort, Duration.ofSeconds(60)) / 1e6;
            System.out.printf("  operator ready after %.0f ms; creating %d StreamOperators%n", readyMillis, count);

            Set<String> deployments = ConcurrentHashMap.newKeySet();
            Set<String> statuses = ConcurrentHashMap.newKeySet();
            long[] deploymentsDoneAt = {0};
            long[] statusesDoneAt = {0};
            SharedIndexInformer<Deployment> deploymentInformer = client.apps().deployments().inNamespace(NAMESPACE)
                    .inform(handler(d -> {
                        if (deployments.add(d.getMetadata().getName()) && deployments.size() == count) deploymentsDoneAt[0] = System.nanoTime();
                    }));
            SharedIndexInformer<GenericKubernetesResource> sopInformer = client.genericKubernetesResources(sopContext).inNamespace(NAMESPACE)
                    .inform(handler(sop -> {
                        if (statusWritten(sop) && statuses.add(sop.getMetadata().getName()) && statuses.size() == count) {
                            statusesDoneAt[0] = System.nanoTime();
                        }
                    }));

            CpuTime.Meter cpuMeter = CpuTime.start(operator.pid(), -1); // "sidecar" slot = the operator process here
            long start = System.nanoTime();
            double createdMillis = createAll(client, sopContext, count);
            Duration timeout = Duration.ofSeconds(180);
            while ((deploymentsDoneAt[0] == 0 || statusesDoneAt[0] == 0) && System.nanoTime() - start < timeout.toNanos()) {
                if (!operator.isAlive()) throw new IllegalStateException("the operator exited with code " + operator.exitValue()
                        + "; see " + context.logDir().resolve("operator.log"));
                Thread.sleep(20);
            }
            CpuTime.Window cpu = cpuMeter.stop();
            deploymentInformer.close();
            sopInformer.close();
            boolean complete = deploymentsDoneAt[0] != 0 && statusesDoneAt[0] != 0;
            double deploymentsSeconds = deploymentsDoneAt[0] == 0 ? Double.NaN : (deploymentsDoneAt[0] - start) / 1e9;
            double statusesSeconds = statusesDoneAt[0] == 0 ? Double.NaN : (statusesDoneAt[0] - start) / 1e9;
            double allSeconds = complete ? (Math.max(deploymentsDoneAt[0], statusesDoneAt[0]) - start) / 1e9 : Double.NaN;
            Thread.sleep(1_000); // let the last status patches and events finish before measuring the heap
            long heap = HeapInfo.usedAfterGcBytes(operator.pid());
            long rss = ProcessMemory.rssBytes(operator.pid());
            System.out.printf("  operator: %d/%d Deployments after %.1f s, %d/%d statuses after %.1f s; heap after GC %.1f MiB, RSS %.1f MiB%n",
                    deployments.size(), count, deploymentsSeconds, statuses.size(), count, statusesSeconds,
                    ProcessMemory.mebibytes(heap), ProcessMemory.mebibytes(rss));

            List<Row> rows = new ArrayList<>();
            Row reconciled = Row.of("operator", count + " StreamOperators created at once → all Deployments + statuses", "s",
                    allSeconds, Double.NaN, new Target.AtMost(60, "s"));
            rows.add(complete ? reconciled : reconciled.withNote("incomplete after " + timeout.toSeconds() + " s: "
                    + deployments.size() + " Deployments, " + statuses.size() + " statuses"));
            rows.add(Row.of("operator", "of which: all Deployments exist", "s", deploymentsSeconds, Double.NaN, null));
            rows.add(Row.of("operator", "heap used after full GC (jcmd, operator JVM)", "MiB", ProcessMemory.mebibytes(heap), Double.NaN, null)
                    .withNote("RSS " + Format.number(ProcessMemory.mebibytes(rss)) + " MiB"));
            rows.set(0, rows.get(0).withNote((complete ? "" : rows.get(0).note() + "; ") + "CPU: operator " + Format.number(cpu.sidecarSeconds())
                    + " s, mock API server + bench " + Format.number(cpu.benchSeconds()) + " s over " + Format.number(cpu.wallSeconds()) + " s"));

            Map<String, Object> details = new LinkedHashMap<>();
            details.put("streamOperators", count);
            details.put("operatorReadyMillis", readyMillis);
            details.put("createRequestsSeconds", createdMillis / 1e3);
            details.put("allDeploymentsSeconds", deploymentsSeconds);
            details.put("allStatusesSeconds", statusesSeconds);
            details.put("deployments", deployments.size());
            details.put("statuses", statuses.size());
            details.put("heapUsedAfterGcBytes", heap);
            details.put("heapMeasuredWith", "jcmd <pid> GC.run, then GC.heap_info (operator in its own JVM)");
            details.put("rssBytes", rss);
            details.put("operatorJvmFlags", entrypoint.jvmFlags());
            details.put("operatorFlagsFrom", Files.isRegularFile(dockerfile) ? "Dockerfile.operator ENTRYPOINT" : "none (Dockerfile.operator missing)");
            details.put("processStartToCreateSeconds", (start - processStart) / 1e9);
            details.put("operatorCpuSeconds", cpu.sidecarSeconds());
            details.put("benchJvmWithMockApiServerCpuSeconds", cpu.benchSeconds());
            details.put("wallSeconds", cpu.wallSeconds());
            return new PartResult(rows, details);
        } finally {
            if (operator != null) {
                operator.destroy();
                if (!operator.waitFor(15, TimeUnit.SECONDS)) operator.destroyForcibly();
            }
            server.destroy();
        }
    }

    /** Status counts as written once it describes the current generation. */
    static boolean statusWritten(GenericKubernetesResource sop) {
        Object status = sop.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> map)) return false;
        Object observed = map.get("observedGeneration");
        if (!(observed instanceof Number number)) return false;
        Long generation = sop.getMetadata().getGeneration();
        return generation == null || number.longValue() == generation;
    }

    private double createAll(KubernetesClient client, CustomResourceDefinitionContext sopContext, int count) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> creates = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = String.format("sop-%04d", i);
                creates.add(pool.submit(() -> client.genericKubernetesResources(sopContext).inNamespace(NAMESPACE)
                        .resource(streamOperator(sopContext, name)).create()));
            }
            for (Future<?> create : creates) create.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static GenericKubernetesResource streamOperator(CustomResourceDefinitionContext sopContext, String name) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(sopContext.getGroup() + "/" + sopContext.getVersion())
                .withKind(sopContext.getKind())
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "image", "bench/function:1",
                        "inputTopic", name + "-in",
                        "outputTopic", name + "-out"))
                .build();
    }

    private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> onChange) {
        return new ResourceEventHandler<>() {
            public void onAdd(T resource) {
                onChange.accept(resource);
            }

            public void onUpdate(T oldResource, T newResource) {
                onChange.accept(newResource);
            }

            public void onDelete(T resource, boolean deletedFinalStateUnknown) {
            }
        };
    }

    private long awaitReady(Process operator, int healthPort, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < timeout.toNanos()) {
            if (!operator.isAlive()) {
                throw new IllegalStateException("the operator exited with code " + operator.exitValue() + " before it was ready; see "
                        + context.logDir().resolve("operator.log"));
            }
            try (HttpConnection http = new HttpConnection("127.0.0.1", healthPort, 2_000)) {
                if (http.get("/readyz").status() == 200) return System.nanoTime() - start;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the operator was not ready within " + timeout.toSeconds() + " s; see "
                + context.logDir().resolve("operator.log"));
    }

    private Path streamOperatorCrd() throws IOException {
        Path crds = root.resolve("crds");
        if (!Files.isDirectory(crds)) throw new IllegalStateException(crds + " is missing: the operator part needs the StreamOperator CRD");
        try (Stream<Path> files = Files.list(crds)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(f -> {
                        try {
                            String text = Files.readString(f);
                            return text.contains("CustomResourceDefinition") && text.contains("StreamOperator");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no StreamOperator CustomResourceDefinition in " + crds));
        }
    }
}
