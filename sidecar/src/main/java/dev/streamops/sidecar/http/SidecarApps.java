package dev.streamops.sidecar.http;

import dev.streamops.sidecar.SidecarConfig;
import dev.streamops.sidecar.SidecarMetrics;
import dev.streamops.sidecar.broker.PushControl;
import dev.streamops.sidecar.broker.Publisher;
import dev.streamops.sidecar.broker.Readiness;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the two Javalin apps from their dependencies, never starting them. All routes are here (the publish routes as a Jetty handler). */
public final class SidecarApps {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarApps.class);

    private SidecarApps() {
    }

    /** The function-facing API (API_PORT). */
    public static Javalin api(SidecarConfig config, Publisher publisher, PushControl push, SidecarMetrics metrics) {
        PublishHandlers publish = new PublishHandlers(config, publisher, metrics);
        PushHandlers consume = new PushHandlers(config, push);
        return Javalin.create(cfg -> {
            common(cfg, config.listenAddress(), config.apiPort());
            // POST /post_message and /post_messages: served in front of Javalin (PublishEndpoint says why).
            cfg.jetty.modifyServer(server -> server.setHandler(new PublishEndpoint(publish)));
            cfg.routes.get("/get_message", consume::getMessage);
        });
    }

    /** Health and metrics (MANAGEMENT_PORT), kept apart so probes never queue behind publishes. */
    public static Javalin management(SidecarConfig config, Readiness readiness, SidecarMetrics metrics) {
        ManagementHandlers management = new ManagementHandlers(readiness, metrics);
        return Javalin.create(cfg -> {
            common(cfg, config.listenAddress(), config.managementPort());
            cfg.routes.get("/healthz", management::healthz);
            cfg.routes.get("/readyz", management::readyz);
            cfg.routes.get("/metrics", management::metrics);
        });
    }

    private static void common(JavalinConfig cfg, String host, int port) {
        cfg.jetty.host = host;
        cfg.jetty.port = port;
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        // Virtual threads: nothing here blocks for long (the publish routes do not block at all, see
        // PublishEndpoint); Jetty's platform pool measured no cheaper per publish and took more memory.
        cfg.concurrency.useVirtualThreads = true;
        // Answers are a few bytes of JSON (or a metrics page scraped on a local network): never worth gzip.
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        cfg.routes.exception(ApiException.class, (e, ctx) -> {
            if (e.retryAfterSeconds > 0) {
                ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds));
            }
            ctx.status(e.status).contentType("application/json").result(e.json());
        });
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            ctx.status(500).contentType("application/json").result(Json.error("internal error"));
        });
    }
}
