package dev.streamops.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load generator's and the minimal function's HTTP/1.1 framing, on bytes (no sockets, no clocks). */
class HttpParsingTest {

    @Test
    void linesEndAtLfWithOrWithoutCr() throws IOException {
        var in = new ByteArrayInputStream("HTTP/1.1 200 OK\r\nContent-Length: 2\nrest".getBytes(StandardCharsets.US_ASCII));
        assertThat(HttpConnection.readLine(in)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(HttpConnection.readLine(in)).isEqualTo("Content-Length: 2");
        assertThatThrownBy(() -> HttpConnection.readLine(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void chunkedBodiesAreReassembledWithExtensionsAndTrailersIgnored() throws IOException {
        String chunked = "5;ext=1\r\n{\"pub\r\nb\r\nlished\": 3}\r\n0\r\nTrailer: x\r\n\r\nNEXT";
        var in = new ByteArrayInputStream(chunked.getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(HttpConnection.readChunked(in), StandardCharsets.US_ASCII)).isEqualTo("{\"published\": 3}");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("NEXT");
    }
}
