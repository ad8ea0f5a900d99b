package dev.streamops.sidecar;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sidecar's Prometheus metrics. Names are part of the documented interface (the demo and the
 * benchmark read them): keep them stable. Counters carry no labels so one line answers "how many".
 */
public final class SidecarMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter published = counter("streamops.sidecar.published", "Messages confirmed by the broker (one per message, batches counted per element)");
    private final Counter publishFailures = counter("streamops.sidecar.publish.failures", "Publish requests answered 503 (broker down, nack, timeout, shutting down)");
    private final Counter terminationReports = counter("streamops.sidecar.termination.reports", "Termination reports received (objects with a status field)");
    private final Counter terminationNotForwarded = counter("streamops.sidecar.termination.reports.unforwarded", "Termination reports dropped because TERMINATION_TOPIC is not set");
    private final Counter pushed = counter("streamops.sidecar.pushed", "HTTP push attempts to the function");
    private final Counter acked = counter("streamops.sidecar.acked", "Messages the function accepted (2xx) and the sidecar acked");
    private final Counter retried = counter("streamops.sidecar.retried", "Push attempts that failed and were retried after a backoff");
    private final Counter deadLettered = counter("streamops.sidecar.dead.lettered", "Messages moved to <topic>.dlq");
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer pushLatency;

    public SidecarMetrics() {
        Gauge.builder("streamops.sidecar.push.in.flight", inFlight, AtomicInteger::get)
                .description("Messages held by the sidecar and not yet acked or dead-lettered").register(registry);
        pushLatency = Timer.builder("streamops.sidecar.push.latency")
                .description("Duration of one HTTP push to the function")
                .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500),
                        ms(1000), ms(2500), ms(5000), ms(10000), ms(30000))
                .register(registry);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    public void published(int count) { published.increment(count); }
    public void publishFailed() { publishFailures.increment(); }
    public void terminationReport(boolean forwarded) {
        terminationReports.increment();
        if (!forwarded) {
            terminationNotForwarded.increment();
        }
    }
    public void pushed() { pushed.increment(); }
    public void acked() { acked.increment(); }
    public void retried() { retried.increment(); }
    public void deadLettered() { deadLettered.increment(); }
    public AtomicInteger inFlight() { return inFlight; }
    public Timer pushLatency() { return pushLatency; }
}
