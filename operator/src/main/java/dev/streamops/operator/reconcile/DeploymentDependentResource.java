package dev.streamops.operator.reconcile;

import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;

/**
 * The Deployment of one StreamOperator. It is compared with {@link #desired} on every
 * reconciliation ({@link DeploymentMatcher}) and updated when they differ, which both rolls out
 * spec changes and reverts manual edits of the fields we own. Owned by the StreamOperator, so
 * deleting it deletes the pods.
 */
public class DeploymentDependentResource extends CRUDKubernetesDependentResource<Deployment, StreamOperator> {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentDependentResource.class);

    private final FunctionPodTemplate template;

    public DeploymentDependentResource(FunctionPodTemplate template) {
        super(Deployment.class);
        this.template = template;
        // Only Deployments we made: keeps the informer cache small in big clusters. One whose
        // label was removed drops out of the cache; create() below takes it back.
        configureWith(new KubernetesDependentResourceConfigBuilder<Deployment>()
                .withKubernetesDependentInformerConfig(InformerConfiguration.builder(Deployment.class)
                        .withLabelSelector(ResourceNames.managedSelector())
                        .build())
                .build());
    }

    /** The StreamOperator is the Deployment's controller: `kubectl describe` shows "Controlled By". */
    @Override
    protected void addReferenceHandlingMetadata(Deployment desired, StreamOperator primary) {
        super.addReferenceHandlingMetadata(desired, primary);
        desired.getMetadata().getOwnerReferences().stream()
                .filter(ref -> ref.getUid() != null && ref.getUid().equals(primary.getMetadata().getUid()))
                .forEach(ref -> {
                    ref.setController(true);
                    ref.setBlockOwnerDeletion(true);
                });
    }

    @Override
    protected Deployment desired(StreamOperator primary, Context<StreamOperator> context) {
        return template.deployment(primary);
    }

    /**
     * Replaces JOSDK's generic matcher, which (with server-side apply off) takes anything the live
     * object has beyond the desired one for a server default: removals from the spec never rolled
     * out and additions by hand were never reverted.
     */
    @Override
    public Result<Deployment> match(Deployment actual, Deployment desired, StreamOperator primary,
            Context<StreamOperator> context) {
        // As JOSDK's own match does: desired keeps the bookkeeping annotation and gets the owner reference.
        addMetadata(true, actual, desired, primary, context);
        var differences = DeploymentMatcher.differences(desired, actual);
        if (!differences.isEmpty()) {
            LOG.info("Deployment {}/{} differs from its StreamOperator at {}; updating it",
                    actual.getMetadata().getNamespace(), actual.getMetadata().getName(), differences);
        }
        return Result.computed(differences.isEmpty(), desired);
    }

    /**
     * An update replaces the whole spec with ours. The pod-template labels and annotations that
     * others set and the matcher leaves alone (`kubectl rollout restart`'s restartedAt above all)
     * are carried over: dropping them would change the template and restart every pod once more.
     */
    @Override
    public Deployment update(Deployment actual, Deployment desired, StreamOperator primary,
            Context<StreamOperator> context) {
        var live = actual.getSpec().getTemplate().getMetadata();
        var ours = desired.getSpec().getTemplate().getMetadata();
        ours.setLabels(merged(live.getLabels(), ours.getLabels()));
        ours.setAnnotations(merged(live.getAnnotations(), ours.getAnnotations()));
        return super.update(actual, desired, primary, context);
    }

    /** Theirs, overridden by ours. */
    private static Map<String, String> merged(Map<String, String> theirs, Map<String, String> ours) {
        var merged = new LinkedHashMap<String, String>();
        if (theirs != null) {
            merged.putAll(theirs);
        }
        if (ours != null) {
            merged.putAll(ours);
        }
        return merged;
    }

    /**
     * A Deployment that lost the managed-by label is no longer in the informer's cache, so JOSDK
     * tries to create it and gets 409 AlreadyExists, on every retry. If the existing Deployment is
     * controlled by this StreamOperator, it is ours: update it (which puts the label back). One
     * controlled by anything else is not taken over.
     */
    @Override
    public Deployment create(Deployment desired, StreamOperator primary, Context<StreamOperator> context) {
        try {
            return super.create(desired, primary, context);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            var namespace = desired.getMetadata().getNamespace();
            var name = desired.getMetadata().getName();
            var existing = context.getClient().apps().deployments().inNamespace(namespace).withName(name).get();
            if (existing == null) {
                throw e; // deleted in the meantime: the retry creates it
            }
            if (!controlledBy(existing, primary)) {
                throw new IllegalStateException("Deployment " + name + " already exists and is not controlled by "
                        + "StreamOperator " + name + "; delete or rename that Deployment", e);
            }
            LOG.info("Deployment {}/{} exists but was not in the operator's cache (label {} removed?); updating it",
                    namespace, name, ResourceNames.managedSelector());
            return update(existing, desired(primary, context), primary, context);
        }
    }

    private static boolean controlledBy(Deployment deployment, StreamOperator primary) {
        return deployment.getMetadata().getOwnerReferences().stream()
                .anyMatch(ref -> Boolean.TRUE.equals(ref.getController())
                        && primary.getMetadata().getUid() != null
                        && primary.getMetadata().getUid().equals(ref.getUid()));
    }
}
