package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import dev.streamops.sidecar.InProcessSidecar;
import dev.streamops.sidecar.RabbitVhost;
import dev.streamops.sidecar.TestFunction;
import dev.streamops.sidecar.broker.BrokerUnavailableException;
import dev.streamops.sidecar.broker.OutgoingMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.streamops.sidecar.RabbitVhost.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the broker refuses at the channel level (a queue missing, an operation refused) closes a channel without
 * closing the connection, so the client's automatic recovery never reopens it. The sidecar must answer honestly
 * meanwhile and recover by itself afterwards.
 */
class BrokerRefusalTest {

    @RegisterExtension
    static final RabbitVhost vhost = new RabbitVhost();

    @Test
    void pushRequestedWhileTheBrokerRefusesToConsumeStartsOnceItCan() throws Exception {
        String in = uniqueTopic("in");
        try (TestFunction function = new TestFunction();
             InProcessSidecar s = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url()))) {
            vhost.delete(in); // someone deleted the queue: consuming it is refused (404) until it exists again
            assertThat(s.client.getApi("/get_message").body()).contains("\"push\": \"starting\"");
            // Requested but refused: not ready, the reason says why, and the sidecar keeps trying.
            await().atMost(Duration.ofSeconds(20)).until(() -> s.client.getManagement("/readyz").body().contains("not subscribed"));
            HttpResponse<String> readyz = s.client.getManagement("/readyz");
            assertThat(readyz.statusCode()).isEqualTo(503);
            assertThat(readyz.body()).contains("NOT_FOUND");

            vhost.declare(in, Topology.topicArguments(in, 5));
            vhost.publishAll(in, List.of("{\"n\":1}".getBytes(), "{\"n\":2}".getBytes()));
            await().atMost(Duration.ofSeconds(20)).until(() -> function.received().size() == 2);
            assertThat(function.receivedText()).containsExactly("{\"n\":1}", "{\"n\":2}");
            assertThat(s.client.ready()).isTrue();
            assertThat(s.client.getApi("/get_message").body()).contains("\"push\": \"running\"");
            assertThat(vhost.state(in).consumers()).isEqualTo(1);
        }
    }

    @Test
    void aPublishChannelClosedByTheBrokerIsReplacedAndWhatItHeldIsNotAnswered200() throws Exception {
        String out = uniqueTopic("out");
        vhost.declare(out, Topology.topicArguments(out, 5));
        try (Connection connection = vhost.connect()) {
            ConfirmChannel confirms = new ConfirmChannel(connection);
            confirms.publish(out, new AMQP.BasicProperties.Builder().deliveryMode(2).build(), "{\"before\":1}".getBytes())
                    .get(10, TimeUnit.SECONDS);
            // A channel-level error (here a passive declare of a missing queue) makes the broker close the channel.
            assertThatThrownBy(() -> confirms.channel().queueDeclarePassive("no-such-queue")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> confirms.publish(out, new AMQP.BasicProperties.Builder().build(), "{\"during\":1}".getBytes())
                    .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(BrokerUnavailableException.class);
            // A new channel replaces it on the same connection.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(confirms.publish(out,
                    new AMQP.BasicProperties.Builder().deliveryMode(2).build(), "{\"after\":1}".getBytes())
                    .get(10, TimeUnit.SECONDS)).isNull());
            assertThat(vhost.drain(out)).extracting(RabbitVhost::text).containsExactly("{\"before\":1}", "{\"after\":1}");
            confirms.close();
        }
    }

    @Test
    void whileTheBrokerBlocksPublishersEveryPublishFailsAtOnceWithTheReason() throws Exception {
        // RabbitMQ announces a resource alarm with connection.blocked and then stops reading the socket: a
        // publish would hang. Raising a real alarm would block every test on this shared broker, so the
        // notification is delivered by hand; the publishes before and after go to the real broker.
        String out = uniqueTopic("out");
        vhost.declare(out, Topology.topicArguments(out, 5));
        ConfirmingPublisher publisher = new ConfirmingPublisher("pod", "ns");
        try (Connection connection = vhost.connect()) {
            publisher.attach(connection);
            publisher.handleBlocked("low on memory");
            assertThat(publisher.blockedReason()).contains("RabbitMQ is blocking publishers (resource alarm: low on memory)");
            assertThatThrownBy(() -> publisher.publish(new OutgoingMessage(out, "{\"a\":1}".getBytes())).get(1, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BrokerUnavailableException.class)
                    .hasMessageContaining("resource alarm: low on memory");
            publisher.handleUnblocked();
            assertThat(publisher.blockedReason()).isEmpty();
            assertThat(publisher.publish(new OutgoingMessage(out, "{\"b\":1}".getBytes())).get(10, TimeUnit.SECONDS)).isNull();
            assertThat(vhost.drain(out)).extracting(RabbitVhost::text).containsExactly("{\"b\":1}");
            publisher.stopAccepting();
            publisher.drainAndClose(Duration.ofSeconds(1));
        }
    }

    @Test
    void batchToADeletedQueueIsA503AndSaysNothingCounts() throws Exception {
        String out = uniqueTopic("out");
        try (InProcessSidecar s = InProcessSidecar.startReady(vhost.env("OUTPUT_TOPIC", out))) {
            assertThat(s.client.post("/post_messages", "[{\"a\":1},{\"a\":2}]").body()).contains("\"published\": 2");
            vhost.delete(out);
            HttpResponse<String> response = s.client.post("/post_messages", "[{\"b\":1},{\"b\":2},{\"b\":3}]");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("treat none of it as published").contains("does not exist");
        }
    }
}
