package dev.streamops.sidecar.push;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses from one connection's input: status line, headers (only the framing and
 * persistence ones matter), body discarded. Interim 1xx responses are skipped. The body is framed by
 * {@code Transfer-Encoding: chunked} (trailers read and ignored), else {@code Content-Length}, else it runs to
 * the end of the stream, and then the connection cannot carry another request.
 *
 * <p>Not thread-safe: a connection serves one push at a time. The buffer belongs to the connection, so bytes
 * read past one response would be seen by the next; {@link Response#keepAlive()} is false in that case.
 */
final class HttpResponseReader {

    /** Bound on the status lines and headers of one exchange (interim responses and trailers included). */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    /** What the client needs from a response: its status and whether the connection may carry the next request. */
    record Response(int status, boolean keepAlive) {
    }

    /** The parts of a response head that decide framing and persistence. */
    private static final class Head {
        int status;
        boolean http10;
        long contentLength = -1;
        boolean transferEncoding;
        boolean chunked;
        boolean connectionClose;
        boolean connectionKeepAlive;

        boolean persistent() {
            if (connectionClose || transferEncoding && contentLength >= 0) {
                return false; // Both framings at once hints at response smuggling: never reuse such a connection.
            }
            return !http10 || connectionKeepAlive;
        }
    }

    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    /** Whether any byte of the current exchange's response arrived. */
    private boolean started;
    /** Bytes of status lines, headers and trailers read in the current exchange. */
    private int headBytes;
    /** Bytes (terminator included) consumed by the last {@link #readLine}. */
    private int lineBytes;

    HttpResponseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Whether any byte of the response to the current request has arrived. False after a failure means the peer
     * closed or reset the connection before answering at all.
     */
    boolean started() {
        return started;
    }

    /** Reads the final response to the request just sent, skipping interim 1xx responses; discards its body. */
    Response read() throws IOException {
        started = false;
        headBytes = 0;
        while (true) {
            Head head = readHead();
            if (head.status == 101) {
                throw new ProtocolException("unexpected 101 Switching Protocols (no upgrade was requested)");
            }
            if (head.status < 200) {
                continue; // 100 Continue, 102 Processing, 103 Early Hints: the final response follows.
            }
            boolean delimited = discardBody(head);
            // Bytes already buffered past the response were not asked for: the next exchange could not trust them.
            return new Response(head.status, delimited && head.persistent() && pos == limit);
        }
    }

    private Head readHead() throws IOException {
        Head head = new Head();
        parseStatusLine(readHeadLine(), head);
        String name = null;
        StringBuilder value = null;
        while (true) {
            String line = readHeadLine();
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.trim()); // Obsolete line folding: continues the previous header.
                continue;
            }
            if (name != null) {
                applyHeader(head, name, value.toString().trim());
            }
            if (line.isEmpty()) {
                return head;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("malformed response header line: " + printable(line));
            }
            name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            value = new StringBuilder(line.substring(colon + 1));
        }
    }

    private static void parseStatusLine(String line, Head head) throws ProtocolException {
        // "HTTP/1.1 200 OK"; the reason phrase may be empty or missing.
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || line.length() > 12 && line.charAt(12) != ' ') {
            throw new ProtocolException("not an HTTP/1.x status line: " + printable(line));
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException("not an HTTP/1.x status line: " + printable(line));
            }
            status = status * 10 + (c - '0');
        }
        head.status = status;
        head.http10 = line.charAt(7) == '0';
    }

    private static void applyHeader(Head head, String name, String value) throws ProtocolException {
        switch (name) {
            case "content-length" -> {
                // A list of identical values ("5, 5") is allowed; differing values make the framing ambiguous.
                for (String part : value.split(",")) {
                    long length = parseLength(part.trim());
                    if (head.contentLength >= 0 && head.contentLength != length) {
                        throw new ProtocolException("conflicting Content-Length values in the response");
                    }
                    head.contentLength = length;
                }
            }
            case "transfer-encoding" -> {
                head.transferEncoding = true;
                String[] codings = value.split(",");
                head.chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
            }
            case "connection" -> {
                for (String option : value.split(",")) {
                    String token = option.trim();
                    head.connectionClose |= token.equalsIgnoreCase("close");
                    head.connectionKeepAlive |= token.equalsIgnoreCase("keep-alive");
                }
            }
            default -> {
                // Other headers do not matter to a client that discards the body.
            }
        }
    }

    private static long parseLength(String text) throws ProtocolException {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolException("bad Content-Length in the response: " + printable(text));
        }
        return Long.parseLong(text);
    }

    /** Discards the body; returns whether its end was delimited (false: it ran to the end of the stream). */
    private boolean discardBody(Head head) throws IOException {
        if (head.status == 204 || head.status == 304) {
            return true; // Never a body, whatever the headers say.
        }
        if (head.chunked) {
            discardChunks();
            return true;
        }
        if (head.transferEncoding) {
            discardToEnd(); // A coding without chunked last: only the end of the stream delimits it.
            return false;
        }
        if (head.contentLength >= 0) {
            discard(head.contentLength);
            return true;
        }
        discardToEnd();
        return false;
    }

    private void discardChunks() throws IOException {
        while (true) {
            long size = parseChunkSize(readLine(MAX_HEAD_BYTES, "a chunk size line exceeds " + MAX_HEAD_BYTES + " bytes"));
            if (size == 0) {
                break;
            }
            discard(size);
            if (!readLine(2, "chunk data not followed by CRLF").isEmpty()) {
                throw new ProtocolException("chunk data not followed by CRLF");
            }
        }
        // Trailer section: header lines up to an empty line, bounded like the headers.
        while (!readHeadLine().isEmpty()) {
            // Trailers do not matter here.
        }
    }

    private static long parseChunkSize(String line) throws ProtocolException {
        int end = line.indexOf(';'); // Chunk extensions follow a ';'.
        String hex = (end < 0 ? line : line.substring(0, end)).trim();
        if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new ProtocolException("bad chunk size line in the response: " + printable(line));
        }
        return Long.parseLong(hex, 16);
    }

    private void discard(long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (pos == limit && !fill()) {
                throw new EOFException("the function closed the connection " + left + " bytes before the end of its response body");
            }
            int n = (int) Math.min(left, limit - pos);
            pos += n;
            left -= n;
        }
    }

    private void discardToEnd() throws IOException {
        pos = limit;
        while (fill()) {
            pos = limit;
        }
    }

    private String readHeadLine() throws IOException {
        String line = readLine(MAX_HEAD_BYTES - headBytes, "the response headers exceed " + MAX_HEAD_BYTES + " bytes");
        headBytes += lineBytes;
        return line;
    }

    /**
     * One line without its terminator (CRLF, or a bare LF), as ISO-8859-1 so every byte maps to one char.
     * A line longer than {@code maxBytes} (terminator included) fails with {@code tooLong}.
     */
    private String readLine(int maxBytes, String tooLong) throws IOException {
        ByteArrayOutputStream spill = null; // Only for a line that spans buffer refills.
        int consumed = 0;
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException(started
                        ? "the function closed the connection in the middle of its response"
                        : "the function closed the connection without answering");
            }
            int end = pos;
            while (end < limit && buf[end] != '\n') {
                end++;
            }
            int taken = end - pos + (end < limit ? 1 : 0);
            if (consumed + taken > maxBytes) {
                throw new ProtocolException(tooLong);
            }
            consumed += taken;
            if (end < limit) {
                String line;
                if (spill == null) {
                    line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                } else {
                    spill.write(buf, pos, end - pos);
                    line = spill.toString(StandardCharsets.ISO_8859_1);
                }
                pos = end + 1;
                lineBytes = consumed;
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            }
            if (spill == null) {
                spill = new ByteArrayOutputStream();
            }
            spill.write(buf, pos, limit - pos);
            pos = limit;
        }
    }

    /** Refills the empty buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        started = true;
        pos = 0;
        limit = n;
        return true;
    }

    /** A response fragment safe to put in a log line: short, control characters escaped. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return "'" + out + (text.length() > 80 ? "...'" : "'");
    }
}
