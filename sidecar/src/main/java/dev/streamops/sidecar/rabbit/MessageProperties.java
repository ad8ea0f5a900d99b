package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.AMQP;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Properties of every message the sidecar publishes: persistent JSON with an id, a time and its producer. */
final class MessageProperties {

    static final String POD_HEADER = "streamops-pod";
    static final String NAMESPACE_HEADER = "streamops-namespace";

    private final Map<String, Object> producerHeaders;

    MessageProperties(String podName, String podNamespace) {
        Map<String, Object> headers = new HashMap<>();
        if (!podName.isEmpty()) {
            headers.put(POD_HEADER, podName);
        }
        if (!podNamespace.isEmpty()) {
            headers.put(NAMESPACE_HEADER, podNamespace);
        }
        this.producerHeaders = Map.copyOf(headers);
    }

    AMQP.BasicProperties forNewMessage() {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType("application/json")
                .messageId(UUID.randomUUID().toString())
                .timestamp(new Date())
                .headers(producerHeaders)
                .build();
    }
}
