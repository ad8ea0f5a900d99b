package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Connection;
import dev.streamops.sidecar.broker.BrokerUnavailableException;
import dev.streamops.sidecar.broker.OutgoingMessage;
import dev.streamops.sidecar.broker.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker port's publisher: a few confirm channels used round-robin, so many concurrent requests
 * share confirms. Until {@link #attach}, after {@link #stopAccepting}, and while RabbitMQ blocks the publishing
 * connection (a memory or disk alarm: it stops reading from the socket, so a publish would hang instead of
 * being refused) every publish fails fast.
 */
public final class ConfirmingPublisher implements Publisher, BlockedListener {

    /** Enough to spread 64 concurrent publishers; more channels only add broker-side processes. */
    static final int CHANNELS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmingPublisher.class);

    private final MessageProperties properties;
    private final AtomicInteger next = new AtomicInteger();
    private volatile List<ConfirmChannel> channels = List.of();
    private volatile boolean accepting = true;
    /** RabbitMQ's reason while it blocks the publishing connection, else null. */
    private volatile String blockedBy;

    public ConfirmingPublisher(String podName, String podNamespace) {
        this.properties = new MessageProperties(podName, podNamespace);
    }

    public void attach(Connection connection) throws IOException {
        List<ConfirmChannel> opened = new ArrayList<>();
        for (int i = 0; i < CHANNELS; i++) {
            opened.add(new ConfirmChannel(connection));
        }
        channels = List.copyOf(opened);
    }

    @Override
    public CompletableFuture<Void> publish(OutgoingMessage message) {
        ConfirmChannel channel = pick();
        if (channel == null) {
            return CompletableFuture.failedFuture(unavailable());
        }
        return channel.publish(message.topic(), properties.forNewMessage(), message.body());
    }

    @Override
    public CompletableFuture<Void> publishAll(List<OutgoingMessage> messages) {
        ConfirmChannel channel = pick();
        if (channel == null) {
            return CompletableFuture.failedFuture(unavailable());
        }
        int n = messages.size();
        String[] queues = new String[n];
        AMQP.BasicProperties[] props = new AMQP.BasicProperties[n];
        byte[][] bodies = new byte[n][];
        for (int i = 0; i < n; i++) {
            queues[i] = messages.get(i).topic();
            props[i] = properties.forNewMessage();
            bodies[i] = messages.get(i).body();
        }
        return CompletableFuture.allOf(channel.publishAll(queues, props, bodies));
    }

    private ConfirmChannel pick() {
        List<ConfirmChannel> current = channels;
        if (!accepting || blockedBy != null || current.isEmpty()) {
            return null;
        }
        return current.get(Math.floorMod(next.getAndIncrement(), current.size()));
    }

    private BrokerUnavailableException unavailable() {
        String blocked = blockedBy;
        return new BrokerUnavailableException(!accepting ? "sidecar is shutting down"
                : blocked != null ? blockedMessage(blocked) : "not connected to RabbitMQ yet");
    }

    private static String blockedMessage(String reason) {
        return "RabbitMQ is blocking publishers (resource alarm: " + reason + ")";
    }

    @Override
    public void handleBlocked(String reason) {
        blockedBy = reason == null || reason.isBlank() ? "no reason given" : reason;
        LOG.warn("{}: publishes are answered 503 until it lifts", blockedMessage(blockedBy));
    }

    @Override
    public void handleUnblocked() {
        blockedBy = null;
        LOG.info("RabbitMQ no longer blocks publishers");
    }

    /** Why publishing is impossible right now although connected (a resource alarm), else empty. */
    public Optional<String> blockedReason() {
        String blocked = blockedBy;
        return blocked == null ? Optional.empty() : Optional.of(blockedMessage(blocked));
    }

    /** First step of shutdown: new publishes get 503 while those already sent may still be confirmed. */
    public void stopAccepting() {
        accepting = false;
    }

    /** Waits up to {@code timeout} for outstanding confirms, then closes the channels (failing what is left). */
    public void drainAndClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !channels.stream().allMatch(ConfirmChannel::idle)) {
            sleep(10);
        }
        channels.forEach(ConfirmChannel::close);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
