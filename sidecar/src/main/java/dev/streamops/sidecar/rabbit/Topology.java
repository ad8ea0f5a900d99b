package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Each topic T is a durable quorum queue with a delivery limit that dead-letters (at least once) into the
 * durable quorum queue T.dlq. Publisher and consumer sides declare exactly the same, so whichever starts
 * first creates it and the other's declaration is a no-op.
 */
public final class Topology {

    private Topology() {
    }

    public static String deadLetterQueue(String topic) {
        return topic + ".dlq";
    }

    public static Map<String, Object> topicArguments(String topic, int deliveryLimit) {
        return Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", deliveryLimit,
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", deadLetterQueue(topic),
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    public static Map<String, Object> deadLetterArguments() {
        return Map.of("x-queue-type", "quorum");
    }

    /**
     * Declares every topic and its dead-letter queue on a channel of {@code connection} that stays open:
     * automatic topology recovery re-declares recorded queues through the channel that declared them.
     * A refused declaration (406 PRECONDITION_FAILED) closes its channel, so each queue is first checked on a
     * throwaway channel. Returns the channel that holds the declarations.
     */
    public static Channel declare(Connection connection, List<String> topics, int deliveryLimit)
            throws IOException, TopologyMismatchException {
        for (String topic : topics) {
            check(connection, deadLetterQueue(topic), deadLetterArguments());
            check(connection, topic, topicArguments(topic, deliveryLimit));
        }
        Channel holder = connection.createChannel();
        for (String topic : topics) {
            holder.queueDeclare(deadLetterQueue(topic), true, false, false, deadLetterArguments());
            holder.queueDeclare(topic, true, false, false, topicArguments(topic, deliveryLimit));
        }
        return holder;
    }

    private static void check(Connection connection, String queue, Map<String, Object> arguments)
            throws IOException, TopologyMismatchException {
        // Not try-with-resources: closing a channel the broker already closed throws.
        Channel probe = connection.createChannel();
        try {
            probe.queueDeclare(queue, true, false, false, arguments);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException signal && !signal.isHardError()
                    && signal.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
                    && close.getReplyCode() == 406) {
                throw new TopologyMismatchException("queue '" + queue + "' already exists with other arguments than "
                        + arguments + ": " + close.getReplyText());
            }
            throw e;
        } finally {
            if (probe.isOpen()) {
                try {
                    probe.close();
                } catch (Exception ignored) {
                    // The probe only existed to fail safely.
                }
            }
        }
    }
}
