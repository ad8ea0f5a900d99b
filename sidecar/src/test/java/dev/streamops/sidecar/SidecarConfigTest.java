package dev.streamops.sidecar;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SidecarConfigTest {

    private static final String URI_WITH_SECRET = "amqp://app:s3cr3t-pw@rabbit.example:5673/vh";

    private static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        env.put("RABBITMQ_URI", URI_WITH_SECRET);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                env.remove(keyValues[i]);
            } else {
                env.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return env;
    }

    @Test
    void defaultsMatchTheContract() {
        SidecarConfig config = SidecarConfig.fromEnvironment(env("INPUT_TOPIC", "in", "MY_POD_IP", "10.1.2.3"));
        assertThat(config.inputTopic()).contains("in");
        assertThat(config.outputTopic()).isEmpty();
        assertThat(config.apiPort()).isEqualTo(4321);
        assertThat(config.managementPort()).isEqualTo(4323);
        assertThat(config.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(config.functionUrl()).isEqualTo(URI.create("http://10.1.2.3:4322/post_message"));
        assertThat(config.prefetch()).isEqualTo(10);
        assertThat(config.pushConcurrency()).isEqualTo(1);
        assertThat(config.pushTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.retryBackoffMax()).isEqualTo(Duration.ofMillis(5000));
        assertThat(config.deliveryLimit()).isEqualTo(5);
        assertThat(config.pushAutostart()).isFalse();
        assertThat(config.rabbitUri()).isEqualTo(new RabbitUri(false, "rabbit.example", 5673, "app", "s3cr3t-pw", "vh"));
    }

    @Test
    void oldQueueNamesAreAliases() {
        SidecarConfig config = SidecarConfig.fromEnvironment(env(
                "INPUT_QUEUE", "a", "OUTPUT_QUEUE", "b", "TERMINATION_QUEUE", "c", "FUNCTION_URL", "http://fn:8080/in"));
        assertThat(config.inputTopic()).contains("a");
        assertThat(config.outputTopic()).contains("b");
        assertThat(config.terminationTopic()).contains("c");
        assertThat(config.functionUrl()).isEqualTo(URI.create("http://fn:8080/in"));
        assertThat(config.topics()).containsExactly("a", "b", "c");
    }

    @Test
    void publishOnlySidecarNeedsNoPushTarget() {
        SidecarConfig config = SidecarConfig.fromEnvironment(env("OUTPUT_TOPIC", "out"));
        assertThat(config.outputTopic()).isEqualTo(Optional.of("out"));
        assertThat(config.inputTopic()).isEmpty();
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "INPUT_TOPIC       |                 | INPUT_TOPIC, OUTPUT_TOPIC, TERMINATION_TOPIC: none is set",
            "RABBITMQ_URI      |                 | RABBITMQ_URI: is required",
            "RABBITMQ_URI      | http://h/v      | RABBITMQ_URI: scheme must be amqp:// or amqps://",
            "RABBITMQ_URI      | amqp://u:p@/v   | RABBITMQ_URI: has no host",
            "RABBITMQ_URI      | amqp://u:p w@h  | RABBITMQ_URI: is not a valid URI",
            "RABBITMQ_URI      | amqp://u:p@h/a/b | RABBITMQ_URI: path must be a single vhost segment",
            "RABBITMQ_URI      | amqp://h/v      | RABBITMQ_URI: has no user and password",
            "RABBITMQ_URI      | amqp://u@h/v    | RABBITMQ_URI: has no user and password",
            "RABBITMQ_URI      | amqp://u:p@h:99999/v | RABBITMQ_URI: port must be between 1 and 65535, got 99999",
            "LISTEN_ADDRESS    | 10.255.255.254  | LISTEN_ADDRESS: is not an address of this host, got '10.255.255.254'",
            "LISTEN_ADDRESS    | no such host.invalid | LISTEN_ADDRESS: is not an IP address or a known host name",
            "API_PORT          | 70000           | API_PORT: must be between 0 and 65535, got 70000",
            "MANAGEMENT_PORT   | 4321            | MANAGEMENT_PORT: must differ from API_PORT (4321)",
            "PREFETCH          | ten             | PREFETCH: must be a whole number, got 'ten'",
            "PREFETCH          | 0               | PREFETCH: must be between 1 and 65535, got 0",
            "PUSH_CONCURRENCY  | 11              | PUSH_CONCURRENCY: must not exceed PREFETCH (10), got 11",
            "PUSH_TIMEOUT_MS   | -5              | PUSH_TIMEOUT_MS: must be between 1 and 3600000, got -5",
            "PUBLISH_TIMEOUT_MS| 1.5             | PUBLISH_TIMEOUT_MS: must be a whole number, got '1.5'",
            "MAX_BODY_BYTES    | 0               | MAX_BODY_BYTES: must be between 1 and",
            "RETRY_BACKOFF_MAX_MS | 50           | RETRY_BACKOFF_MAX_MS: must be at least RETRY_BACKOFF_MS (100)",
            "DELIVERY_LIMIT    | 0               | DELIVERY_LIMIT: must be between 1 and 1000, got 0",
            "PUSH_AUTOSTART    | maybe           | PUSH_AUTOSTART: must be true or false, got 'maybe'",
            "FUNCTION_URL      | ftp://fn/x      | FUNCTION_URL: must give an http:// URL with a host",
            "MY_POD_IP         |                 | MY_POD_IP: is required to push INPUT_TOPIC to the function (or set FUNCTION_URL)",
            "OPERATOR_PORT     | 0               | OPERATOR_PORT: must be between 1 and 65535, got 0",
            "OPERATOR_PATH     | post            | OPERATOR_PATH: must start with '/'",
            "INPUT_QUEUE       | other           | INPUT_TOPIC: conflicts with its alias INPUT_QUEUE",
            "OUTPUT_TOPIC      | amq.foo         | OUTPUT_TOPIC: must not start with 'amq.'",
            "OUTPUT_TOPIC      | x.dlq           | OUTPUT_TOPIC: must not end with '.dlq'",
    })
    void invalidSettingsNameTheVariableAndNeverThePassword(String variable, String value, String expected) {
        Map<String, String> env = env("INPUT_TOPIC", "in", "MY_POD_IP", "10.0.0.1", variable, value);
        if (variable.equals("INPUT_TOPIC")) {
            env.remove("INPUT_TOPIC");
        }
        assertThatThrownBy(() -> SidecarConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-pw").doesNotContain("\n"));
    }

    @Test
    void tooLongTopicIsRefused() {
        assertThatThrownBy(() -> SidecarConfig.fromEnvironment(env("OUTPUT_TOPIC", "t".repeat(252))))
                .hasMessage("OUTPUT_TOPIC: is longer than 251 bytes");
    }
}
