package dev.streamops.sidecar.push;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * POSTs messages to the function over blocking HTTP/1.1 keep-alive connections, one exchange at a time per
 * connection. It replaced the JDK {@code HttpClient}, whose per-request CPU (150–260 µs) and single selector
 * thread made it the bottleneck of push delivery; here a push costs a write and a read on the caller's thread.
 *
 * <p>Connections: a push worker takes the most recently used idle connection or opens one, and returns it after
 * a complete response unless the response ends the connection ({@code Connection: close}, HTTP/1.0 without
 * keep-alive, a body delimited by the end of the stream). The pool never holds more connections than pushes ran
 * at once (PUSH_CONCURRENCY), since each push holds at most one. A timed-out or broken connection is closed.
 *
 * <p>Outcomes, as {@link PushTarget} promises, never exceptions: a connection that cannot be established is
 * UNREACHABLE (no attempt counted); no complete answer within PUSH_TIMEOUT_MS (the deadline covers connect,
 * write and response), or a connection lost mid-exchange, is FAILED; a status maps by {@link PushOutcome#ofStatus}.
 * An interrupted push (the interrupt closes the socket of a virtual thread) and a push cut short by {@link #close}
 * are UNREACHABLE, so shutting down never spends a delivery attempt; the interrupt flag stays set.
 */
public final class FunctionClient implements PushTarget, AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 2000;
    /**
     * Requests up to this size fit in the socket's send buffer plus the function's receive window, so their
     * write returns at once. SO_TIMEOUT does not bound writes: a larger request to a function that stopped
     * reading would block until the peer reads, so its write gets a guard that closes the socket at the deadline.
     */
    static final int UNGUARDED_WRITE_BYTES = 32 * 1024;

    /** Returned by {@link #exchange} only for a pooled connection; never leaves this class. */
    private static final PushOutcome RETRY_ON_FRESH_CONNECTION = new PushOutcome(PushOutcome.Kind.FAILED, 0, "stale connection");

    private final URI url;
    private final Duration requestTimeout;
    private final String host;
    private final int port;
    /** Request head up to the Content-Length value, the same for every message. */
    private final String headPrefix;
    private final Deque<FunctionConnection> idle = new ConcurrentLinkedDeque<>();
    /** Every connection not yet closed, idle or in use, so that {@link #close} reaches them all. */
    private final Set<FunctionConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** {@code url} must be http:// (SidecarConfig accepts nothing else); {@code requestTimeout} is PUSH_TIMEOUT_MS. */
    public FunctionClient(URI url, Duration requestTimeout) {
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("the push client speaks plain http:// only, got " + url);
        }
        this.url = url;
        this.requestTimeout = requestTimeout;
        this.host = url.getHost();
        this.port = url.getPort() == -1 ? 80 : url.getPort();
        URI ascii = URI.create(url.toASCIIString());
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String target = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();
        String authority = url.getPort() == -1 ? host : host + ":" + port;
        this.headPrefix = "POST " + target + " HTTP/1.1\r\nHost: " + authority
                + "\r\nContent-Type: application/json\r\nContent-Length: ";
    }

    @Override
    public PushOutcome deliver(byte[] body) {
        if (Thread.currentThread().isInterrupted()) {
            return interrupted();
        }
        if (closed) {
            return closedOutcome();
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        byte[] head = (headPrefix + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        FunctionConnection pooled = idle.pollFirst();
        if (pooled != null) {
            PushOutcome outcome = exchange(pooled, head, body, deadline);
            if (outcome != RETRY_ON_FRESH_CONNECTION) {
                return outcome;
            }
            // The idle connection was closed by the function (its keep-alive timeout, a restart) before it
            // answered anything: the usual stale keep-alive case, retried once on a fresh connection without
            // counting an attempt. Should the function have processed the request anyway and died before
            // answering, it gets the message twice, which at-least-once delivery allows.
        }
        FunctionConnection fresh;
        try {
            fresh = connect(deadline);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                return interrupted();
            }
            return new PushOutcome(PushOutcome.Kind.UNREACHABLE, 0, "cannot connect to the function at " + url + ": " + e);
        }
        if (closed) {
            discard(fresh);
            return closedOutcome();
        }
        return exchange(fresh, head, body, deadline);
    }

    /** One request and its response on {@code connection}, which goes back to the pool or is closed. */
    private PushOutcome exchange(FunctionConnection connection, byte[] head, byte[] body, long deadline) {
        try {
            send(connection, head, body, deadline);
            HttpResponseReader.Response response = connection.receive();
            release(connection, response.keepAlive());
            return PushOutcome.ofStatus(response.status());
        } catch (IOException e) {
            discard(connection);
            if (Thread.currentThread().isInterrupted()) {
                return interrupted();
            }
            if (closed) {
                return closedOutcome();
            }
            if (e instanceof SocketTimeoutException || deadline - System.nanoTime() <= 0) {
                return new PushOutcome(PushOutcome.Kind.FAILED, 0, "no answer within PUSH_TIMEOUT_MS=" + requestTimeout.toMillis());
            }
            if (connection.reused() && !connection.responseStarted()) {
                return RETRY_ON_FRESH_CONNECTION;
            }
            if (e instanceof ProtocolException) {
                return new PushOutcome(PushOutcome.Kind.FAILED, 0, "bad response from the function: " + e.getMessage());
            }
            // Reset or closed mid-exchange on a fresh connection: the function may have crashed on this message,
            // so the attempt counts.
            return new PushOutcome(PushOutcome.Kind.FAILED, 0, "push failed: " + e);
        }
    }

    private static void send(FunctionConnection connection, byte[] head, byte[] body, long deadline) throws IOException {
        if (head.length + body.length <= UNGUARDED_WRITE_BYTES) {
            connection.send(head, body, deadline);
            return;
        }
        // Closing the socket is the only way to end a blocked write; the guard sleeps until the deadline.
        Thread guard = Thread.ofVirtual().name("push-write-guard").start(() -> {
            try {
                Thread.sleep(Duration.ofNanos(deadline - System.nanoTime()));
                connection.close();
            } catch (InterruptedException written) {
                // The write finished in time.
            }
        });
        try {
            connection.send(head, body, deadline);
        } finally {
            guard.interrupt();
        }
    }

    private FunctionConnection connect(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        FunctionConnection connection = FunctionConnection.open(
                new InetSocketAddress(host, port), (int) Math.max(1, Math.min(CONNECT_TIMEOUT_MILLIS, left)));
        open.add(connection);
        return connection;
    }

    private void release(FunctionConnection connection, boolean keepAlive) {
        if (keepAlive && !closed) {
            idle.offerFirst(connection); // Most recently used first: the fewest connections stay warm.
        } else {
            discard(connection);
        }
    }

    private void discard(FunctionConnection connection) {
        open.remove(connection);
        connection.close();
    }

    private static PushOutcome interrupted() {
        return new PushOutcome(PushOutcome.Kind.UNREACHABLE, 0, "interrupted");
    }

    private static PushOutcome closedOutcome() {
        return new PushOutcome(PushOutcome.Kind.UNREACHABLE, 0, "push client closed (sidecar shutting down)");
    }

    @Override
    public boolean reachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Closes every connection, idle or in use: a push still waiting for the function ends at once as UNREACHABLE
     * (its message stays unacked and returns to the queue). Later pushes return UNREACHABLE too.
     */
    @Override
    public void close() {
        closed = true;
        for (FunctionConnection connection : open) {
            discard(connection);
        }
        idle.clear();
    }
}
