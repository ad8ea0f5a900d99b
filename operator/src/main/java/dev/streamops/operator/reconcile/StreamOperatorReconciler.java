package dev.streamops.operator.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.api.StreamOperatorStatus;
import dev.streamops.operator.reconcile.StatusAggregator.Observation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;

/**
 * StreamOperator → Deployment. Reads like the phases it runs: validate, check the broker Secret,
 * reconcile the Deployment, record status (and an Event when a condition turns True).
 * The operator never talks to RabbitMQ: deleting a StreamOperator leaves its queues alone.
 */
@ControllerConfiguration(name = StreamOperatorReconciler.NAME)
public class StreamOperatorReconciler implements Reconciler<StreamOperator> {
    public static final String NAME = "streamoperator";
    /** The operator does not watch Secrets (no list/watch permission needed): it looks again after this. */
    public static final Duration SECRET_RECHECK = Duration.ofSeconds(10);
    private static final int MAX_MESSAGE = 600;
    private static final Logger LOG = LoggerFactory.getLogger(StreamOperatorReconciler.class);

    private final StreamOperatorValidator validator = new StreamOperatorValidator();
    private final FunctionPodTemplate template;
    private final DeploymentDependentResource deployment;
    private final StatusAggregator statusAggregator;
    private final EventRecorder events;
    private final KubernetesClient client;

    public StreamOperatorReconciler(FunctionPodTemplate template, KubernetesClient client, Clock clock) {
        this.template = template;
        this.deployment = new DeploymentDependentResource(template);
        this.statusAggregator = new StatusAggregator(clock);
        this.events = new EventRecorder(client, clock);
        this.client = client;
    }

    @Override
    public List<EventSource<?, StreamOperator>> prepareEventSources(EventSourceContext<StreamOperator> context) {
        return EventSourceUtils.dependentEventSources(context, deployment);
    }

    @Override
    public UpdateControl<StreamOperator> reconcile(StreamOperator sop, Context<StreamOperator> context) {
        var problems = validator.validate(sop);
        if (!problems.isEmpty()) {
            record(sop, new Observation.InvalidSpec("Invalid spec: " + String.join("; ", problems)), context);
            return UpdateControl.noUpdate();
        }
        var secretProblem = brokerSecretProblem(sop);
        if (secretProblem != null) {
            record(sop, new Observation.BrokerSecretMissing(secretProblem), context);
            return UpdateControl.<StreamOperator>noUpdate().rescheduleAfter(SECRET_RECHECK);
        }
        var result = deployment.reconcile(sop, context);
        var actual = result.getSingleResource()
                .or(() -> context.getSecondaryResource(Deployment.class))
                .orElseThrow(() -> new IllegalStateException("Deployment " + ResourceNames.deploymentName(sop)
                        + " was neither found nor created"));
        record(sop, new Observation.Deployed(actual), context);
        return UpdateControl.noUpdate();
    }

    @Override
    public ErrorStatusUpdateControl<StreamOperator> updateErrorStatus(StreamOperator sop,
            Context<StreamOperator> context, Exception e) {
        LOG.warn("Reconciling {}/{} failed", sop.getMetadata().getNamespace(), sop.getMetadata().getName(), e);
        record(sop, new Observation.Failed("Reconciliation failed (will retry): " + shorten(e.getMessage())), context);
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** API server messages can embed whole objects; a condition message should stay readable. */
    private static String shorten(String message) {
        var text = String.valueOf(message).strip();
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
    }

    /** @return why the sidecar could not read RABBITMQ_URI, or null when the Secret and key exist */
    private String brokerSecretProblem(StreamOperator sop) {
        var ref = template.brokerSecret(sop.getSpec());
        // A GET, not a watch: the operator's role may only get Secrets, and never sees their values in logs.
        Secret secret = client.secrets().inNamespace(sop.getMetadata().getNamespace()).withName(ref.getName()).get();
        if (secret == null) {
            return "Broker Secret '" + ref.getName() + "' not found in namespace " + sop.getMetadata().getNamespace()
                    + "; create it with the RabbitMQ URI under key '" + ref.getKey() + "'";
        }
        boolean hasKey = (secret.getData() != null && secret.getData().containsKey(ref.getKey()))
                || (secret.getStringData() != null && secret.getStringData().containsKey(ref.getKey()));
        if (!hasKey) {
            return "Broker Secret '" + ref.getName() + "' has no key '" + ref.getKey() + "' (the RabbitMQ URI)";
        }
        return null;
    }

    /**
     * Writes the new status when it changed, with an Event for each condition turned True.
     *
     * <p>Not through {@code UpdateControl.patchStatus}: without server-side apply JOSDK sends a JSON Patch
     * computed against the cached copy and without a resourceVersion, so a stale cache applies its diff to a
     * newer status and can mix two conditions into one that never existed (seen: Ready=False Progressing
     * "1/1 replicas ready", stuck, since status-only changes trigger no reconciliation). Instead the whole
     * status is replaced (PUT on the status subresource) with optimistic locking: on a conflict JOSDK re-reads
     * the resource and writes this status onto it (it describes the generation this reconciliation saw; a newer
     * one brings its own reconciliation), and the result goes into JOSDK's cache for the next reconciliation.
     * A JSON merge patch would do the same on a real API server, but the Fabric8 mock server the tests run
     * against merges the conditions list instead of replacing it.
     */
    private void record(StreamOperator sop, Observation observation, Context<StreamOperator> context) {
        StreamOperatorStatus previous = sop.getStatus();
        var current = statusAggregator.aggregate(sop, observation);
        if (current.equals(previous)) {
            return;
        }
        for (var condition : StatusAggregator.newlyTrue(previous, current)) {
            if (StatusAggregator.ERROR.equals(condition.getType())) {
                events.warning(sop, condition.getReason(), condition.getMessage());
            } else {
                events.normal(sop, condition.getReason(), condition.getMessage());
            }
        }
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(sop, context, fresh -> {
            fresh.setStatus(current);
            return fresh;
        });
    }
}
