package dev.streamops.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ virtual host of the benchmark's own, created for one part and deleted afterwards with
 * everything in it, so a run never touches another helper's or test's queues (and vice versa).
 */
final class BrokerVhost implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final int PORT = 5672;

    private final String name;

    private BrokerVhost(String name) {
        this.name = name;
    }

    static BrokerVhost create(String part) {
        String name = "streamops-bench-" + part + "-" + UUID.randomUUID().toString().substring(0, 8);
        rabbitmqctl("add_vhost", name);
        BrokerVhost vhost = new BrokerVhost(name);
        try {
            rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        } catch (RuntimeException e) {
            vhost.close();
            throw e;
        }
        return vhost;
    }

    String name() {
        return name;
    }

    /** The URI the sidecars get, pointing at this vhost (guest is the broker's local-only default user). */
    String uri() {
        return "amqp://guest:guest@" + HOST + ":" + PORT + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    Connection connect(String connectionName) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(HOST);
        factory.setPort(PORT);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setVirtualHost(name);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection(connectionName);
    }

    /**
     * Declares topic queue {@code queue} with exactly the arguments the sidecar uses (common brief:
     * quorum, delivery limit, at-least-once dead-lettering to {@code queue.dlq}, reject-publish), so
     * the direct clients write to the same kind of queue the sidecar does. If the sidecar's
     * arguments ever differ, its own declaration fails at start and the benchmark says so.
     */
    static void declareTopic(Channel channel, String queue) throws IOException {
        channel.queueDeclare(queue + ".dlq", true, false, false, Map.of("x-queue-type", "quorum"));
        channel.queueDeclare(queue, true, false, false, Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", 5,
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", queue + ".dlq",
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish"));
    }

    @Override
    public void close() {
        try {
            rabbitmqctl("delete_vhost", name);
        } catch (RuntimeException e) {
            System.err.println("bench: could not delete vhost " + name + ": " + e.getMessage());
        }
    }

    private static void rabbitmqctl(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "rabbitmqctl";
        command[1] = "-q";
        System.arraycopy(args, 0, command, 2, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("rabbitmqctl " + args[0] + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run rabbitmqctl (is RabbitMQ installed? `make bench` runs"
                    + " .ci/ensure-rabbitmq first): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running rabbitmqctl", e);
        }
    }
}
