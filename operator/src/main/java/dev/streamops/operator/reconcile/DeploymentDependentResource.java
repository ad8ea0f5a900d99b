package dev.streamops.operator.reconcile;

import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;

/**
 * The Deployment of one StreamOperator. JOSDK compares it with {@link #desired} on every
 * reconciliation and updates it when they differ, which both rolls out spec changes and reverts
 * manual edits of the fields we set. Owned by the StreamOperator, so deleting it deletes the pods.
 */
public class DeploymentDependentResource extends CRUDKubernetesDependentResource<Deployment, StreamOperator> {
    private final FunctionPodTemplate template;

    public DeploymentDependentResource(FunctionPodTemplate template) {
        super(Deployment.class);
        this.template = template;
        // Only Deployments we made: keeps the informer cache small in big clusters.
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
}
