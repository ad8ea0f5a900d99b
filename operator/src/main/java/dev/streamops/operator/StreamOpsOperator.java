package dev.streamops.operator;

import java.time.Clock;
import java.time.Duration;

import dev.streamops.operator.reconcile.FunctionPodTemplate;
import dev.streamops.operator.reconcile.StreamOperatorReconciler;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Builds the StreamOps operator: the one place that wires configuration into JOSDK. Main, the
 * tests, the local runtime and the benchmark all get their operator from here, so what they
 * exercise is what ships.
 */
public final class StreamOpsOperator {
    /** First wait before retrying a failed reconciliation; doubles with each further failure. */
    public static final Duration RETRY_INITIAL_INTERVAL = Duration.ofSeconds(2);
    /** Longest wait between retries of a failing reconciliation. */
    public static final Duration RETRY_MAX_INTERVAL = Duration.ofMinutes(5);

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

    /**
     * A replica that loses its Lease must stop reconciling at once, so it exits (Kubernetes restarts
     * it as a standby). JOSDK's own exit-on-stop-leading calls System.exit on the thread that stops
     * the operator, which deadlocks when that is a shutdown hook (SIGTERM); exiting from a fresh
     * daemon thread does the same job without blocking the shutdown.
     */
    static LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        var log = LoggerFactory.getLogger(StreamOpsOperator.class);
        var callbacks = new LeaderCallbacks(
                () -> log.info("Became leader (Lease {}/{})", config.leaderElectionNamespace(), OperatorConfig.LEASE_NAME),
                () -> {
                    var exit = new Thread(() -> {
                        log.info("Stopped leading; exiting so that only the leader reconciles");
                        System.exit(1);
                    }, "leader-lost-exit");
                    exit.setDaemon(true);
                    exit.start();
                },
                leader -> log.info("Leader is {}", leader));
        return new LeaderElectionConfiguration(OperatorConfig.LEASE_NAME, config.leaderElectionNamespace(),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                null, callbacks, false);
    }

    /**
     * How a failed reconciliation (the API server refused a change, a conflict, a timeout) is tried
     * again: forever, because the cause is usually outside the operator (a quota, an admission
     * webhook, an API server that is down) and may go away at any time; with exponential backoff
     * (2 s, 2 s, 4 s, 8 s, ...) so a lasting failure costs little; capped at 5 minutes so a fixed
     * cause is noticed soon. JOSDK's default gives up after 5 attempts and would then wait for
     * the next event or resync.
     */
    static GenericRetry retry() {
        return new GenericRetry()
                .withoutMaxAttempts()
                .setInitialInterval(RETRY_INITIAL_INTERVAL)
                .setIntervalMultiplier(2)
                .setMaxInterval(RETRY_MAX_INTERVAL.toMillis());
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
                o.withLeaderElectionConfiguration(leaderElection(config));
            }
        });
        var reconciler = new StreamOperatorReconciler(new FunctionPodTemplate(config), client, clock);
        operator.register(reconciler, c -> {
            c.withRetry(retry());
            if (config.watchAllNamespaces()) {
                c.watchingAllNamespaces();
            } else {
                c.settingNamespaces(config.watchNamespaces());
            }
        });
        return operator;
    }
}
