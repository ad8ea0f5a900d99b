package dev.streamops.sidecar;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RabbitUriTest {

    @Test
    void parsesEveryPartAndDecodesEscapes() {
        RabbitUri uri = RabbitUri.parse("amqps://us%40er:p%3Ass+w@broker.svc:5999/team%2Fa");
        assertThat(uri).isEqualTo(new RabbitUri(true, "broker.svc", 5999, "us@er", "p:ss+w", "team/a"));
    }

    @Test
    void defaultsFollowTheAmqpUriSpec() {
        assertThat(RabbitUri.parse("amqp://u:p@h")).isEqualTo(new RabbitUri(false, "h", 5672, "u", "p", "/"));
        assertThat(RabbitUri.parse("amqps://u:p@h/")).isEqualTo(new RabbitUri(true, "h", 5671, "u", "p", ""));
        assertThat(RabbitUri.parse("amqp://u:p@h/%2f").virtualHost()).isEqualTo("/");
    }

    @Test
    void toStringAndAddressHideThePassword() {
        RabbitUri uri = RabbitUri.parse("amqp://app:hunter2@h:5672/prod");
        assertThat(uri.toString()).isEqualTo("amqp://app:****@h:5672/prod").doesNotContain("hunter2");
        assertThat(uri.address()).doesNotContain("hunter2");
    }
}
