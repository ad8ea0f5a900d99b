package dev.streamops.local.runtime;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A RabbitMQ virtual host of one run, created and deleted with {@code rabbitmqctl} on the local
 * broker (127.0.0.1:5672, guest): deleting it deletes every queue the run declared, so nothing
 * is left behind, and runs side by side never see each other's topics.
 */
public final class RabbitVhost implements AutoCloseable {
    private final String name;
    private final Connection connection;
    private boolean deleted;

    private RabbitVhost(String name, Connection connection) {
        this.name = name;
        this.connection = connection;
    }

    public static RabbitVhost create(String prefix) throws IOException, InterruptedException {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", 5672), 2000);
        } catch (IOException closed) {
            throw new IllegalStateException("RabbitMQ does not answer on 127.0.0.1:5672 (make demo and make test start it: .ci/ensure-rabbitmq)");
        }
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        rabbitmqctl("add_vhost", name);
        try {
            rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost("127.0.0.1");
            factory.setPort(5672);
            factory.setUsername("guest");
            factory.setPassword("guest");
            factory.setVirtualHost(name);
            factory.setAutomaticRecoveryEnabled(true);
            return new RabbitVhost(name, factory.newConnection("localrun-" + name));
        } catch (IOException | TimeoutException | RuntimeException failure) {
            rabbitmqctl("delete_vhost", name);
            throw failure instanceof IOException io ? io : new IOException(failure);
        }
    }

    public String name() {
        return name;
    }

    /** The URI the pipeline's broker Secret gets: the local broker, this vhost. */
    public String uri() {
        return "amqp://guest:guest@127.0.0.1:5672/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** Ready messages in a queue (passive declare), or empty when the queue does not exist. */
    public OptionalLong depth(String queue) {
        try (Channel channel = connection.createChannel()) {
            return OptionalLong.of(channel.queueDeclarePassive(queue).getMessageCount());
        } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException missing) {
            return OptionalLong.empty();
        }
    }

    /** Consumers registered on a queue (passive declare), or empty when the queue does not exist. */
    public OptionalLong consumers(String queue) {
        try (Channel channel = connection.createChannel()) {
            return OptionalLong.of(channel.queueDeclarePassive(queue).getConsumerCount());
        } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException missing) {
            return OptionalLong.empty();
        }
    }

    /**
     * Takes every message now in a queue off it and hands each body to {@code each}; for after
     * the pipeline stopped, when nothing else consumes. Returns how many could not be read
     * before {@code timeout} (0: the queue is empty now; a queue that does not exist has none).
     */
    public long takeAll(String queue, Duration timeout, Consumer<byte[]> each) throws InterruptedException {
        OptionalLong depth = depth(queue);
        if (depth.isEmpty() || depth.getAsLong() == 0) {
            return 0;
        }
        long waiting = depth.getAsLong();
        long taken = 0;
        try (Channel channel = connection.createChannel()) {
            BlockingQueue<byte[]> bodies = new LinkedBlockingQueue<>();
            // Auto-ack: the vhost and everything in it is deleted right after the tally.
            channel.basicConsume(queue, true, (tag, delivery) -> bodies.add(delivery.getBody()), tag -> { });
            long deadline = System.nanoTime() + timeout.toNanos();
            while (taken < waiting) {
                byte[] body = bodies.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (body == null) {
                    break;
                }
                each.accept(body);
                taken++;
            }
        } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException broken) {
            // what was not taken counts as unread
        }
        return waiting - taken;
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public synchronized void close() {
        if (deleted) {
            return;
        }
        deleted = true;
        try {
            connection.close();
        } catch (IOException | com.rabbitmq.client.AlreadyClosedException ignored) {
            // the vhost goes anyway
        }
        try {
            rabbitmqctl("delete_vhost", name);
        } catch (IOException | InterruptedException failure) {
            System.err.println("could not delete the RabbitMQ vhost " + name + ": " + failure.getMessage());
        }
    }

    /** Deletes a vhost left by an abandoned run; a vhost already gone is fine. */
    static void deleteQuietly(String name) {
        try {
            rabbitmqctl("delete_vhost", name);
        } catch (IOException | IllegalStateException gone) {
            // already deleted, or rabbitmqctl unavailable: nothing more to do
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static void rabbitmqctl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            throw new IllegalStateException("rabbitmqctl cannot be run (" + notInstalled.getMessage()
                    + "): the local runtime creates a RabbitMQ vhost per run with it");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("rabbitmqctl " + args[0] + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("rabbitmqctl " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
