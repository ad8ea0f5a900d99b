package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.AMQP;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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

    /**
     * A random (version 4) UUID from ThreadLocalRandom: ids must be unique, not unguessable, and
     * UUID.randomUUID() would make every publish contend on one SecureRandom.
     */
    static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    AMQP.BasicProperties forNewMessage() {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType("application/json")
                .messageId(randomId())
                .timestamp(new Date())
                .headers(producerHeaders)
                .build();
    }
}
