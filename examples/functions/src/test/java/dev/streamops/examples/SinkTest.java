package dev.streamops.examples;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SinkTest {
    private final Sink sink = new Sink(new FunctionEnv("127.0.0.1", "sink-1", "demo", 4321, "/post_message", "/get_message", 4322));

    @Test
    void countsReadingsAndDuplicatesAndRejectsWhatIsNotAReading() {
        assertThat(sink.onMessage("{\"sequence\":1,\"producer\":\"src-a\",\"value\":2}").status()).isEqualTo(200);
        assertThat(sink.onMessage("{\"sequence\":1,\"producer\":\"src-a\",\"value\":2}").status()).isEqualTo(200);
        assertThat(sink.onMessage("{\"sequence\":2,\"producer\":\"src-a\"}").status()).isEqualTo(200);
        assertThat(sink.onMessage("{\"value\":2}").status()).isEqualTo(400);
        assertThat(sink.stats()).contains("\"received\":3", "\"unique\":2", "\"duplicates\":1", "\"rejected\":1", "\"gaps\":0");
    }

    @Test
    void afterStopTheCountsAreFinalAndPushesAreRefusedSoTheyStayQueued() {
        sink.onMessage("{\"sequence\":1,\"producer\":\"src-a\"}");
        assertThat(sink.freeze()).contains("\"unique\":1", "\"stopped\":true");
        assertThat(sink.onMessage("{\"sequence\":2,\"producer\":\"src-a\"}").status()).isEqualTo(503);
        assertThat(sink.stats()).contains("\"unique\":1", "\"received\":1");
    }
}
