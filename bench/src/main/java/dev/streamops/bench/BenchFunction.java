package dev.streamops.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The minimal stream function the sidecar pushes to: an HTTP/1.1 server that reads each request
 * body, hands it to a callback and answers {@code 200} with an empty body, on keep-alive
 * connections. It does no work of its own, so what is measured is the sidecar's delivery path.
 * One platform thread per connection, blocking in read: the sidecar opens at most PUSH_CONCURRENCY
 * connections, and a blocked platform thread is woken straight by the kernel, while a virtual thread
 * goes through the JDK's poller and a carrier hand-off on every request: about 20 µs more CPU per
 * pushed message here (A/B with bench --only push --quick: 42-53 µs vs 22-36 µs in the benchmark JVM).
 */
final class BenchFunction implements AutoCloseable {
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK_CLOSE = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final Consumer<byte[]> onMessage;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private BenchFunction(ServerSocket server, Consumer<byte[]> onMessage) {
        this.server = server;
        this.onMessage = onMessage;
        this.acceptor = Thread.ofPlatform().name("bench-function-accept").daemon().start(this::acceptLoop);
    }

    /** Starts on 127.0.0.1 at a free port; {@code onMessage} runs on the connection's thread before the 200. */
    static BenchFunction start(Consumer<byte[]> onMessage) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        return new BenchFunction(server, onMessage);
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/post_message";
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                connections.add(socket);
                Thread.ofPlatform().name("bench-function-conn").daemon().start(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) System.err.println("bench function: accept failed: " + e.getMessage());
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1024);
            while (!closed) {
                String requestLine;
                try {
                    requestLine = HttpConnection.readLine(in);
                } catch (EOFException e) {
                    return;
                }
                if (requestLine.isEmpty()) continue;
                long contentLength = 0;
                boolean chunked = false;
                boolean closeAfter = requestLine.endsWith("HTTP/1.0");
                boolean expectContinue = false;
                String line;
                while (!(line = HttpConnection.readLine(in)).isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon < 0) continue;
                    String name = line.substring(0, colon).trim();
                    String value = line.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("Content-Length")) contentLength = Long.parseLong(value);
                    else if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.toLowerCase().contains("chunked");
                    else if (name.equalsIgnoreCase("Connection")) closeAfter |= value.equalsIgnoreCase("close");
                    else if (name.equalsIgnoreCase("Expect")) expectContinue = value.equalsIgnoreCase("100-continue");
                }
                if (expectContinue) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                byte[] body = chunked ? HttpConnection.readChunked(in) : in.readNBytes((int) contentLength);
                if (body.length != contentLength && !chunked) return;
                if (requestLine.startsWith("POST")) onMessage.accept(body);
                out.write(closeAfter ? OK_CLOSE : OK);
                out.flush();
                if (closeAfter) return;
            }
        } catch (IOException e) {
            // the sidecar closed or reset the connection: it opens another when it needs one
        } finally {
            connections.remove(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // shutting down
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
