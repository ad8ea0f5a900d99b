package dev.streamops.operator;

import java.time.Clock;

import dev.streamops.operator.reconcile.FunctionPodTemplate;
import dev.streamops.operator.reconcile.StreamOperatorReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Builds the StreamOps operator: the one place that wires configuration into JOSDK. Main, the
 * tests, the local runtime and the benchmark all get their operator from here, so what they
 * exercise is what ships.
 */
public final class StreamOpsOperator {
    private StreamOpsOperator() {
    }

    /** The operator with its reconciler registered, not started; metrics go to a private registry. */
    public static Operator create(KubernetesClient client, OperatorConfig config) {
        return create(client, config, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /** As {@link #create(KubernetesClient, OperatorConfig)}, with JOSDK's metrics in {@code registry}. */
    public static Operator create(KubernetesClient client, OperatorConfig config, MeterRegistry registry) {
        return create(client, config, registry, Clock.systemUTC());
    }

    static Operator create(KubernetesClient client, OperatorConfig config, MeterRegistry registry, Clock clock) {
        var operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    // Plain create/update/JSON-patch instead of server-side apply; see README "Why SSA is off".
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build())
                    // The caller owns the client (tests and the local runtime reuse it after stop()).
                    .withCloseClientOnStop(false);
            if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                        new LeaderElectionConfiguration(OperatorConfig.LEASE_NAME, config.leaderElectionNamespace()));
            }
        });
        var reconciler = new StreamOperatorReconciler(new FunctionPodTemplate(config), client, clock);
        operator.register(reconciler, c -> {
            if (config.watchAllNamespaces()) {
                c.watchingAllNamespaces();
            } else {
                c.settingNamespaces(config.watchNamespaces());
            }
        });
        return operator;
    }
}
