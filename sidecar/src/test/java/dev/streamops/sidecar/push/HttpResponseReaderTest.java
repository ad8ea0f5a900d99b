package dev.streamops.sidecar.push;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Response framing and persistence, from scripted bytes (no sockets). */
class HttpResponseReaderTest {

    private static HttpResponseReader reader(String bytes) {
        return new HttpResponseReader(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Hands out one byte per read, so every line and body spans buffer refills. */
    private static HttpResponseReader tricklingReader(String bytes) {
        InputStream all = new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1));
        return new HttpResponseReader(new InputStream() {
            @Override
            public int read() throws IOException {
                return all.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return all.read(b, off, Math.min(len, 1));
            }
        });
    }

    @Test
    void contentLengthBodyIsDiscardedAndTheConnectionStaysUsable() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello");
        assertThat(reader.read()).isEqualTo(new HttpResponseReader.Response(200, true));
        assertThat(reader.started()).isTrue();
    }

    @Test
    void responsesOnOneConnectionAreReadOneAfterTheOther() throws IOException {
        // Each fill of the reader gets one byte, so the second response is not buffered while the first is read.
        HttpResponseReader reader = tricklingReader(
                "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok" + "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
        assertThat(reader.read()).isEqualTo(new HttpResponseReader.Response(201, true));
        assertThat(reader.read()).isEqualTo(new HttpResponseReader.Response(503, true));
    }

    @Test
    void bytesBufferedPastTheResponseMakeTheConnectionUnusable() throws IOException {
        // Nothing was asked for after this response: whatever follows cannot be trusted for the next request.
        HttpResponseReader reader = reader("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n");
        assertThat(reader.read()).isEqualTo(new HttpResponseReader.Response(200, false));
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersIsDiscarded() throws IOException {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n" + "1A\r\n" + "x".repeat(26) + "\r\n" + "0\r\nX-Trailer: yes\r\n\r\n";
        assertThat(reader(response).read()).isEqualTo(new HttpResponseReader.Response(200, true));
        assertThat(tricklingReader(response).read()).isEqualTo(new HttpResponseReader.Response(200, true));
    }

    @Test
    void interimResponsesAreSkipped() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                + "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        assertThat(reader.read()).isEqualTo(new HttpResponseReader.Response(202, true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Connection: close ends the connection     | HTTP/1.1 200 OK\\r\\nConnection: close\\r\\nContent-Length: 0\\r\\n\\r\\n      | false",
            "close among other options                 | HTTP/1.1 200 OK\\r\\nConnection: upgrade, Close\\r\\nContent-Length: 0\\r\\n\\r\\n | false",
            "HTTP/1.0 closes by default                | HTTP/1.0 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n                         | false",
            "HTTP/1.0 with keep-alive persists         | HTTP/1.0 200 OK\\r\\nConnection: keep-alive\\r\\nContent-Length: 0\\r\\n\\r\\n | true",
            "no framing: the body runs to the end      | HTTP/1.1 200 OK\\r\\n\\r\\nall of this is body                           | false",
            "204 never has a body                      | HTTP/1.1 204 No Content\\r\\n\\r\\n                                       | true",
            "both framings hint at smuggling           | HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | false",
            "non-chunked coding: delimited by the end  | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\nxyz                  | false",
            "identical Content-Length list is accepted | HTTP/1.1 200 OK\\r\\nContent-Length: 2, 2\\r\\n\\r\\nok                      | true",
            "bare LF line endings are accepted         | HTTP/1.1 200 OK\\nContent-Length: 2\\n\\nok                                  | true",
            "folded header continues the previous one  | HTTP/1.1 200 OK\\r\\nConnection: keep-alive,\\r\\n close\\r\\nContent-Length: 0\\r\\n\\r\\n | false",
            "reason phrase may be missing              | HTTP/1.1 200\\r\\nContent-Length: 0\\r\\n\\r\\n                            | true",
    })
    void persistenceFollowsTheHeaders(String description, String escaped, boolean keepAlive) throws IOException {
        String response = escaped.replace("\\r", "\r").replace("\\n", "\n");
        assertThat(reader(response).read().keepAlive()).as(description).isEqualTo(keepAlive);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not HTTP                    | SSH-2.0-OpenSSH_9.2\\r\\n\\r\\n                                         | not an HTTP/1.x status line",
            "status not a number         | HTTP/1.1 2x0 OK\\r\\n\\r\\n                                             | not an HTTP/1.x status line",
            "header without colon        | HTTP/1.1 200 OK\\r\\nbroken header\\r\\n\\r\\n                            | malformed response header line",
            "conflicting Content-Length  | HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nContent-Length: 3\\r\\n\\r\\nok  | conflicting Content-Length",
            "negative Content-Length     | HTTP/1.1 200 OK\\r\\nContent-Length: -1\\r\\n\\r\\n                       | bad Content-Length",
            "bad chunk size              | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n            | bad chunk size line",
            "chunk without its CRLF      | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\nokXY0\\r\\n\\r\\n | chunk data not followed by CRLF",
            "upgrade nobody asked for    | HTTP/1.1 101 Switching Protocols\\r\\n\\r\\n                             | unexpected 101",
    })
    void malformedResponsesAreProtocolErrors(String description, String escaped, String message) {
        String response = escaped.replace("\\r", "\r").replace("\\n", "\n");
        assertThatThrownBy(() -> reader(response).read()).as(description)
                .isInstanceOf(ProtocolException.class).hasMessageContaining(message);
    }

    @Test
    void headersAreBounded() {
        String huge = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(HttpResponseReader.MAX_HEAD_BYTES) + "\r\n\r\n";
        assertThatThrownBy(() -> reader(huge).read()).isInstanceOf(ProtocolException.class).hasMessageContaining("exceed");
        // Many small headers add up to the same bound.
        String many = "HTTP/1.1 200 OK\r\n" + "X-A: b\r\n".repeat(HttpResponseReader.MAX_HEAD_BYTES / 8 + 1) + "\r\n";
        assertThatThrownBy(() -> reader(many).read()).isInstanceOf(ProtocolException.class).hasMessageContaining("exceed");
    }

    @Test
    void protocolErrorsShowTheOffendingBytesEscapedAndShort() {
        String response = "HTTP/1.1 200 OK\r\n\u0001" + "z".repeat(200) + "\r\n\r\n";
        assertThatThrownBy(() -> reader(response).read()).hasMessageContaining("'\\x01zzz").hasMessageEndingWith("...'");
    }

    @Test
    void endOfStreamBeforeAnyByteIsTellableFromOneMidResponse() {
        HttpResponseReader silent = reader("");
        assertThatThrownBy(silent::read).isInstanceOf(EOFException.class).hasMessageContaining("without answering");
        assertThat(silent.started()).isFalse();

        HttpResponseReader cut = reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThatThrownBy(cut::read).isInstanceOf(EOFException.class).hasMessageContaining("7 bytes before the end");
        assertThat(cut.started()).isTrue();

        HttpResponseReader cutHead = reader("HTTP/1.1 200 OK\r\nContent-Len");
        assertThatThrownBy(cutHead::read).isInstanceOf(EOFException.class).hasMessageContaining("in the middle of its response");
    }
}
