package dev.streamops.operator.reconcile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.streamops.operator.OperatorConfig;
import dev.streamops.operator.api.BrokerSpec;
import dev.streamops.operator.api.SecretKeySelector;
import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.api.StreamOperatorSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;

/**
 * Builds the Deployment for one StreamOperator: the function container paired with the sidecar.
 * Pure: no client, no clock, no environment; the same input always gives the same Deployment, so
 * the reconciler, {@code render} and the unit tests all see exactly what the cluster gets.
 */
public final class FunctionPodTemplate {
    /** Function-facing HTTP port of the sidecar (fixed by the companion contract). */
    public static final int API_PORT = 4321;
    /** Sidecar's /healthz, /readyz and /metrics. */
    public static final int MANAGEMENT_PORT = 4323;
    public static final String PUBLISH_PATH = "/post_message";
    public static final String CONSUME_PATH = "/get_message";

    /** Env names the operator sets on the function container; a user may not override them. */
    public static final Set<String> RESERVED_FUNCTION_ENV = Set.of(
            "MY_POD_IP", "MY_POD_NAME", "MY_POD_NAMESPACE", "API_PORT", "PUBLISH_PATH", "CONSUME_PATH",
            "GET_PATH", "INPUT_TOPIC", "OUTPUT_TOPIC", "TERMINATION_TOPIC");

    static final ResourceRequirements DEFAULT_SIDECAR_RESOURCES = new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("50m"))
            .addToRequests("memory", new Quantity("96Mi"))
            .addToLimits("memory", new Quantity("256Mi"))
            .build();

    private final String sidecarImage;
    private final SecretKeySelector defaultBrokerSecret;
    private final boolean nativeSidecar;

    public FunctionPodTemplate(OperatorConfig config) {
        this.sidecarImage = config.sidecarImage();
        this.defaultBrokerSecret = new SecretKeySelector(config.defaultBrokerSecret(), config.defaultBrokerSecretKey());
        this.nativeSidecar = config.nativeSidecar();
    }

    /** The Secret key this StreamOperator's sidecar reads RABBITMQ_URI from. */
    public SecretKeySelector brokerSecret(StreamOperatorSpec spec) {
        return Optional.ofNullable(spec.getBroker()).map(BrokerSpec::getSecretRef).orElse(defaultBrokerSecret);
    }

    public Deployment deployment(StreamOperator sop) {
        var deploymentSpec = new DeploymentSpecBuilder()
                .withReplicas(replicas(sop.getSpec()))
                .withNewSelector().withMatchLabels(ResourceNames.selectorLabels(sop)).endSelector()
                .withTemplate(podTemplate(sop))
                .build();
        // Mutable: JOSDK adds its bookkeeping annotation here.
        var annotations = new LinkedHashMap<String, String>();
        annotations.put(DeploymentMatcher.SPEC_HASH_ANNOTATION, DeploymentMatcher.specHash(deploymentSpec));
        return new DeploymentBuilder()
                .withNewMetadata()
                    .withName(ResourceNames.deploymentName(sop))
                    .withNamespace(sop.getMetadata().getNamespace())
                    .withLabels(ResourceNames.labels(sop))
                    .withAnnotations(annotations)
                .endMetadata()
                .withSpec(deploymentSpec)
                .build();
    }

    public PodTemplateSpec podTemplate(StreamOperator sop) {
        var spec = sop.getSpec();
        var function = functionContainer(spec);
        var sidecar = sidecarContainer(spec);
        var builder = new PodTemplateSpecBuilder()
                .withNewMetadata()
                    .withLabels(ResourceNames.labels(sop))
                    .withAnnotations(Map.of(ResourceNames.DEFAULT_CONTAINER_ANNOTATION, ResourceNames.FUNCTION_CONTAINER))
                .endMetadata()
                .withNewSpec()
                    .withImagePullSecrets(copy(spec.getImagePullSecrets()))
                    .addNewVolume()
                        .withName(ResourceNames.SIDECAR_TMP_VOLUME)
                        .withNewEmptyDir().withSizeLimit(new Quantity("16Mi")).endEmptyDir()
                    .endVolume()
                .endSpec();
        if (nativeSidecar) {
            // Native sidecar (Kubernetes 1.29+): started and ready before the function, stopped after it.
            sidecar.setRestartPolicy("Always");
            builder.editSpec().withInitContainers(sidecar).withContainers(function).endSpec();
        } else {
            builder.editSpec().withContainers(sidecar, function).endSpec();
        }
        return builder.build();
    }

    Container functionContainer(StreamOperatorSpec spec) {
        var env = new ArrayList<EnvVar>();
        env.addAll(podIdentityEnv());
        env.add(literal("API_PORT", Integer.toString(API_PORT)));
        env.add(literal("PUBLISH_PATH", PUBLISH_PATH));
        env.add(literal("CONSUME_PATH", CONSUME_PATH));
        env.add(literal("GET_PATH", CONSUME_PATH));
        env.addAll(topicEnv(spec));
        if (spec.getEnv() != null) {
            spec.getEnv().forEach(e -> env.add(new EnvVarBuilder(e).build()));
        }
        return new ContainerBuilder()
                .withName(ResourceNames.FUNCTION_CONTAINER)
                .withImage(spec.getImage())
                .withImagePullPolicy(spec.getImagePullPolicy())
                .withEnv(env)
                .withPorts(port("push", pushPort(spec)))
                // Canonical, as the API server stores them: otherwise "1000m" vs. "1" would look like a change every time.
                .withResources(CanonicalQuantities.canonical(spec.getResources()))
                .build();
    }

    Container sidecarContainer(StreamOperatorSpec spec) {
        var secret = brokerSecret(spec);
        var env = new ArrayList<EnvVar>();
        env.addAll(topicEnv(spec));
        env.add(new EnvVarBuilder().withName("RABBITMQ_URI")
                .withNewValueFrom().withNewSecretKeyRef().withName(secret.getName()).withKey(secret.getKey())
                .endSecretKeyRef().endValueFrom().build());
        env.addAll(podIdentityEnv());
        env.add(literal("API_PORT", Integer.toString(API_PORT)));
        env.add(literal("MANAGEMENT_PORT", Integer.toString(MANAGEMENT_PORT)));
        env.add(literal("OPERATOR_PORT", Integer.toString(pushPort(spec))));
        env.add(literal("OPERATOR_PATH", pushPath(spec)));
        if (spec.getInputTopic() != null) {
            // Start pushing at once: functions need not call GET /get_message (old ones still may).
            env.add(literal("PUSH_AUTOSTART", "true"));
        }
        var sidecarSpec = Optional.ofNullable(spec.getSidecar());
        sidecarSpec.map(SidecarSpec::getPrefetch).ifPresent(p -> env.add(literal("PREFETCH", p.toString())));
        sidecarSpec.map(SidecarSpec::getPushConcurrency).ifPresent(c -> env.add(literal("PUSH_CONCURRENCY", c.toString())));
        var resources = sidecarSpec.map(SidecarSpec::getResources).orElse(DEFAULT_SIDECAR_RESOURCES);
        return new ContainerBuilder()
                .withName(ResourceNames.SIDECAR_CONTAINER)
                .withImage(sidecarImage)
                .withEnv(env)
                .withPorts(port("api", API_PORT), port("management", MANAGEMENT_PORT))
                .withStartupProbe(httpProbe("/readyz", 2, 90))
                .withReadinessProbe(httpProbe("/readyz", 5, 3))
                .withLivenessProbe(httpProbe("/healthz", 10, 3))
                .withResources(CanonicalQuantities.canonical(resources))
                .withSecurityContext(restrictedSecurityContext())
                .addNewVolumeMount().withName(ResourceNames.SIDECAR_TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
                .build();
    }

    static SecurityContext restrictedSecurityContext() {
        return new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    private static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString("management")).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(2)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    private static List<EnvVar> topicEnv(StreamOperatorSpec spec) {
        var env = new ArrayList<EnvVar>();
        if (spec.getInputTopic() != null) {
            env.add(literal("INPUT_TOPIC", spec.getInputTopic()));
        }
        if (spec.getOutputTopic() != null) {
            env.add(literal("OUTPUT_TOPIC", spec.getOutputTopic()));
        }
        if (spec.getTerminationTopic() != null) {
            env.add(literal("TERMINATION_TOPIC", spec.getTerminationTopic()));
        }
        return env;
    }

    private static List<EnvVar> podIdentityEnv() {
        return List.of(
                fieldRef("MY_POD_IP", "status.podIP"),
                fieldRef("MY_POD_NAME", "metadata.name"),
                fieldRef("MY_POD_NAMESPACE", "metadata.namespace"));
    }

    private static EnvVar literal(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar fieldRef(String name, String path) {
        // apiVersion spelled out because the API server defaults it; otherwise every match would differ.
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewFieldRef().withApiVersion("v1").withFieldPath(path).endFieldRef().endValueFrom()
                .build();
    }

    private static ContainerPort port(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
    }

    private static int replicas(StreamOperatorSpec spec) {
        return spec.getReplicas() == null ? StreamOperatorSpec.DEFAULT_REPLICAS : spec.getReplicas();
    }

    static int pushPort(StreamOperatorSpec spec) {
        return spec.getPushPort() == null ? StreamOperatorSpec.DEFAULT_PUSH_PORT : spec.getPushPort();
    }

    static String pushPath(StreamOperatorSpec spec) {
        return spec.getPushPath() == null ? StreamOperatorSpec.DEFAULT_PUSH_PATH : spec.getPushPath();
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? null : new ArrayList<>(list);
    }
}
