package dev.streamops.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.streamops.operator.OperatorConfig;
import dev.streamops.operator.TestResources;
import dev.streamops.operator.api.BrokerSpec;
import dev.streamops.operator.api.SecretKeySelector;
import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The pod shape, field by field, without any API server. */
class FunctionPodTemplateTest {
    private static final OperatorConfig CONFIG = OperatorConfig.fromEnvironment(Map.of(
            "LEADER_ELECTION", "false", "SIDECAR_IMAGE", "registry.example/sidecar:9",
            "DEFAULT_BROKER_SECRET", "broker", "DEFAULT_BROKER_SECRET_KEY", "amqp"));
    private final FunctionPodTemplate template = new FunctionPodTemplate(CONFIG);

    private static StreamOperator transform() {
        return TestResources.streamOperator("apps", "transform", "example/transform:1", "readings", "enriched");
    }

    @Test
    void deploymentIsNamedAfterTheStreamOperatorWithRecommendedLabels() {
        var d = template.deployment(transform());
        assertThat(d.getMetadata().getName()).isEqualTo("transform");
        assertThat(d.getMetadata().getNamespace()).isEqualTo("apps");
        var labels = Map.of(
                "app.kubernetes.io/name", "streamops-function",
                "app.kubernetes.io/instance", "transform",
                "app.kubernetes.io/component", "stream-function",
                "app.kubernetes.io/part-of", "streamops",
                "app.kubernetes.io/managed-by", "streamops-operator");
        assertThat(d.getMetadata().getLabels()).isEqualTo(labels);
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(labels);
        assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of(
                "app.kubernetes.io/name", "streamops-function", "app.kubernetes.io/instance", "transform"));
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("kubectl.kubernetes.io/default-container", "function");
        assertThat(d.getMetadata().getAnnotations()).as("the fingerprint that makes every spec change roll out")
                .containsExactly(Map.entry(DeploymentMatcher.SPEC_HASH_ANNOTATION, DeploymentMatcher.specHash(d.getSpec())));
    }

    @Test
    void replicasFollowTheSpecWithDefaultOne() {
        var sop = transform();
        assertThat(template.deployment(sop).getSpec().getReplicas()).isEqualTo(1);
        sop.getSpec().setReplicas(0);
        assertThat(template.deployment(sop).getSpec().getReplicas()).isZero();
        sop.getSpec().setReplicas(null);
        assertThat(template.deployment(sop).getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void functionContainerGetsImageTopicsAndTheCompanionContractEnv() {
        var sop = transform();
        sop.getSpec().setTerminationTopic("done");
        sop.getSpec().setImagePullPolicy("Always");
        var f = function(template.deployment(sop));
        assertThat(f.getImage()).isEqualTo("example/transform:1");
        assertThat(f.getImagePullPolicy()).isEqualTo("Always");
        assertThat(env(f)).containsExactly(
                "MY_POD_IP=<status.podIP>", "MY_POD_NAME=<metadata.name>", "MY_POD_NAMESPACE=<metadata.namespace>",
                "API_PORT=4321", "PUBLISH_PATH=/post_message", "CONSUME_PATH=/get_message", "GET_PATH=/get_message",
                "INPUT_TOPIC=readings", "OUTPUT_TOPIC=enriched", "TERMINATION_TOPIC=done");
        assertThat(f.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("push");
            assertThat(p.getContainerPort()).isEqualTo(4322);
        });
        assertThat(f.getSecurityContext()).as("user images decide their own security context").isNull();
    }

    @Test
    void functionContainerAppendsUserEnvAndResources() {
        var sop = transform();
        sop.getSpec().setEnv(List.of(new EnvVar("RATE", "10", null)));
        sop.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("300Mi")).build());
        var f = function(template.deployment(sop));
        assertThat(env(f)).endsWith("RATE=10");
        assertThat(f.getResources().getLimits()).containsEntry("memory", new Quantity("300Mi"));
    }

    @Test
    void sidecarIsANativeSidecarWithTheConfiguredImage() {
        var pod = template.deployment(transform()).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("function");
        assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("sidecar");
        var s = pod.getInitContainers().getFirst();
        assertThat(s.getRestartPolicy()).isEqualTo("Always");
        assertThat(s.getImage()).isEqualTo("registry.example/sidecar:9");
    }

    @Test
    void sidecarBecomesAnOrdinaryContainerWhenNativeSidecarsAreOff() {
        var config = OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "false", "NATIVE_SIDECAR", "false"));
        var pod = new FunctionPodTemplate(config).deployment(transform()).getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).isNullOrEmpty();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("sidecar", "function");
        assertThat(pod.getContainers().getFirst().getRestartPolicy()).isNull();
    }

    @Test
    void sidecarEnvCarriesTopicsBrokerSecretPodIdentityAndPushTarget() {
        var sop = transform();
        sop.getSpec().setPushPort(5000);
        sop.getSpec().setPushPath("/in");
        var s = sidecar(template.deployment(sop));
        assertThat(env(s)).containsExactly(
                "INPUT_TOPIC=readings", "OUTPUT_TOPIC=enriched", "RABBITMQ_URI=<secret broker/amqp>",
                "MY_POD_IP=<status.podIP>", "MY_POD_NAME=<metadata.name>", "MY_POD_NAMESPACE=<metadata.namespace>",
                "API_PORT=4321", "MANAGEMENT_PORT=4323", "OPERATOR_PORT=5000", "OPERATOR_PATH=/in",
                "PUSH_AUTOSTART=true");
        assertThat(function(template.deployment(sop)).getPorts().getFirst().getContainerPort()).isEqualTo(5000);
    }

    @Test
    void sidecarUsesTheStreamOperatorsOwnSecretAndPrefetchWhenGiven() {
        var sop = transform();
        sop.getSpec().setBroker(new BrokerSpec(new SecretKeySelector("team-mq", "url")));
        var overrides = new SidecarSpec();
        overrides.setPrefetch(50);
        overrides.setPushConcurrency(4);
        overrides.setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("200m")).build());
        sop.getSpec().setSidecar(overrides);
        var s = sidecar(template.deployment(sop));
        assertThat(env(s)).contains("RABBITMQ_URI=<secret team-mq/url>", "PREFETCH=50", "PUSH_CONCURRENCY=4");
        assertThat(s.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("200m")));
        assertThat(s.getResources().getLimits()).isNullOrEmpty();
    }

    @Test
    void sourceWithoutInputTopicDoesNotAutostartPush() {
        var sop = TestResources.streamOperator("apps", "source", "example/source:1", null, "readings");
        var s = sidecar(template.deployment(sop));
        assertThat(env(s)).noneMatch(e -> e.startsWith("PUSH_AUTOSTART") || e.startsWith("INPUT_TOPIC")
                || e.startsWith("PREFETCH") || e.startsWith("PUSH_CONCURRENCY"));
        assertThat(env(function(template.deployment(sop)))).noneMatch(e -> e.startsWith("INPUT_TOPIC"));
    }

    @Test
    void brokerUriIsNeverALiteral() {
        var s = sidecar(template.deployment(transform()));
        var uri = s.getEnv().stream().filter(e -> e.getName().equals("RABBITMQ_URI")).findFirst().orElseThrow();
        assertThat(uri.getValue()).isNull();
        assertThat(uri.getValueFrom().getSecretKeyRef().getName()).isEqualTo("broker");
        assertThat(uri.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("amqp");
    }

    @Test
    void sidecarHasPortsProbesResourcesAndARestrictedSecurityContext() {
        var s = sidecar(template.deployment(transform()));
        assertThat(s.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("api:4321", "management:4323");
        assertThat(s.getStartupProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(s.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(s.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        for (var probe : List.of(s.getStartupProbe(), s.getReadinessProbe(), s.getLivenessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
        }
        assertThat(s.getStartupProbe().getPeriodSeconds() * s.getStartupProbe().getFailureThreshold())
                .as("seconds the sidecar may take to reach the broker before it is restarted").isEqualTo(180);
        assertThat(s.getResources().getRequests()).containsEntry("cpu", new Quantity("50m"))
                .containsEntry("memory", new Quantity("96Mi"));
        assertThat(s.getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
        var sc = s.getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(s.getVolumeMounts()).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(m.getName()).isEqualTo("sidecar-tmp");
        });
    }

    @Test
    void podCarriesImagePullSecretsAndTheSidecarScratchVolume() {
        var sop = transform();
        sop.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
        var pod = template.deployment(sop).getSpec().getTemplate().getSpec();
        assertThat(pod.getImagePullSecrets()).extracting(LocalObjectReference::getName).containsExactly("regcred");
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("sidecar-tmp");
            assertThat(v.getEmptyDir()).isNotNull();
        });
    }

    @Test
    void sameInputGivesTheSameDeployment() {
        assertThat(template.deployment(transform())).isEqualTo(template.deployment(transform()));
    }

    private static Container function(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("function")).findFirst().orElseThrow();
    }

    private static Container sidecar(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getInitContainers().stream()
                .filter(c -> c.getName().equals("sidecar")).findFirst().orElseThrow();
    }

    /** NAME=value, NAME=<fieldPath> or NAME=<secret name/key>, in order. */
    private static List<String> env(Container c) {
        return c.getEnv().stream().map(e -> {
            if (e.getValueFrom() == null) {
                return e.getName() + "=" + e.getValue();
            }
            if (e.getValueFrom().getFieldRef() != null) {
                assertThat(e.getValueFrom().getFieldRef().getApiVersion()).isEqualTo("v1");
                return e.getName() + "=<" + e.getValueFrom().getFieldRef().getFieldPath() + ">";
            }
            var ref = e.getValueFrom().getSecretKeyRef();
            return e.getName() + "=<secret " + ref.getName() + "/" + ref.getKey() + ">";
        }).toList();
    }
}
