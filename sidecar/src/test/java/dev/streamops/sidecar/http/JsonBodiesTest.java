package dev.streamops.sidecar.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBodiesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void topLevelStatusFieldMakesATerminationReport() {
        assertThat(JsonBodies.single(utf8("{\"pod\":\"c\",\"status\":\"ended\"}")).terminationReport()).isTrue();
        assertThat(JsonBodies.single(utf8("{\"data\":{\"status\":1},\"x\":[{\"status\":2}]}")).terminationReport()).isFalse();
        assertThat(JsonBodies.single(utf8("[{\"status\":1}]")).terminationReport()).isFalse();
        assertThat(JsonBodies.single(utf8("\"status\"")).terminationReport()).isFalse();
    }

    @Test
    void keepsTheOriginalBytes() {
        byte[] body = utf8(" {\"b\" : 1,\n \"a\":\"é\"} ");
        assertThat(JsonBodies.single(body).bytes()).isSameAs(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":}", "{\"a\":1} x", "nope", "{'a':1}", "[1,]", "{\"a\":1}{\"b\":2}"})
    void invalidJsonIsA400(String body) {
        assertThatThrownBy(() -> JsonBodies.single(utf8(body)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("Invalid JSON data");
                });
    }

    @Test
    void invalidUtf8InsideAStringIsInvalidJson() {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> JsonBodies.single(body)).isInstanceOf(ApiException.class);
    }

    @Test
    void arraySplitsIntoExactElementBytes() {
        List<JsonBodies.Document> docs = JsonBodies.array(utf8("[ {\"a\": [1, {\"b\":null}]} ,2,\"x\\\"y\", true, {\"status\":\"done\"} ,[ ] ]"));
        assertThat(docs).extracting(d -> new String(d.bytes(), StandardCharsets.UTF_8))
                .containsExactly("{\"a\": [1, {\"b\":null}]}", "2", "\"x\\\"y\"", "true", "{\"status\":\"done\"}", "[ ]");
        assertThat(docs).extracting(JsonBodies.Document::terminationReport)
                .containsExactly(false, false, false, false, true, false);
    }

    @Test
    void arrayEndpointRefusesNonArrays() {
        assertThatThrownBy(() -> JsonBodies.array(utf8("{\"a\":1}")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.detail).isEqualTo("expected a JSON array"));
        assertThat(JsonBodies.array(utf8("[]"))).isEmpty();
    }
}
