package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.streamops.sidecar.broker.BrokerUnavailableException;
import dev.streamops.sidecar.broker.PublishRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One channel in confirm mode shared by many concurrent publishers: each publish records a future under the
 * channel's next sequence number, and the broker's (often multiple) acks complete them in bulk, so confirms
 * pipeline instead of serialising. A future completes normally only on an ack; nack, return (unroutable),
 * channel loss or recovery fails it, so nothing unconfirmed is ever reported as stored.
 *
 * <p>A lost connection is recovered by the client's automatic recovery, channel included. A channel the broker
 * closes on its own (a channel-level error, e.g. access refused after a permission change) is not: this class
 * opens a replacement on the same connection, so one error never leaves the sidecar unable to publish.
 */
final class ConfirmChannel implements ConfirmListener, ReturnListener, RecoveryListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmChannel.class);
    private static final Duration REOPEN_DELAY = Duration.ofSeconds(1);

    private final Connection connection;
    private volatile Channel channel;
    private volatile boolean closed;
    private final ReentrantLock publishLock = new ReentrantLock();
    private final NavigableMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();
    private final Map<String, CompletableFuture<Void>> byMessageId = new ConcurrentHashMap<>();
    /** False from a channel shutdown until its recovery: publishes fail fast instead of waiting. */
    private volatile boolean usable;

    ConfirmChannel(Connection connection) throws IOException {
        this.connection = connection;
        this.channel = open();
        usable = true;
    }

    private Channel open() throws IOException {
        Channel opened = connection.createChannel();
        opened.confirmSelect();
        opened.addConfirmListener(this);
        opened.addReturnListener(this);
        opened.addShutdownListener(cause -> lost(opened, cause));
        if (opened instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(this);
        }
        return opened;
    }

    /** Publishes to the default exchange with routing key {@code queue}; mandatory, so a missing queue fails. */
    CompletableFuture<Void> publish(String queue, AMQP.BasicProperties properties, byte[] body) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        publishLock.lock();
        try {
            publishLocked(queue, properties, body, confirmed);
        } finally {
            publishLock.unlock();
        }
        return confirmed;
    }

    /** Publishes several messages back to back on this channel (kept in order), one future each. */
    CompletableFuture<Void>[] publishAll(String[] queues, AMQP.BasicProperties[] properties, byte[][] bodies) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] futures = new CompletableFuture[bodies.length];
        publishLock.lock();
        try {
            for (int i = 0; i < bodies.length; i++) {
                futures[i] = new CompletableFuture<>();
                publishLocked(queues[i], properties[i], bodies[i], futures[i]);
            }
        } finally {
            publishLock.unlock();
        }
        return futures;
    }

    private void publishLocked(String queue, AMQP.BasicProperties properties, byte[] body, CompletableFuture<Void> confirmed) {
        Channel channel = this.channel;
        if (!usable || !channel.isOpen()) {
            confirmed.completeExceptionally(new BrokerUnavailableException("not connected to RabbitMQ"));
            return;
        }
        long sequence = channel.getNextPublishSeqNo();
        pending.put(sequence, confirmed);
        String messageId = properties.getMessageId();
        if (messageId != null) {
            byMessageId.put(messageId, confirmed);
            confirmed.whenComplete((ok, error) -> byMessageId.remove(messageId));
        }
        try {
            channel.basicPublish("", queue, true, properties, body);
        } catch (IOException | AlreadyClosedException e) {
            pending.remove(sequence);
            confirmed.completeExceptionally(new BrokerUnavailableException("publish failed: " + e.getMessage()));
        }
    }

    @Override
    public void handleAck(long sequence, boolean multiple) {
        complete(sequence, multiple, null);
    }

    @Override
    public void handleNack(long sequence, boolean multiple) {
        complete(sequence, multiple, new PublishRejectedException("RabbitMQ refused the message (nack: queue full or unavailable)"));
    }

    private void complete(long sequence, boolean multiple, RuntimeException failure) {
        if (multiple) {
            NavigableMap<Long, CompletableFuture<Void>> done = pending.headMap(sequence, true);
            for (CompletableFuture<Void> future : done.values()) {
                finish(future, failure);
            }
            done.clear();
        } else {
            CompletableFuture<Void> future = pending.remove(sequence);
            if (future != null) {
                finish(future, failure);
            }
        }
    }

    private static void finish(CompletableFuture<Void> future, RuntimeException failure) {
        if (failure == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(failure);
        }
    }

    /** The broker sends basic.return before the ack of the same message, so this failure wins. */
    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                             AMQP.BasicProperties properties, byte[] body) {
        CompletableFuture<Void> future = properties.getMessageId() == null ? null : byMessageId.get(properties.getMessageId());
        if (future != null) {
            future.completeExceptionally(new PublishRejectedException(
                    "queue '" + routingKey + "' does not exist (" + replyCode + " " + replyText + ")"));
        }
    }

    private void lost(Channel lostChannel, ShutdownSignalException cause) {
        if (lostChannel != channel) {
            return;
        }
        usable = false;
        boolean channelError = !cause.isHardError() && !cause.isInitiatedByApplication();
        failAllPending(channelError
                ? "RabbitMQ closed the publish channel before it confirmed (" + cause.getMessage() + ")"
                : "connection to RabbitMQ lost before the broker confirmed");
        if (!closed && channelError) {
            LOG.warn("RabbitMQ closed a publish channel ({}); opening a new one", cause.getMessage());
            reopenLater();
        }
    }

    /** On a thread of its own: opening a channel waits for replies that the client's connection thread delivers. */
    private void reopenLater() {
        Thread.ofVirtual().name("confirm-channel-reopen").start(() -> {
            try {
                Thread.sleep(REOPEN_DELAY);
            } catch (InterruptedException e) {
                return;
            }
            publishLock.lock();
            try {
                if (closed) {
                    return;
                }
                channel = open();
                usable = true;
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot open a new publish channel yet ({}); retrying", e.toString());
                reopenLater();
            } finally {
                publishLock.unlock();
            }
        });
    }

    @Override
    public void handleRecovery(Recoverable recoverable) {
        // Sequence numbers restart on the recovered channel: nothing from before may be matched against them.
        publishLock.lock();
        try {
            failAllPending("connection to RabbitMQ was recovered before the broker confirmed");
            usable = true;
        } finally {
            publishLock.unlock();
        }
    }

    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {
        usable = false;
    }

    void failAllPending(String why) {
        while (!pending.isEmpty()) {
            Map.Entry<Long, CompletableFuture<Void>> first = pending.pollFirstEntry();
            if (first != null) {
                first.getValue().completeExceptionally(new BrokerUnavailableException(why));
            }
        }
    }

    /** The channel in use now (tests provoke broker-side errors on it). */
    Channel channel() {
        return channel;
    }

    boolean idle() {
        return pending.isEmpty();
    }

    void close() {
        closed = true;
        usable = false;
        try {
            Channel channel = this.channel;
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (Exception ignored) {
            // Closing during shutdown: the connection goes next anyway.
        }
        failAllPending("sidecar is shutting down");
    }
}
