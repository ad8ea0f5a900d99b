package dev.streamops.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection, used by one thread at a time: the load generator. A raw
 * blocking client costs a few microseconds per request (no selector thread, no futures), so the
 * load generator stays far from being the bottleneck; the benchmark measures its ceiling against a
 * null server and prints it. Reconnects transparently when the server closed the connection.
 */
final class HttpConnection implements AutoCloseable {
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final int readTimeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(String host, int port, int readTimeoutMillis) {
        this.host = host;
        this.port = port;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    Response post(String path, byte[] body) throws IOException {
        return exchange("POST", path, body);
    }

    Response get(String path) throws IOException {
        return exchange("GET", path, null);
    }

    private Response exchange(String method, String path, byte[] body) throws IOException {
        boolean fresh = socket == null;
        if (fresh) connect();
        try {
            return send(method, path, body);
        } catch (EOFException | java.net.SocketException e) {
            // The server may close an idle keep-alive connection; retry once on a new one, never twice.
            close();
            if (fresh) throw e;
            connect();
            return send(method, path, body);
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(readTimeoutMillis);
        s.connect(new InetSocketAddress(host, port), 2_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
    }

    private Response send(String method, String path, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(160)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) out.write(body);
        out.flush();
        return readResponse();
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine(in);
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) contentLength = Long.parseLong(value);
            else if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.toLowerCase().contains("chunked");
            else if (name.equalsIgnoreCase("Connection")) closeAfter = value.equalsIgnoreCase("close");
        }
        byte[] responseBody;
        if (chunked) {
            responseBody = readChunked(in);
        } else if (contentLength >= 0) {
            responseBody = in.readNBytes((int) contentLength);
            if (responseBody.length != contentLength) throw new EOFException("response body cut short");
        } else {
            responseBody = in.readAllBytes();
            closeAfter = true;
        }
        if (closeAfter) close();
        return new Response(status, responseBody);
    }

    static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers: ignored
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) throw new EOFException("chunk cut short");
            body.write(chunk);
            readLine(in);
        }
    }

    /** Reads one CRLF-terminated line (ASCII), without the terminator. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed");
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') line.setLength(length - 1);
                return line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket we no longer use: nothing to do
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
