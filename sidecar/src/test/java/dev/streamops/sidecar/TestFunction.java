package dev.streamops.sidecar;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

/**
 * A stand-in for the user's function: a real HTTP server on its own port that records every pushed body
 * and answers with the status its policy picks for that body.
 */
public final class TestFunction implements AutoCloseable {

    private final HttpServer server;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private volatile ToIntFunction<byte[]> policy = body -> 200;
    private volatile long delayMillis;

    public TestFunction() throws IOException {
        this(0);
    }

    public TestFunction(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/post_message", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            received.add(body);
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = policy.applyAsInt(body);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public TestFunction answering(ToIntFunction<byte[]> newPolicy) {
        this.policy = newPolicy;
        return this;
    }

    public TestFunction delaying(long millis) {
        this.delayMillis = millis;
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/post_message";
    }

    public List<byte[]> received() {
        return received;
    }

    public List<String> receivedText() {
        return received.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
