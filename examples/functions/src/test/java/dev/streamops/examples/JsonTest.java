package dev.streamops.examples;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    @Test
    void readsTopLevelStringAndNumberFields() {
        String json = "{\"producer\":\"src-\\\"1\\\"\", \"sequence\": 42, \"value\":-3.5e1}";
        assertThat(Json.string(json, "producer")).contains("src-\\\"1\\\"");
        assertThat(Json.number(json, "sequence")).contains(42.0);
        assertThat(Json.number(json, "value")).contains(-35.0);
        assertThat(Json.number(json, "missing")).isEmpty();
    }

    @Test
    void quotesControlCharactersAndQuotes() {
        assertThat(Json.quote("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
    }

    @Test
    void addsFieldsToObjectsOnly() {
        assertThat(Json.withFields("{}", "\"x\":1")).isEqualTo("{\"x\":1}");
        assertThat(Json.withFields(" {\"a\":2} ", "\"x\":1")).isEqualTo("{\"a\":2,\"x\":1}");
        assertThatThrownBy(() -> Json.withFields("[1]", "\"x\":1")).hasMessage("not a JSON object");
    }
}
