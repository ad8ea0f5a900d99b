package dev.streamops.sidecar.push;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A function at the socket level, for the push client's tests: it reads each request (head and a
 * Content-Length body) and lets a script write whatever bytes it likes back, or close, or stall, so the
 * client meets exactly the behaviour under test. Records every request and counts connections.
 */
final class ScriptedFunction implements AutoCloseable {

    /** One request as the function received it. */
    record Request(int connection, int indexOnConnection, String head, byte[] body) {
    }

    /** What the function does with one request: writes its answer to {@code out}, or not. */
    interface Script {
        Next answer(Request request, OutputStream out) throws IOException;
    }

    /** After the answer: read the next request on this connection, or close it. */
    enum Next { KEEP_OPEN, CLOSE }

    /** Answers every request {@code 200} with an empty body and keeps the connection. */
    static final Script OK = (request, out) -> answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

    private final ServerSocket server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Script script;

    ScriptedFunction(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("scripted-function-accept").start(this::acceptLoop);
    }

    /** Writes a complete response and keeps the connection open. */
    static Next answer(OutputStream out, String response) throws IOException {
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return Next.KEEP_OPEN;
    }

    void script(Script next) {
        this.script = next;
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/post_message?stage=test";
    }

    int connections() {
        return connections.get();
    }

    List<Request> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int id = connections.incrementAndGet();
                Thread.ofVirtual().name("scripted-function-" + id).start(() -> serve(socket, id));
            } catch (IOException e) {
                return; // Closed.
            }
        }
    }

    private void serve(Socket socket, int id) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int index = 0; ; index++) {
                String head = readHead(in);
                if (head == null) {
                    return; // The client closed the connection.
                }
                byte[] body = in.readNBytes(contentLength(head));
                Request request = new Request(id, index, head, body);
                requests.add(request);
                if (script.answer(request, out) == Next.CLOSE) {
                    return;
                }
            }
        } catch (SocketException closed) {
            // The client or the test closed the connection.
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request head up to the empty line, or null at the end of the stream before it starts. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = last4 << 8 | b;
            if (last4 == 0x0d0a0d0a) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("request without Content-Length: " + head);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
