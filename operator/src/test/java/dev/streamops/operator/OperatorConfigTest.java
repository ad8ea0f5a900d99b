package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OperatorConfigTest {
    private static OperatorConfig read(Map<String, String> env) {
        return OperatorConfig.fromEnvironment(env, Optional::empty);
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        var config = OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION_NAMESPACE", "streamops-system"), Optional::empty);
        assertThat(config).isEqualTo(new OperatorConfig("streamops/sidecar:0.1.0", "rabbitmq", "uri", Set.of(),
                true, true, "streamops-system", 8080));
        assertThat(config.watchAllNamespaces()).isTrue();
    }

    @Test
    void readsEveryVariable() {
        var config = read(Map.of(
                "SIDECAR_IMAGE", "reg.example/sidecar:2", "DEFAULT_BROKER_SECRET", "mq",
                "DEFAULT_BROKER_SECRET_KEY", "amqp_uri", "WATCH_NAMESPACES", " team-a, team-b ,",
                "NATIVE_SIDECAR", "FALSE", "LEADER_ELECTION", "false", "HEALTH_PORT", "9090"));
        assertThat(config).isEqualTo(new OperatorConfig("reg.example/sidecar:2", "mq", "amqp_uri",
                Set.of("team-a", "team-b"), false, false, null, 9090));
        assertThat(config.watchAllNamespaces()).isFalse();
    }

    @Test
    void leaseNamespaceFallsBackToThePodsNamespace() {
        var config = OperatorConfig.fromEnvironment(Map.of(), () -> Optional.of("ops"));
        assertThat(config.leaderElectionNamespace()).isEqualTo("ops");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Map.of(), "LEADER_ELECTION_NAMESPACE: required when LEADER_ELECTION=true outside a cluster "
                        + "(or set LEADER_ELECTION=false)"),
                Arguments.of(Map.of("LEADER_ELECTION", "yes"), "LEADER_ELECTION: 'yes' is not true or false"),
                Arguments.of(Map.of("LEADER_ELECTION", "false", "NATIVE_SIDECAR", "1"), "NATIVE_SIDECAR: '1' is not true or false"),
                Arguments.of(Map.of("LEADER_ELECTION", "false", "HEALTH_PORT", "http"), "HEALTH_PORT: 'http' is not a port number (1-65535)"),
                Arguments.of(Map.of("LEADER_ELECTION", "false", "HEALTH_PORT", "0"), "HEALTH_PORT: '0' is not a port number (1-65535)"),
                Arguments.of(Map.of("LEADER_ELECTION", "false", "WATCH_NAMESPACES", "ok,Not_OK"),
                        "WATCH_NAMESPACES: 'Not_OK' is not a comma-separated list of namespace names"),
                Arguments.of(Map.of("LEADER_ELECTION", "false", "DEFAULT_BROKER_SECRET", "My Secret"),
                        "DEFAULT_BROKER_SECRET: 'My Secret' is not a Secret name (lowercase DNS subdomain)"),
                Arguments.of(Map.of("LEADER_ELECTION", "false", "DEFAULT_BROKER_SECRET_KEY", "a/b"),
                        "DEFAULT_BROKER_SECRET_KEY: 'a/b' is not a Secret key (letters, digits, '-', '_', '.')"),
                Arguments.of(Map.of("LEADER_ELECTION", "false", "SIDECAR_IMAGE", "a b"),
                        "SIDECAR_IMAGE: 'a b' is not an image reference (contains whitespace)"),
                Arguments.of(Map.of("LEADER_ELECTION_NAMESPACE", "Ops"),
                        "LEADER_ELECTION_NAMESPACE: 'Ops' is not a namespace name"));
    }

    @ParameterizedTest
    @MethodSource
    void invalid(Map<String, String> env, String message) {
        assertThatThrownBy(() -> read(env)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
