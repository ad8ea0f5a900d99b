package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The shaded operator.jar as users run it: {@code render}, configuration errors, and the operator
 * process itself (leader election, health, metrics) against the Fabric8 mock API server.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorJarIT {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final Path JAR = Path.of("target/operator.jar");

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        return startLogged("", env, args);
    }

    /** Runs operator.jar with only {@code env}; its output goes to {prefix}out.txt and {prefix}err.txt. */
    private Process startLogged(String prefix, Map<String, String> env, String... args) throws IOException {
        var command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(prefix + "out.txt").toFile())
                .redirectError(dir.resolve(prefix + "err.txt").toFile());
        builder.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        // No kubeconfig of this machine may leak into the test.
        builder.environment().put("KUBECONFIG", dir.resolve("no-kubeconfig").toString());
        builder.environment().putAll(env);
        return builder.start();
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        var process = start(env, args);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void rendersTheExamples() throws Exception {
        var result = run(Map.of(), "render", "-f", TestResources.EXAMPLES.resolve("20-transform.yaml").toString());
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("---").contains("kind: \"Deployment\"").contains("name: \"transform\"")
                .contains("image: \"streamops/example-transform:0.1.0\"");
    }

    @Test
    void invalidConfigurationIsOneLineAndExitTwo() throws Exception {
        var result = run(Map.of("LEADER_ELECTION", "maybe"));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("invalid configuration: LEADER_ELECTION: 'maybe' is not true or false\n");
        var missingLease = run(Map.of());
        assertThat(missingLease.exit()).isEqualTo(2);
        assertThat(missingLease.err().lines()).containsExactly("invalid configuration: LEADER_ELECTION_NAMESPACE: required "
                + "when LEADER_ELECTION=true outside a cluster (or set LEADER_ELECTION=false)");
    }

    @Test
    void runsWithLeaderElectionServesHealthAndMetricsAndReconciles() throws Exception {
        installCrd();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("jar").endMetadata().build()).create();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ops").endMetadata().build()).create();
        client.resource(TestResources.brokerSecret("jar", "rabbitmq", "uri")).create();
        grantLeaseRulesOfTheShippedRole();
        int healthPort = freePort();
        var process = start(Map.of(
                "KUBERNETES_MASTER", client.getMasterUrl().toString(),
                "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
                // The mock API server's certificate is self-signed.
                "KUBERNETES_TRUST_CERTIFICATES", "true",
                "LEADER_ELECTION_NAMESPACE", "ops",
                "WATCH_NAMESPACES", "jar",
                "HEALTH_PORT", Integer.toString(healthPort)));
        try {
            var http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                    () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> client.resources(Lease.class).inNamespace("ops").withName(OperatorConfig.LEASE_NAME).get() != null);

            client.resource(TestResources.streamOperator("jar", "from-jar", "example/j:1", "in", "out")).create();
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> client.apps().deployments().inNamespace("jar").withName("from-jar").get() != null);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var sop = client.resources(StreamOperator.class).inNamespace("jar").withName("from-jar").get();
                return sop.getStatus() != null && "0/1".equals(sop.getStatus().getReady());
            });

            var metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("operator_sdk_reconciliations").contains("jvm_memory_used_bytes");
        } catch (AssertionError | RuntimeException e) {
            // The operator's own log says why; show it with the failure.
            throw new AssertionError("operator log:\n" + Files.readString(dir.resolve("err.txt")), e);
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("operator stops on SIGTERM").isTrue();
        }
        var log = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertThat(log).doesNotContain("amqp://user:pw");
    }

    /**
     * Two replicas as deploy/ would run them: only the one holding the Lease reconciles; when it
     * stops, the other takes over once the Lease expires (it is not released on stop, so that a
     * replica that merely lost contact cannot hand over while still reconciling).
     */
    @Test
    void ofTwoReplicasOnlyTheLeaderReconcilesAndTheOtherTakesOver() throws Exception {
        installCrd();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ha").endMetadata().build()).create();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ha-ops").endMetadata().build()).create();
        client.resource(TestResources.brokerSecret("ha", "rabbitmq", "uri")).create();
        grantLeaseRulesOfTheShippedRole();
        var env = new java.util.HashMap<>(Map.of(
                "KUBERNETES_MASTER", client.getMasterUrl().toString(),
                "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
                "KUBERNETES_TRUST_CERTIFICATES", "true",
                "LEADER_ELECTION_NAMESPACE", "ha-ops",
                "WATCH_NAMESPACES", "ha"));
        env.put("HOSTNAME", "replica-a"); // JOSDK's Lease identity
        env.put("HEALTH_PORT", Integer.toString(freePort()));
        var a = startLogged("a-", env);
        Process b = null;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> "replica-a".equals(leaseHolder("ha-ops")));
            env.put("HOSTNAME", "replica-b");
            env.put("HEALTH_PORT", Integer.toString(freePort()));
            b = startLogged("b-", env);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve("b-err.txt")).contains("Leader is replica-a"));

            client.resource(TestResources.streamOperator("ha", "first", "example/first:1", "in", null)).create();
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> client.apps().deployments().inNamespace("ha").withName("first").get() != null);
            assertThat(Files.readString(dir.resolve("b-err.txt"))).as("the standby started no controller")
                    .doesNotContain("Became leader");
            assertThat(leaseHolder("ha-ops")).isEqualTo("replica-a");

            a.destroy();
            assertThat(a.waitFor(30, TimeUnit.SECONDS)).as("the leader stops on SIGTERM").isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> "replica-b".equals(leaseHolder("ha-ops"))
                    && Files.readString(dir.resolve("b-err.txt")).contains("Became leader"));
            client.resource(TestResources.streamOperator("ha", "second", "example/second:1", "in-2", null)).create();
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> client.apps().deployments().inNamespace("ha").withName("second").get() != null);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("replica a's log:\n" + logOf("a-err.txt") + "\nreplica b's log:\n" + logOf("b-err.txt"), e);
        } finally {
            a.destroy();
            if (b != null) {
                b.destroy();
                assertThat(b.waitFor(30, TimeUnit.SECONDS)).as("the new leader stops on SIGTERM").isTrue();
            }
        }
    }

    private String logOf(String file) throws IOException {
        var path = dir.resolve(file);
        return Files.exists(path) ? Files.readString(path) : "(not started)";
    }

    private static String leaseHolder(String namespace) {
        var lease = client.resources(Lease.class).inNamespace(namespace).withName(OperatorConfig.LEASE_NAME).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** Both tests share the mock API server; whichever runs first installs the CRD. */
    private static synchronized void installCrd() {
        var crd = TestResources.generatedCrd();
        if (client.resource(crd).get() == null) {
            client.resource(crd).create();
        }
    }

    /**
     * JOSDK checks its Lease rights with a SelfSubjectRulesReview before electing a leader; the
     * mock API server cannot evaluate RBAC, so it answers with the rules of deploy/'s Role: the
     * check passes only if the shipped Role grants what leader election needs.
     */
    private static void grantLeaseRulesOfTheShippedRole() {
        var role = new KubernetesSerialization().unmarshal(
                TestResources.read(TestResources.DEPLOY.resolve("leader-election-role.yaml")), Role.class);
        var rules = role.getRules().stream().map(r -> new ResourceRuleBuilder().withApiGroups(r.getApiGroups())
                .withResources(r.getResources()).withVerbs(r.getVerbs()).build()).toList();
        var review = new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata()
                .withNewSpec().withNamespace("ops").endSpec()
                .withNewStatus().withResourceRules(rules).withIncomplete(false).endStatus().build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, review).always();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
