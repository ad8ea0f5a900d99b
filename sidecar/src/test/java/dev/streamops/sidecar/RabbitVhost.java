package dev.streamops.sidecar;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A private virtual host on the real RabbitMQ for one test class (test classes of several modules may run
 * on this broker at once), plus the few direct AMQP operations tests need to check what the sidecar did.
 * Register it as {@code @RegisterExtension static final RabbitVhost vhost = new RabbitVhost();}: the vhost
 * is created before the class's first test and deleted after its last.
 */
public final class RabbitVhost implements BeforeAllCallback, AfterAllCallback {

    public final String name = "streamops-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final ConnectionFactory factory = new ConnectionFactory();
    private Connection connection;

    public RabbitVhost() {
        factory.setHost("127.0.0.1");
        factory.setVirtualHost(name);
        factory.setAutomaticRecoveryEnabled(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        rabbitmqctl("add_vhost", name);
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
    }

    /** The test's own connection, reopened when a forced close took it down. */
    private synchronized Connection connection() throws IOException {
        if (connection == null || !connection.isOpen()) {
            try {
                connection = factory.newConnection("streamops-sidecar-test");
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException(e);
            }
        }
        return connection;
    }

    /** A connection of the test's own into this vhost (no automatic recovery); the caller closes it. */
    public Connection connect() throws Exception {
        return factory.newConnection("streamops-sidecar-test-own");
    }

    public String uri() {
        return "amqp://guest:guest@127.0.0.1:5672/" + name;
    }

    /** Base environment of a sidecar in this vhost; tests add topics and overrides. */
    public Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        env.put("RABBITMQ_URI", uri());
        env.put("API_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("LISTEN_ADDRESS", "127.0.0.1");
        env.put("MY_POD_NAME", "test-pod");
        env.put("MY_POD_NAMESPACE", "test-ns");
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    public static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Ready messages and consumers of a queue, from a passive declare (fast, no rabbitmqctl). */
    public record QueueState(int messages, int consumers) {
    }

    public QueueState state(String queue) throws IOException {
        try (Channel channel = connection().createChannel()) {
            var ok = channel.queueDeclarePassive(queue);
            return new QueueState(ok.getMessageCount(), ok.getConsumerCount());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** Takes (and acks) every message now in the queue. */
    public List<GetResponse> drain(String queue) throws Exception {
        List<GetResponse> messages = new ArrayList<>();
        try (Channel channel = connection().createChannel()) {
            GetResponse response;
            while ((response = channel.basicGet(queue, true)) != null) {
                messages.add(response);
            }
        }
        return messages;
    }

    public static String text(GetResponse response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    /** Publishes raw bytes straight to a queue with confirms, as another producer would. */
    public void publish(String queue, byte[] body) throws Exception {
        try (Channel channel = connection().createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", queue, true, new com.rabbitmq.client.AMQP.BasicProperties.Builder().deliveryMode(2).build(), body);
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    public void publishAll(String queue, List<byte[]> bodies) throws Exception {
        try (Channel channel = connection().createChannel()) {
            channel.confirmSelect();
            for (byte[] body : bodies) {
                channel.basicPublish("", queue, true, new com.rabbitmq.client.AMQP.BasicProperties.Builder().deliveryMode(2).build(), body);
            }
            channel.waitForConfirmsOrDie(30_000);
        }
    }

    /** Takes one message and returns it unacked, as a consumer that crashed would (a delivery attempt). */
    public void returnOnce(String queue) throws Exception {
        try (Channel channel = connection().createChannel()) {
            GetResponse response = channel.basicGet(queue, false);
            if (response == null) {
                throw new IllegalStateException("queue " + queue + " is empty");
            }
            channel.basicNack(response.getEnvelope().getDeliveryTag(), false, true);
        }
    }

    public void declare(String queue, Map<String, Object> arguments) throws Exception {
        try (Channel channel = connection().createChannel()) {
            channel.queueDeclare(queue, true, false, false, arguments);
        }
    }

    public void delete(String queue) throws Exception {
        try (Channel channel = connection().createChannel()) {
            channel.queueDelete(queue);
        }
    }

    /** Force-closes every connection of this vhost (and only this one) as a broker-side failure would. */
    public void closeAllConnections() throws Exception {
        rabbitmqctl("close_all_connections", "--vhost", name, "streamops test: forced close");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (Exception ignored) {
            // May have been force-closed by a test.
        }
        rabbitmqctl("delete_vhost", name);
    }

    /**
     * Messages delivered to a consumer and not yet acked, as the broker counts them (rabbitmqctl: a passive
     * declare counts only ready messages).
     */
    public int unacked(String queue) throws Exception {
        String output = rabbitmqctl("list_queues", "-q", "--no-table-headers", "-p", name, "name", "messages_unacknowledged");
        for (String line : output.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                return Integer.parseInt(columns[1]);
            }
        }
        throw new IllegalStateException("no queue '" + queue + "' in vhost " + name + ": " + output);
    }

    /** Runs rabbitmqctl and returns what it printed; fails on a non-zero exit. */
    public static String rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }
}
