package dev.streamops.local.pods.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * A stand-in container for the pod runner's tests: listens on $LISTEN_ADDRESS:$PORT, answers
 * GET /healthz with 200 and GET /env with its environment (one NAME=value per line). With
 * $SHUTDOWN_DELAY_MS it takes that long to exit after SIGTERM, like a process finishing its work.
 */
public final class EnvEchoServer {
    private EnvEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        String address = System.getenv().getOrDefault("LISTEN_ADDRESS", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "9000"));
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/env", exchange -> {
            StringBuilder body = new StringBuilder();
            new TreeMap<>(System.getenv()).forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        long shutdownDelay = Long.parseLong(System.getenv().getOrDefault("SHUTDOWN_DELAY_MS", "0"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(shutdownDelay);
            } catch (InterruptedException ignored) {
                // exit now
            }
        }));
        System.out.println("listening on " + address + ":" + port);
    }
}
