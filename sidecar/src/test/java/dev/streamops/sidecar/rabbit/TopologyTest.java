package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.GetResponse;
import dev.streamops.sidecar.InProcessSidecar;
import dev.streamops.sidecar.RabbitVhost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.streamops.sidecar.RabbitVhost.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The queues the sidecar declares, as the broker sees them. */
class TopologyTest {

    @RegisterExtension
    static final RabbitVhost vhost = new RabbitVhost();

    @Test
    void publishingAndConsumingSidecarsDeclareTheSameQueueWhicheverStartsFirst() throws Exception {
        String topic = uniqueTopic("t");
        // Consumer first, then a producer of the same topic with the same DELIVERY_LIMIT: no mismatch.
        try (InProcessSidecar consumer = InProcessSidecar.startReady(vhost.env("INPUT_TOPIC", topic,
                "FUNCTION_URL", "http://127.0.0.1:1/post_message", "DELIVERY_LIMIT", "4"));
             InProcessSidecar producer = InProcessSidecar.startReady(vhost.env("OUTPUT_TOPIC", topic, "DELIVERY_LIMIT", "4"))) {
            assertThat(producer.fatal.get()).isNull();
            assertThat(consumer.fatal.get()).isNull();
            assertThat(producer.client.post("/post_message", "{\"a\":1}").statusCode()).isEqualTo(200);
            assertThat(vhost.state(topic).messages()).isEqualTo(1);
        }
    }

    @Test
    void theQueueItselfDeadLettersAMessageWhoseDeliveriesKeepFailing() throws Exception {
        String topic = uniqueTopic("t");
        try (InProcessSidecar producer = InProcessSidecar.startReady(vhost.env("OUTPUT_TOPIC", topic, "DELIVERY_LIMIT", "2"))) {
            assertThat(producer.client.post("/post_message", "{\"crashes-its-consumers\":1}").statusCode()).isEqualTo(200);
        }
        // Consumers that die holding it (here: return it unacked) never ack: after x-delivery-limit returns the
        // quorum queue moves it to T.dlq by itself, so it cannot loop forever even with no sidecar involved.
        int returns = 0;
        while (returns < 10 && vhost.state(topic).messages() > 0) {
            vhost.returnOnce(topic);
            returns++;
            Thread.sleep(100); // the requeue or the dead-lettering is asynchronous
        }
        assertThat(returns).as("deliveries before the queue gave up on it").isBetween(2, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(topic + ".dlq").messages() == 1);
        assertThat(vhost.state(topic).messages()).isZero();
        List<GetResponse> dead = vhost.drain(topic + ".dlq");
        assertThat(dead).extracting(RabbitVhost::text).containsExactly("{\"crashes-its-consumers\":1}");
        assertThat(dead.getFirst().getProps().getHeaders()).containsKey("x-death");
    }
}
