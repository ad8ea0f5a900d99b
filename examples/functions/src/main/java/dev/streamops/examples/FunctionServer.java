package dev.streamops.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP server every example function runs on {@code MY_POD_IP:FUNCTION_PORT}: the contract's
 * {@code POST /post_message} (the companion pushes each message there; 200 acknowledges it) and
 * {@code GET /stats}, a JSON snapshot of the function's counters for the demo and the tests.
 */
final class FunctionServer {
    /** What a push handler answers: an HTTP status and a small JSON body. */
    record Answer(int status, String json) {
        static Answer ok() {
            return new Answer(200, "{\"status\":\"ok\"}");
        }
    }

    private final HttpServer server;

    FunctionServer(FunctionEnv env, Function<String, Answer> onMessage, Supplier<String> stats) throws IOException {
        server = HttpServer.create(new InetSocketAddress(env.podIp(), env.functionPort()), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/post_message", exchange -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, new Answer(405, "{\"error\":\"use POST\"}"));
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer;
            try {
                answer = onMessage.apply(body);
            } catch (RuntimeException failure) {
                answer = new Answer(500, "{\"error\":" + Json.quote(String.valueOf(failure.getMessage())) + "}");
            }
            respond(exchange, answer);
        });
        server.createContext("/stats", exchange -> respond(exchange, new Answer(200, stats.get())));
    }

    /** An extra control endpoint (e.g. the source's POST /stop) answering 200 with the supplier's JSON. */
    void onPost(String path, Supplier<String> action) {
        server.createContext(path, exchange -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, new Answer(405, "{\"error\":\"use POST\"}"));
                return;
            }
            respond(exchange, new Answer(200, action.get()));
        });
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(1);
    }

    private static void respond(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
