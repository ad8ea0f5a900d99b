package dev.streamops.operator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * /healthz (liveness), /readyz (readiness) and /metrics (Prometheus text) on one small JDK HTTP
 * server: the operator has no other HTTP needs, so no web framework.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    public static HealthServer start(int port, BooleanSupplier live, BooleanSupplier ready, Supplier<String> metrics)
            throws IOException {
        var server = HttpServer.create(new InetSocketAddress(port), 16);
        server.createContext("/healthz", exchange -> probe(exchange, live));
        server.createContext("/readyz", exchange -> probe(exchange, ready));
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
            }
        });
        server.start();
        return new HealthServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
        if (!allowed(exchange)) {
            return;
        }
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        var method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return false;
        }
        return true;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }
}
