package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The install manifests under deploy/: complete, least privilege, and in line with the operator's config. */
class DeployManifestsTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Every resource the kustomization lists, read without kustomize (so this runs anywhere). */
    private static List<HasMetadata> resources() throws IOException {
        var kustomization = new YAMLMapper().readTree(TestResources.DEPLOY.resolve("kustomization.yaml").toFile());
        var resources = new ArrayList<HasMetadata>();
        for (var entry : kustomization.path("resources")) {
            var path = TestResources.DEPLOY.resolve(entry.asText()).normalize();
            if (Files.isDirectory(path)) {
                var nested = new YAMLMapper().readTree(path.resolve("kustomization.yaml").toFile());
                for (var file : nested.path("resources")) {
                    resources.add(SERIALIZATION.unmarshal(Files.readString(path.resolve(file.asText()))));
                }
            } else {
                resources.add(SERIALIZATION.unmarshal(Files.readString(path)));
            }
        }
        return resources;
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> resources, Class<T> type) {
        var found = resources.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    @Test
    void installsNamespaceCrdAccountRbacAndOperator() throws IOException {
        var kinds = resources().stream().map(HasMetadata::getKind).toList();
        assertThat(kinds).containsExactlyInAnyOrder("Namespace", "CustomResourceDefinition", "ServiceAccount",
                "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment");
        var crd = one(resources(), CustomResourceDefinition.class);
        assertThat(crd).isEqualTo(SERIALIZATION.unmarshal(TestResources.read(TestResources.COMMITTED_CRD)));
    }

    @Test
    void rbacIsLeastPrivilegeWithoutWildcards() throws IOException {
        var resources = resources();
        var rules = new ArrayList<PolicyRule>(one(resources, ClusterRole.class).getRules());
        rules.addAll(one(resources, Role.class).getRules());
        for (var rule : rules) {
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getVerbs()).doesNotContain("*");
        }
        assertThat(verbs(rules, "secrets")).as("only GET the broker Secret, never list/watch").containsExactly("get");
        assertThat(verbs(rules, "streamoperators")).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(verbs(rules, "streamoperators/status")).contains("patch");
        assertThat(verbs(rules, "deployments")).containsExactlyInAnyOrder("get", "list", "watch", "create", "update", "patch");
        assertThat(verbs(rules, "events")).contains("create");
        assertThat(verbs(rules, "leases")).containsExactlyInAnyOrder("get", "create", "update");
        assertThat(one(resources, ClusterRole.class).getRules()).noneMatch(r -> r.getResources().contains("leases"));
    }

    @Test
    void operatorDeploymentIsProbedLimitedRestrictedAndConfigured() throws IOException {
        var deployment = one(resources(), Deployment.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("streamops-operator");
        var c = pod.getContainers().getFirst();
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        var sc = c.getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        // The shipped environment is a valid configuration (what Main would read in the pod).
        var env = new java.util.HashMap<String, String>();
        for (var e : c.getEnv()) {
            env.put(e.getName(), e.getValueFrom() != null ? "streamops-system" : e.getValue());
        }
        assertThat(env.keySet()).containsExactlyInAnyOrder("SIDECAR_IMAGE", "DEFAULT_BROKER_SECRET",
                "DEFAULT_BROKER_SECRET_KEY", "WATCH_NAMESPACES", "NATIVE_SIDECAR", "LEADER_ELECTION",
                "LEADER_ELECTION_NAMESPACE", "HEALTH_PORT");
        var config = OperatorConfig.fromEnvironment(env);
        assertThat(config.leaderElection()).isTrue();
        assertThat(config.healthPort()).isEqualTo(c.getPorts().getFirst().getContainerPort());
        assertThat(c.getEnv().stream().filter(e -> e.getName().equals("LEADER_ELECTION_NAMESPACE")).findFirst().orElseThrow()
                .getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    }

    @Test
    void kubectlKustomizeBuilds() throws Exception {
        var kubectl = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).findFirst();
        assumeTrue(kubectl.isPresent(), "kubectl not installed");
        var process = new ProcessBuilder(kubectl.get().toString(), "kustomize", TestResources.DEPLOY.toString())
                .redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        var docs = new ArrayList<JsonNode>();
        try (var it = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(output)) {
            docs.addAll(it.readAll());
        }
        assertThat(docs).extracting(d -> d.path("kind").asText()).contains("CustomResourceDefinition", "Deployment");
        assertThat(docs).filteredOn(d -> Map.of("Deployment", 1, "ServiceAccount", 1, "Role", 1, "RoleBinding", 1)
                        .containsKey(d.path("kind").asText()))
                .allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("streamops-system"));
    }

    private static List<String> verbs(List<PolicyRule> rules, String resource) {
        return rules.stream().filter(r -> r.getResources().contains(resource)).flatMap(r -> r.getVerbs().stream()).toList();
    }
}
