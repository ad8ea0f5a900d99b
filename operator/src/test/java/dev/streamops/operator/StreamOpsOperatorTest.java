package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.reconcile.FunctionPodTemplate;
import dev.streamops.operator.reconcile.ResourceNames;
import dev.streamops.operator.reconcile.StatusAggregator;
import dev.streamops.operator.reconcile.StreamOperatorReconciler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The operator as it ships (StreamOpsOperator.create), running against the Fabric8 mock API server
 * in CRUD mode. The mock has no Deployment controller, so tests play its part by writing
 * Deployment status.
 */
@EnableKubernetesMockClient(crud = true)
class StreamOpsOperatorTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final String NS = "pipelines";
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final OperatorConfig CONFIG = OperatorConfig.defaults();
    private static final FunctionPodTemplate TEMPLATE = new FunctionPodTemplate(CONFIG);
    private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();
    private static Operator operator;

    @BeforeAll
    static void startOperator() {
        client.resource(TestResources.generatedCrd()).create();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        client.resource(TestResources.brokerSecret(NS, "rabbitmq", "uri")).create();
        operator = StreamOpsOperator.create(client, CONFIG, METRICS);
        operator.start();
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.stop();
        }
    }

    @Test
    void createsTheDeploymentWithTheExactPodTemplateAndAnOwnerReference() {
        var sop = create(TestResources.streamOperator(NS, "enricher", "example/enricher:1", "in-a", "out-a"));

        var deployment = awaitDeployment("enricher", d -> true);

        var expected = TEMPLATE.deployment(sop);
        assertThat(yaml(deployment.getSpec().getTemplate())).isEqualTo(yaml(expected.getSpec().getTemplate()));
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getSelector()).isEqualTo(expected.getSpec().getSelector());
        assertThat(deployment.getMetadata().getLabels()).containsAllEntriesOf(expected.getMetadata().getLabels());
        var owner = deployment.getMetadata().getOwnerReferences();
        assertThat(owner).hasSize(1);
        assertThat(owner.getFirst().getKind()).isEqualTo("StreamOperator");
        assertThat(owner.getFirst().getName()).isEqualTo("enricher");
        assertThat(owner.getFirst().getUid()).isEqualTo(sop.getMetadata().getUid());
        assertThat(owner.getFirst().getController()).isTrue();
    }

    @Test
    void rollsOutChangesOfImageTopicsEnvAndReplicas() {
        create(TestResources.streamOperator(NS, "changing", "example/f:1", "in-b", "out-b"));
        awaitDeployment("changing", d -> true);

        var sop = editStreamOperator("changing", s -> {
            s.getSpec().setImage("example/f:2");
            s.getSpec().setInputTopic("in-b2");
            s.getSpec().setOutputTopic("out-b2");
            s.getSpec().setEnv(List.of(new EnvVar("MODE", "fast", null)));
            s.getSpec().setReplicas(3);
            return s;
        });

        var deployment = awaitDeployment("changing", d -> d.getSpec().getReplicas() == 3
                && "example/f:2".equals(function(d).getImage()));
        assertThat(yaml(deployment.getSpec().getTemplate())).isEqualTo(yaml(TEMPLATE.deployment(sop).getSpec().getTemplate()));
        assertThat(function(deployment).getEnv()).contains(new EnvVar("INPUT_TOPIC", "in-b2", null),
                new EnvVar("OUTPUT_TOPIC", "out-b2", null), new EnvVar("MODE", "fast", null));
    }

    @Test
    void revertsManualEditsOfTheDeployment() {
        var sop = create(TestResources.streamOperator(NS, "guarded", "example/g:1", "in-c", null));
        awaitDeployment("guarded", d -> true);

        client.apps().deployments().inNamespace(NS).withName("guarded").edit(d -> {
            d.getSpec().setReplicas(7);
            function(d).setImage("attacker/image:latest");
            return d;
        });

        var reverted = awaitDeployment("guarded",
                d -> d.getSpec().getReplicas() == 1 && "example/g:1".equals(function(d).getImage()));
        assertThat(yaml(reverted.getSpec().getTemplate())).isEqualTo(yaml(TEMPLATE.deployment(sop).getSpec().getTemplate()));
    }

    /**
     * With server-side apply off, JOSDK's generic matcher took whatever the live Deployment had
     * beyond the desired one for a server default, so removals never rolled out.
     */
    @Test
    void rollsOutRemovalsFromTheSpec() {
        var sop = TestResources.streamOperator(NS, "shrinking", "example/sh:1", "in-j", "out-j");
        sop.getSpec().setTerminationTopic("done-j");
        sop.getSpec().setEnv(List.of(new EnvVar("MODE", "fast", null), new EnvVar("LEVEL", "3", null)));
        sop.getSpec().setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("50m"))
                .addToLimits("memory", new Quantity("128Mi")).build());
        sop.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
        var sidecar = new SidecarSpec();
        sidecar.setPrefetch(20);
        sidecar.setPushConcurrency(4);
        sop.getSpec().setSidecar(sidecar);
        create(sop);
        awaitDeployment("shrinking", d -> sidecar(d).getEnv().stream().anyMatch(e -> e.getName().equals("PREFETCH")));

        List<java.util.function.Consumer<StreamOperator>> removals = List.of(
                s -> s.getSpec().setTerminationTopic(null),
                s -> s.getSpec().setEnv(List.of(new EnvVar("MODE", "fast", null))),
                s -> s.getSpec().getResources().setLimits(Map.of()),
                s -> s.getSpec().setImagePullSecrets(null),
                s -> s.getSpec().getSidecar().setPrefetch(null),
                s -> s.getSpec().getSidecar().setPushConcurrency(null),
                s -> s.getSpec().setInputTopic(null));
        for (var removal : removals) {
            var edited = editStreamOperator("shrinking", s -> {
                removal.accept(s);
                return s;
            });
            var expected = yaml(TEMPLATE.deployment(edited).getSpec().getTemplate());
            awaitDeployment("shrinking", d -> yaml(d.getSpec().getTemplate()).equals(expected));
        }
        var last = awaitDeployment("shrinking", d -> true);
        assertThat(function(last).getEnv()).extracting(EnvVar::getName)
                .doesNotContain("TERMINATION_TOPIC", "LEVEL", "INPUT_TOPIC").contains("MODE", "OUTPUT_TOPIC");
        assertThat(sidecar(last).getEnv()).extracting(EnvVar::getName)
                .doesNotContain("PREFETCH", "PUSH_CONCURRENCY", "PUSH_AUTOSTART", "INPUT_TOPIC");
        assertThat(function(last).getResources().getLimits()).isNullOrEmpty();
        assertThat(last.getSpec().getTemplate().getSpec().getImagePullSecrets()).isNullOrEmpty();
    }

    /** What `kubectl rollout restart` sets is not ours: kept, also when the operator updates the Deployment. */
    @Test
    void keepsTheRolloutRestartAnnotationAcrossUpdates() {
        create(TestResources.streamOperator(NS, "restarted", "example/r:1", "in-n", null));
        awaitDeployment("restarted", d -> true);
        var restartedAt = "kubectl.kubernetes.io/restartedAt";
        client.apps().deployments().inNamespace(NS).withName("restarted").edit(d -> {
            d.getSpec().getTemplate().getMetadata().getAnnotations().put(restartedAt, "2026-01-02T03:04:05Z");
            return d;
        });

        editStreamOperator("restarted", s -> {
            s.getSpec().setImage("example/r:2");
            return s;
        });
        var updated = awaitDeployment("restarted", d -> "example/r:2".equals(function(d).getImage()));
        assertThat(updated.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(restartedAt, "2026-01-02T03:04:05Z")
                .containsEntry(ResourceNames.DEFAULT_CONTAINER_ANNOTATION, ResourceNames.FUNCTION_CONTAINER);
    }

    /** Additions by hand are reverted too, not taken for server defaults. */
    @Test
    void revertsManualAdditionsToTheDeployment() {
        var sop = create(TestResources.streamOperator(NS, "tamper", "example/t:1", "in-k", null));
        var expected = yaml(TEMPLATE.deployment(sop).getSpec().getTemplate());
        awaitDeployment("tamper", d -> true);

        List<java.util.function.UnaryOperator<Deployment>> additions = List.of(
                d -> { // kubectl set env deploy/tamper DEBUG=1
                    function(d).getEnv().add(new EnvVar("DEBUG", "1", null));
                    return d;
                },
                d -> {
                    d.getSpec().getTemplate().getSpec().getContainers()
                            .add(new ContainerBuilder().withName("miner").withImage("evil/miner:1").build());
                    return d;
                },
                d -> {
                    d.getSpec().getTemplate().getSpec().getVolumes()
                            .add(new VolumeBuilder().withName("host").withNewHostPath("/", "").build());
                    function(d).getVolumeMounts().add(new VolumeMountBuilder().withName("host").withMountPath("/host").build());
                    return d;
                },
                d -> {
                    function(d).setSecurityContext(new SecurityContextBuilder().withPrivileged(true).build());
                    return d;
                });
        for (var addition : additions) {
            var edited = client.apps().deployments().inNamespace(NS).withName("tamper").edit(addition);
            assertThat(yaml(edited.getSpec().getTemplate())).as("the edit was stored").isNotEqualTo(expected);
            awaitDeployment("tamper", d -> yaml(d.getSpec().getTemplate()).equals(expected));
        }
    }

    /**
     * The informer only sees Deployments labelled managed-by=streamops-operator. Removing the label
     * drops the Deployment from its cache, and creating it again fails with 409 AlreadyExists: the
     * operator takes back the Deployment it controls instead.
     */
    @Test
    void recoversADeploymentWhoseManagedByLabelWasRemoved() {
        create(TestResources.streamOperator(NS, "unlabelled", "example/u:1", "in-l", null));
        awaitDeployment("unlabelled", d -> true);
        awaitStatus("unlabelled", s -> hasCondition(s, StatusAggregator.ERROR, "False"));

        client.apps().deployments().inNamespace(NS).withName("unlabelled").edit(d -> {
            d.getMetadata().getLabels().remove(ResourceNames.LABEL_MANAGED_BY);
            return d;
        });

        awaitDeployment("unlabelled",
                d -> ResourceNames.MANAGED_BY.equals(d.getMetadata().getLabels().get(ResourceNames.LABEL_MANAGED_BY)));
        // Taken back, not failing: no ReconcileFailed (409) on the way.
        var sop = awaitStatus("unlabelled", s -> true);
        assertCondition(sop, StatusAggregator.ERROR, "False", StatusAggregator.REASON_NO_ERROR);
        assertThat(client.v1().events().inNamespace(NS).list().getItems()).noneMatch(e -> "unlabelled".equals(
                e.getInvolvedObject().getName()) && StatusAggregator.REASON_RECONCILE_FAILED.equals(e.getReason()));
    }

    /** A Deployment of the same name that the StreamOperator does not control is not taken over. */
    @Test
    void doesNotTakeOverADeploymentItDoesNotControl() {
        var foreign = TEMPLATE.deployment(TestResources.streamOperator(NS, "squatted", "someone/else:1", "x", null));
        foreign.getMetadata().setLabels(Map.of("app", "theirs"));
        foreign.getMetadata().setAnnotations(Map.of());
        client.resource(foreign).create();
        create(TestResources.streamOperator(NS, "squatted", "example/q:1", "in-m", null));

        var sop = awaitStatus("squatted", s -> hasCondition(s, StatusAggregator.ERROR, "True"));
        assertCondition(sop, StatusAggregator.ERROR, "True", StatusAggregator.REASON_RECONCILE_FAILED);
        assertThat(sop.getStatus().condition(StatusAggregator.ERROR).orElseThrow().getMessage())
                .contains("already exists and is not controlled by StreamOperator squatted");
        assertThat(function(client.apps().deployments().inNamespace(NS).withName("squatted").get()).getImage())
                .isEqualTo("someone/else:1");
    }

    @Test
    void reportsDeploymentProgressInStatusAndConditions() {
        create(TestResources.streamOperator(NS, "progress", "example/p:1", null, "out-d"));
        var deployment = awaitDeployment("progress", d -> true);

        var progressing = awaitStatus("progress", s -> s.getStatus() != null
                && s.getStatus().condition(StatusAggregator.READY).isPresent());
        assertThat(progressing.getStatus().getReady()).isEqualTo("0/1");
        assertThat(progressing.getStatus().getObservedGeneration()).isEqualTo(progressing.getMetadata().getGeneration());
        assertThat(progressing.getStatus().getSelector())
                .isEqualTo("app.kubernetes.io/name=streamops-function,app.kubernetes.io/instance=progress");
        assertCondition(progressing, StatusAggregator.READY, "False", StatusAggregator.REASON_PROGRESSING);
        assertCondition(progressing, StatusAggregator.ERROR, "False", StatusAggregator.REASON_NO_ERROR);

        setDeploymentStatus(deployment, 1, 1, 1, null);
        var ready = awaitStatus("progress", s -> "1/1".equals(s.getStatus().getReady())
                && hasCondition(s, StatusAggregator.READY, "True"));
        assertCondition(ready, StatusAggregator.READY, "True", StatusAggregator.REASON_AVAILABLE);
        assertThat(ready.getStatus().getReplicas()).isEqualTo(1);
        assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(1);
        awaitEvent("progress", StatusAggregator.REASON_AVAILABLE, "Normal");

        var deadline = new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet \"progress-abc\" has timed out progressing.")
                .build();
        setDeploymentStatus(deployment, 1, 0, 1, deadline);
        var failed = awaitStatus("progress", s -> hasCondition(s, StatusAggregator.ERROR, "True"));
        assertCondition(failed, StatusAggregator.READY, "False", StatusAggregator.REASON_ROLLOUT_FAILED);
        assertCondition(failed, StatusAggregator.ERROR, "True", StatusAggregator.REASON_ROLLOUT_FAILED);
        assertThat(failed.getStatus().condition(StatusAggregator.ERROR).orElseThrow().getMessage())
                .contains("progress deadline").contains("has timed out progressing");
        awaitEvent("progress", StatusAggregator.REASON_ROLLOUT_FAILED, "Warning");
    }

    @Test
    void invalidSpecGivesConditionAndEventAndNoDeployment() {
        var bad = TestResources.streamOperator(NS, "invalid", "example/i:1", "amq.reserved", null);
        create(bad);

        var sop = awaitStatus("invalid", s -> hasCondition(s, StatusAggregator.ERROR, "True"));
        assertCondition(sop, StatusAggregator.ERROR, "True", StatusAggregator.REASON_INVALID_SPEC);
        assertCondition(sop, StatusAggregator.READY, "False", StatusAggregator.REASON_INVALID_SPEC);
        assertThat(sop.getStatus().condition(StatusAggregator.ERROR).orElseThrow().getMessage())
                .contains("spec.inputTopic").contains("amq.");
        var event = awaitEvent("invalid", StatusAggregator.REASON_INVALID_SPEC, "Warning");
        assertThat(event.getMessage()).contains("spec.inputTopic");
        assertThat(client.apps().deployments().inNamespace(NS).withName("invalid").get()).isNull();

        // Fixing the spec recovers.
        editStreamOperator("invalid", s -> {
            s.getSpec().setInputTopic("fine");
            return s;
        });
        awaitDeployment("invalid", d -> true);
        awaitStatus("invalid", s -> hasCondition(s, StatusAggregator.ERROR, "False"));
    }

    @Test
    void missingBrokerSecretGivesConditionAndEventUntilTheSecretAppears() {
        var sop = TestResources.streamOperator(NS, "lonely", "example/l:1", "in-e", null);
        sop.getSpec().setBroker(new dev.streamops.operator.api.BrokerSpec(
                new dev.streamops.operator.api.SecretKeySelector("other-broker", "amqp-uri")));
        create(sop);

        var missing = awaitStatus("lonely", s -> hasCondition(s, StatusAggregator.ERROR, "True"));
        assertCondition(missing, StatusAggregator.ERROR, "True", StatusAggregator.REASON_BROKER_SECRET_MISSING);
        assertThat(missing.getStatus().condition(StatusAggregator.ERROR).orElseThrow().getMessage())
                .contains("'other-broker'").contains(NS);
        awaitEvent("lonely", StatusAggregator.REASON_BROKER_SECRET_MISSING, "Warning");
        assertThat(client.apps().deployments().inNamespace(NS).withName("lonely").get()).isNull();

        // The operator does not watch Secrets; it looks again after SECRET_RECHECK.
        client.resource(TestResources.brokerSecret(NS, "other-broker", "amqp-uri")).create();
        var deployment = awaitDeployment("lonely", d -> true);
        var uri = sidecar(deployment).getEnv().stream().filter(e -> e.getName().equals("RABBITMQ_URI")).findFirst().orElseThrow();
        assertThat(uri.getValue()).isNull();
        assertThat(uri.getValueFrom().getSecretKeyRef().getName()).isEqualTo("other-broker");
        assertThat(uri.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("amqp-uri");
    }

    @Test
    void refusedDeploymentGivesReconcileFailedConditionAndEvent() {
        var ns = "quota";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        client.resource(TestResources.brokerSecret(ns, "rabbitmq", "uri")).create();
        server.expect().post().withPath("/apis/apps/v1/namespaces/" + ns + "/deployments")
                .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
                        .withMessage("deployments.apps \"refused\" is forbidden: exceeded quota: pods").build())
                .always();
        client.resource(TestResources.streamOperator(ns, "refused", "example/r:1", "in-h", null)).create();

        var sop = await().atMost(WAIT).until(
                () -> client.resources(StreamOperator.class).inNamespace(ns).withName("refused").get(),
                s -> s.getStatus() != null && hasCondition(s, StatusAggregator.ERROR, "True"));
        assertCondition(sop, StatusAggregator.ERROR, "True", StatusAggregator.REASON_RECONCILE_FAILED);
        assertThat(sop.getStatus().condition(StatusAggregator.ERROR).orElseThrow().getMessage())
                .startsWith("Reconciliation failed (will retry): ").contains("exceeded quota");
        await().atMost(WAIT).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> StatusAggregator.REASON_RECONCILE_FAILED.equals(e.getReason()) && "Warning".equals(e.getType())));
    }

    @Test
    void failedReconciliationsAreRetriedForeverWithCappedExponentialBackoff() {
        // The retry policy of the registered controller, as it ships; its schedule is computed, not waited for.
        var retry = operator.getRegisteredController(StreamOperatorReconciler.NAME).orElseThrow().getConfiguration().getRetry();
        var execution = retry.initExecution();
        var delays = new java.util.ArrayList<Long>();
        for (int attempt = 0; attempt < 10_000; attempt++) {
            delays.add(execution.nextDelay().orElseThrow(() -> new AssertionError("retries stopped")));
            assertThat(execution.isLastAttempt()).isFalse();
        }
        assertThat(delays.subList(0, 10)).containsExactly(
                2_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 64_000L, 128_000L, 256_000L, 300_000L);
        assertThat(delays.subList(10, delays.size())).allMatch(d -> d == StreamOpsOperator.RETRY_MAX_INTERVAL.toMillis());
    }

    @Test
    void scaleSubresourceScalesTheDeployment() {
        create(TestResources.streamOperator(NS, "scaled", "example/s:1", "in-g", null));
        awaitDeployment("scaled", d -> true);

        // What `kubectl scale sop/scaled --replicas=4` (or an HPA) does: write the scale subresource.
        await().atMost(WAIT).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
                .until(() -> client.resources(StreamOperator.class).inNamespace(NS).withName("scaled").scale(4), Objects::nonNull);
        assertThat(client.resources(StreamOperator.class).inNamespace(NS).withName("scaled").get().getSpec().getReplicas())
                .isEqualTo(4);

        awaitDeployment("scaled", d -> d.getSpec().getReplicas() == 4);
    }

    @Test
    void deletionIsLeftToTheGarbageCollectorAndNeverTouchesTheBroker() {
        create(TestResources.streamOperator(NS, "doomed", "example/d:1", "in-i", null));
        awaitDeployment("doomed", d -> true);
        var sop = awaitStatus("doomed", s -> true);
        // No finalizer: deleting the StreamOperator is not held up by the operator, and the owner
        // reference lets Kubernetes delete the Deployment and pods. Queues stay: the operator has
        // no broker client at all.
        assertThat(sop.getMetadata().getFinalizers()).isEmpty();
        assertThat(client.apps().deployments().inNamespace(NS).withName("doomed").get().getMetadata().getOwnerReferences())
                .singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(sop.getMetadata().getUid()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Class.forName("com.rabbitmq.client.ConnectionFactory"))
                .isInstanceOf(ClassNotFoundException.class);
        client.resource(sop).delete();
        await().atMost(WAIT).until(() -> client.resources(StreamOperator.class).inNamespace(NS).withName("doomed").get() == null);
    }

    @Test
    void publishesReconciliationMetrics() {
        create(TestResources.streamOperator(NS, "measured", "example/m:1", "in-f", null));
        awaitDeployment("measured", d -> true);
        await().atMost(WAIT).untilAsserted(() -> assertThat(METRICS.getMeters())
                .anyMatch(m -> m.getId().getName().startsWith("operator.sdk.reconciliations")));
    }

    // --- helpers ---

    /** Compared as YAML: a readable diff, and null vs. empty list (same on the wire) compare equal. */
    private static String yaml(Object o) {
        return client.getKubernetesSerialization().asYaml(o);
    }

    /** The operator patches status concurrently: retry an edit that lost the optimistic-lock race. */
    private static StreamOperator editStreamOperator(String name, java.util.function.UnaryOperator<StreamOperator> edit) {
        return await().atMost(WAIT).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
                .until(() -> client.resources(StreamOperator.class).inNamespace(NS).withName(name).edit(edit), Objects::nonNull);
    }

    private static StreamOperator create(StreamOperator sop) {
        return client.resource(sop).create();
    }

    private static Deployment awaitDeployment(String name, java.util.function.Predicate<Deployment> condition) {
        return await().atMost(WAIT).until(
                () -> client.apps().deployments().inNamespace(NS).withName(name).get(),
                d -> d != null && condition.test(d));
    }

    private static StreamOperator awaitStatus(String name, java.util.function.Predicate<StreamOperator> condition) {
        return await().atMost(WAIT).until(
                () -> client.resources(StreamOperator.class).inNamespace(NS).withName(name).get(),
                s -> s != null && s.getStatus() != null && condition.test(s));
    }

    private static Event awaitEvent(String name, String reason, String type) {
        return await().atMost(WAIT).until(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
                        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())
                                && type.equals(e.getType()) && "StreamOperator".equals(e.getInvolvedObject().getKind()))
                        .findFirst().orElse(null),
                Objects::nonNull);
    }

    private static void setDeploymentStatus(Deployment deployment, int replicas, int ready, int updated,
            DeploymentCondition condition) {
        var current = client.apps().deployments().inNamespace(NS).withName(deployment.getMetadata().getName()).get();
        var status = new DeploymentStatusBuilder()
                .withReplicas(replicas).withReadyReplicas(ready).withUpdatedReplicas(updated).withAvailableReplicas(ready)
                .withObservedGeneration(current.getMetadata().getGeneration());
        if (condition != null) {
            status.withConditions(condition);
        }
        current.setStatus(status.build());
        client.resource(current).updateStatus();
    }

    private static boolean hasCondition(StreamOperator sop, String type, String status) {
        return sop.getStatus().condition(type).map(Condition::getStatus).filter(status::equals).isPresent();
    }

    private static void assertCondition(StreamOperator sop, String type, String status, String reason) {
        var condition = sop.getStatus().condition(type).orElseThrow(() -> new AssertionError("no condition " + type));
        assertThat(Map.of("status", condition.getStatus(), "reason", condition.getReason()))
                .isEqualTo(Map.of("status", status, "reason", reason));
        assertThat(condition.getLastTransitionTime()).isNotBlank();
        assertThat(condition.getObservedGeneration()).isEqualTo(sop.getMetadata().getGeneration());
    }

    private static io.fabric8.kubernetes.api.model.Container function(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("function")).findFirst().orElseThrow();
    }

    private static io.fabric8.kubernetes.api.model.Container sidecar(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getInitContainers().stream()
                .filter(c -> c.getName().equals("sidecar")).findFirst().orElseThrow();
    }
}
