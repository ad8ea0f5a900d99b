package dev.streamops.examples;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FunctionEnvTest {
    @Test
    void readsTheOldCompanionContract() {
        FunctionEnv env = FunctionEnv.fromEnvironment(Map.of(
                "MY_POD_IP", "10.1.2.3", "MY_POD_NAME", "sink-abc", "MY_POD_NAMESPACE", "demo",
                "API_PORT", "4321", "PUBLISH_PATH", "/post_message", "GET_PATH", "/get_message"));
        assertThat(env).isEqualTo(new FunctionEnv("10.1.2.3", "sink-abc", "demo", 4321, "/post_message", "/get_message", 4322));
        assertThat(env.companion("/post_message")).hasToString("http://10.1.2.3:4321/post_message");
    }

    @Test
    void fallsBackToConsumePathAndDefaults() {
        FunctionEnv env = FunctionEnv.fromEnvironment(Map.of("MY_POD_IP", "::1", "CONSUME_PATH", "/consume"));
        assertThat(env.getPath()).isEqualTo("/consume");
        assertThat(env.apiPort()).isEqualTo(4321);
        assertThat(env.companion("/x")).hasToString("http://[::1]:4321/x");
    }

    @Test
    void namesTheBadVariable() {
        assertThatThrownBy(() -> FunctionEnv.fromEnvironment(Map.of())).hasMessageStartingWith("MY_POD_IP is not set");
        assertThatThrownBy(() -> FunctionEnv.fromEnvironment(Map.of("MY_POD_IP", "1.2.3.4", "API_PORT", "http")))
                .hasMessage("API_PORT='http' is not a whole number");
        assertThatThrownBy(() -> FunctionEnv.fromEnvironment(Map.of("MY_POD_IP", "1.2.3.4", "FUNCTION_PORT", "70000")))
                .hasMessage("FUNCTION_PORT=70000 is out of range: expected 1..65535");
        assertThatThrownBy(() -> FunctionEnv.fromEnvironment(Map.of("MY_POD_IP", "1.2.3.4", "PUBLISH_PATH", "post")))
                .hasMessageContaining("PUBLISH_PATH='post' is not a path");
    }
}
