package dev.streamops.sidecar.http;

import dev.streamops.sidecar.SidecarMetrics;
import dev.streamops.sidecar.broker.Readiness;
import io.javalin.http.Context;

import java.util.Optional;

/** /healthz (process alive), /readyz (connected, topology declared), /metrics (Prometheus text). */
final class ManagementHandlers {

    private final Readiness readiness;
    private final SidecarMetrics metrics;

    ManagementHandlers(Readiness readiness, SidecarMetrics metrics) {
        this.readiness = readiness;
        this.metrics = metrics;
    }

    void healthz(Context ctx) {
        ctx.status(200).contentType("application/json").result("{\"status\": \"UP\"}");
    }

    void readyz(Context ctx) {
        Optional<String> notReady = readiness.notReadyReason();
        if (notReady.isEmpty()) {
            ctx.status(200).contentType("application/json").result("{\"ready\": true}");
        } else {
            ctx.status(503).contentType("application/json")
                    .result("{\"ready\": false, \"reason\": " + Json.string(notReady.get()) + "}");
        }
    }

    void metrics(Context ctx) {
        ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}
