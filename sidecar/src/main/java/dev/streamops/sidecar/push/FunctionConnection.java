package dev.streamops.sidecar.push;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * One keep-alive TCP connection to the function, used by one push at a time (the client's idle pool hands it
 * from worker to worker). Reads are bounded by the deadline of the exchange in progress through SO_TIMEOUT,
 * set to the time left before every blocking read.
 */
final class FunctionConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final HttpResponseReader reader;
    private long deadline;
    private int exchanges;

    private FunctionConnection(Socket socket) throws IOException {
        this.socket = socket;
        // Large enough for the head and a typical message: one write, one TCP segment with TCP_NODELAY.
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        this.reader = new HttpResponseReader(new DeadlineInput(socket.getInputStream()));
    }

    /** Connects within {@code timeoutMillis}; every failure (refused, timed out, unresolvable) is an IOException. */
    static FunctionConnection open(InetSocketAddress address, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // Head and body leave in one flush; never wait for an ACK to send.
            socket.connect(address, timeoutMillis);
            return new FunctionConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Whether an earlier exchange completed on this connection (it came from the idle pool). */
    boolean reused() {
        return exchanges > 0;
    }

    /** Whether any byte of the response to the current request arrived. */
    boolean responseStarted() {
        return reader.started();
    }

    /** Writes head and body in one flush. Not bounded by the deadline: the caller guards large writes. */
    void send(byte[] head, byte[] body, long deadlineNanos) throws IOException {
        this.deadline = deadlineNanos;
        out.write(head);
        out.write(body);
        out.flush();
    }

    /** Reads the response to the request just sent, by the deadline given to {@link #send}. */
    HttpResponseReader.Response receive() throws IOException {
        HttpResponseReader.Response response = reader.read();
        exchanges++;
        return response;
    }

    /** Idempotent; from any thread: a push blocked on this connection fails at once with a SocketException. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    /** The socket's input with SO_TIMEOUT set to what is left of the exchange's deadline before each read. */
    private final class DeadlineInput extends InputStream {
        private final InputStream raw;

        DeadlineInput(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("push deadline passed");
            }
            // Rounded up: SO_TIMEOUT 0 would mean "wait forever".
            socket.setSoTimeout((int) Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, Integer.MAX_VALUE));
            return raw.read(b, off, len);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }
}
