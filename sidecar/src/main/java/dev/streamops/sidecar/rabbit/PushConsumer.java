package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.streamops.sidecar.SidecarConfig;
import dev.streamops.sidecar.SidecarMetrics;
import dev.streamops.sidecar.broker.PushControl;
import dev.streamops.sidecar.push.PushOutcome;
import dev.streamops.sidecar.push.PushTarget;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes the input topic to the function. The broker hands over at most PREFETCH unacked messages; they wait
 * in a local queue and PUSH_CONCURRENCY workers (one by default, so order is kept) POST them. A message is
 * acked only after the function's 2xx, or after its copy in the dead-letter queue is confirmed, so a crash at
 * any moment leaves it in the queue. Connection loss is handled by the client's automatic recovery, which
 * re-registers this same consumer; only a channel-level error needs the re-subscribe done here.
 */
public final class PushConsumer implements PushControl {

    private static final Logger LOG = LoggerFactory.getLogger(PushConsumer.class);

    static final String REASON_HEADER = "streamops-dead-letter-reason";
    static final String ATTEMPTS_HEADER = "streamops-attempts";
    static final String STATUS_HEADER = "streamops-function-status";
    static final String QUEUE_HEADER = "streamops-source-queue";

    /**
     * The consumer channel between two losses: its deliveries and their acks. A delivery from an older
     * generation is redelivered by the broker, so it is never acked (its tag would hit another message).
     * Between a connection loss and its recovery the generation is closed ({@code acks} null): a delivery
     * the client still dispatches from the lost connection is dropped, since the broker redelivers it and its
     * tag must never enter the next generation's cumulative acks.
     */
    private record Generation(long number, CumulativeAcks acks) {
        boolean closed() {
            return acks == null;
        }
    }

    /** One delivery held by the sidecar, tagged with the channel generation it arrived on. */
    private record Held(Generation generation, long deliveryTag, AMQP.BasicProperties properties, byte[] body) {
    }

    private static final Held STOP = new Held(null, -1, null, null);

    private final String topic;
    private final int prefetch;
    private final int concurrency;
    private final int deliveryLimit;
    private final Duration backoff;
    private final Duration backoffMax;
    private final Duration deadLetterTimeout;
    private final PushTarget target;
    private final SidecarMetrics metrics;
    private final BlockingQueue<Held> buffer = new LinkedBlockingQueue<>();
    private final AtomicInteger working = new AtomicInteger();

    private volatile Connection connection;
    private volatile Channel channel;
    private ConfirmChannel deadLetters;
    // Written under this object's lock, read without it by the readiness probe (which must not wait for
    // a subscribe in progress: that holds the lock while it waits for the broker).
    private volatile boolean wanted;
    private volatile boolean subscribed;
    /** A subscribe retry is scheduled: at most one runs at a time. */
    private boolean subscribeScheduled;
    private volatile String lastSubscribeError = "";
    private boolean workersStarted;
    private volatile String consumerTag;
    private volatile Generation generation = new Generation(0, null);
    private volatile boolean stopping;

    public PushConsumer(SidecarConfig config, PushTarget target, SidecarMetrics metrics) {
        this.topic = config.inputTopic().orElseThrow();
        this.prefetch = config.prefetch();
        this.concurrency = config.pushConcurrency();
        this.deliveryLimit = config.deliveryLimit();
        this.backoff = config.retryBackoff();
        this.backoffMax = config.retryBackoffMax();
        this.deadLetterTimeout = config.publishTimeout();
        this.target = target;
        this.metrics = metrics;
    }

    /**
     * Called once the connections are up and the topology declared; subscribes if push was already requested.
     * Dead letters are published on {@code publishing}, not on the consuming connection: RabbitMQ blocks a
     * connection that publishes during a resource alarm, and the acks of the consumer must still get through.
     */
    public synchronized void attach(Connection consuming, Connection publishing) throws IOException {
        this.connection = consuming;
        this.deadLetters = new ConfirmChannel(publishing);
        if (wanted) {
            subscribeOrRetry();
        }
    }

    @Override
    public synchronized State start() {
        if (stopping) {
            return State.STOPPED;
        }
        if (!wanted) {
            wanted = true;
            LOG.info("push delivery of '{}' requested", topic);
        }
        if (connection != null && !subscribed) {
            subscribeOrRetry();
        }
        return state();
    }

    /** Why push is not running although it was requested and RabbitMQ is connected; empty otherwise. */
    public Optional<String> notSubscribedReason() {
        if (!wanted || subscribed || stopping || connection == null) {
            return Optional.empty();
        }
        return Optional.of("push delivery of '" + topic + "' requested but not subscribed yet"
                + (lastSubscribeError.isEmpty() ? "" : " (last error: " + lastSubscribeError + ")"));
    }

    @Override
    public synchronized State state() {
        if (subscribed && !stopping) {
            return State.RUNNING;
        }
        return wanted && !stopping ? State.STARTING : State.STOPPED;
    }

    /** PUSH_AUTOSTART: start as soon as the function's port accepts connections. */
    public void autostartWhenReachable() {
        Thread.ofVirtual().name("push-autostart").start(() -> {
            while (!stopping && !target.reachable()) {
                sleep(Duration.ofMillis(200));
            }
            if (!stopping) {
                LOG.info("the function accepts connections: starting push delivery");
                start();
            }
        });
    }

    /** Subscribes now, or keeps retrying in the background until it works (or push is stopped). */
    private void subscribeOrRetry() {
        try {
            subscribe();
        } catch (IOException | RuntimeException e) {
            subscribeFailed(e);
        }
    }

    private void subscribeFailed(Exception e) {
        String error = describe(e);
        if (!error.equals(lastSubscribeError)) {
            LOG.warn("cannot subscribe to '{}' ({}); retrying every few seconds", topic, error);
            lastSubscribeError = error;
        }
        subscribeLater(Duration.ofSeconds(2));
    }

    /** The broker's own words when it refused (e.g. "ACCESS_REFUSED - access to queue 'q' ... refused"). */
    private static String describe(Exception e) {
        if (e.getCause() instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close) {
            return close.getReplyCode() + " " + close.getReplyText();
        }
        return e.toString();
    }

    private void subscribeLater(Duration delay) {
        if (subscribeScheduled) {
            return;
        }
        subscribeScheduled = true;
        Thread.ofVirtual().name("push-subscribe").start(() -> {
            sleep(delay);
            synchronized (this) {
                subscribeScheduled = false;
                if (!stopping && wanted && !subscribed) {
                    subscribeOrRetry();
                }
            }
        });
    }

    private void subscribe() throws IOException {
        Channel ch = connection.createChannel();
        try {
            consumeOn(ch);
        } catch (IOException | RuntimeException e) {
            // Not subscribed: forget this channel first, so its closing is not taken for a live consumer's loss.
            if (channel == ch) {
                channel = null;
                closeGeneration();
            }
            try {
                ch.abort();
            } catch (Exception ignored) {
                // Already closed by the broker.
            }
            throw e;
        }
        subscribed = true;
        lastSubscribeError = "";
        if (!workersStarted) {
            workersStarted = true;
            for (int i = 0; i < concurrency; i++) {
                Thread.ofPlatform().daemon().name("push-worker-" + i).start(this::work);
            }
        }
        LOG.info("pushing '{}' (prefetch {}, concurrency {}, generation {})", topic, prefetch, concurrency, generation.number());
    }

    private void consumeOn(Channel ch) throws IOException {
        ch.basicQos(prefetch);
        // Current before the first delivery can arrive, so a loss of this channel is never taken for an old one's.
        channel = ch;
        generation = next(ch);
        ch.addShutdownListener(signal -> channelLost(ch, signal));
        if (ch instanceof Recoverable recoverable) {
            // Runs after the channel is reopened and before its consumer is re-registered.
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recovered) {
                    if (ch == channel && !stopping) {
                        generation = next(ch);
                    }
                }

                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    // The shutdown listener has closed the generation already.
                }
            });
        }
        consumerTag = ch.basicConsume(topic, false, "streamops-sidecar-" + UUID.randomUUID(), new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                Generation current = generation;
                if (current.closed()) {
                    return; // From the lost connection: redelivered by the broker.
                }
                current.acks().delivered(envelope.getDeliveryTag());
                buffer.add(new Held(current, envelope.getDeliveryTag(), properties, body));
            }

            @Override
            public void handleCancel(String consumerTag) {
                LOG.error("RabbitMQ cancelled the consumer of '{}' (queue deleted?); re-subscribing in 5 s", topic);
                resubscribeLater(ch, Duration.ofSeconds(5));
            }
        });
    }

    /** A new generation on {@code ch}; acks coalesce up to half the prefetch, so the broker's window stays open. */
    private Generation next(Channel ch) {
        return new Generation(generation.number() + 1, new CumulativeAcks(ch::basicAck, prefetch / 2));
    }

    /**
     * Deliveries held from a lost channel will be redelivered by the broker: drop our copies. Connection loss
     * (hard error) is recovered by the client with this same consumer; a channel-level error is not, so
     * subscribe again on a fresh channel.
     */
    private void channelLost(Channel ch, ShutdownSignalException signal) {
        if (ch != channel) {
            return; // A channel replaced earlier (aborted by a re-subscribe): nothing of it is held any more.
        }
        // Closed until automatic recovery reopens this channel (or a re-subscribe replaces it).
        closeGeneration();
        if (stopping || signal.isInitiatedByApplication() && !signal.isHardError()) {
            return;
        }
        if (signal.isHardError()) {
            LOG.warn("connection lost while pushing '{}'; automatic recovery will resume it", topic);
        } else {
            LOG.warn("consumer channel of '{}' closed by RabbitMQ ({}); re-subscribing", topic, signal.getMessage());
            resubscribeLater(ch, Duration.ofSeconds(1));
        }
    }

    /** Drops what is held from the current channel: the broker redelivers it, and its tags must not be acked. */
    private void closeGeneration() {
        generation = new Generation(generation.number() + 1, null);
        buffer.removeIf(held -> held != STOP);
    }

    /**
     * After a channel error or a consumer cancel: replace the channel, once, after {@code delay}. Called on the
     * client's threads, so it takes this object's lock on a thread of its own: {@link #subscribe} holds that
     * lock while it waits for the broker's replies, which those threads deliver.
     */
    private void resubscribeLater(Channel broken, Duration delay) {
        Thread.ofVirtual().name("push-resubscribe").start(() -> {
            synchronized (this) {
                if (stopping || channel != broken) {
                    return;
                }
                subscribed = false;
                channel = null;
                closeGeneration();
                try {
                    // Abort so the client forgets the dead channel and never "recovers" its consumer twice.
                    broken.abort();
                } catch (Exception ignored) {
                    // Already gone.
                }
                subscribeLater(delay);
            }
        });
    }

    private void work() {
        while (true) {
            Held held;
            try {
                held = buffer.take();
            } catch (InterruptedException e) {
                return;
            }
            if (held == STOP) {
                return;
            }
            if (stopping || held.generation() != generation) {
                continue;
            }
            working.incrementAndGet();
            metrics.inFlight().incrementAndGet();
            try {
                deliver(held);
                flushAcks(held.generation(), buffer.isEmpty());
            } catch (RuntimeException e) {
                LOG.error("unexpected error while pushing a message of '{}'; it stays in the queue", topic, e);
            } finally {
                metrics.inFlight().decrementAndGet();
                working.decrementAndGet();
            }
        }
    }

    private void deliver(Held held) {
        int attempts = previousDeliveries(held.properties());
        Duration wait = backoff;
        boolean unreachableLogged = false;
        while (true) {
            metrics.pushed();
            long started = System.nanoTime();
            PushOutcome outcome = target.deliver(held.body());
            metrics.pushLatency().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            switch (outcome.kind()) {
                case DELIVERED -> {
                    if (ack(held)) {
                        metrics.acked();
                    }
                    return;
                }
                case REJECTED -> {
                    deadLetter(held, "rejected: " + outcome.detail(), attempts + 1, outcome.status());
                    return;
                }
                case FAILED -> {
                    attempts++;
                    if (attempts >= deliveryLimit) {
                        deadLetter(held, "delivery limit of " + deliveryLimit + " reached: " + outcome.detail(), attempts, outcome.status());
                        return;
                    }
                    metrics.retried();
                    LOG.debug("push attempt {} failed ({}); retrying in {} ms", attempts, outcome.detail(), wait.toMillis());
                }
                case UNREACHABLE -> {
                    if (!unreachableLogged) {
                        LOG.warn("{}; waiting for it (the message stays unacked)", outcome.detail());
                        unreachableLogged = true;
                    }
                }
            }
            if (stopping || held.generation() != generation) {
                return; // Left unacked: the broker gives it to the next consumer.
            }
            sleep(wait);
            wait = wait.multipliedBy(2).compareTo(backoffMax) > 0 ? backoffMax : wait.multipliedBy(2);
        }
    }

    /** Deliveries before this one, from the quorum queue's x-delivery-count (crashed or stopped consumers). */
    private static int previousDeliveries(AMQP.BasicProperties properties) {
        Map<String, Object> headers = properties.getHeaders();
        Object count = headers == null ? null : headers.get("x-delivery-count");
        return count instanceof Number n ? (int) Math.min(n.longValue(), Integer.MAX_VALUE) : 0;
    }

    private void deadLetter(Held held, String reason, int attempts, int functionStatus) {
        AMQP.BasicProperties original = held.properties();
        Map<String, Object> headers = new HashMap<>();
        if (original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        headers.put(REASON_HEADER, reason);
        headers.put(ATTEMPTS_HEADER, attempts);
        headers.put(QUEUE_HEADER, topic);
        if (functionStatus > 0) {
            headers.put(STATUS_HEADER, functionStatus);
        }
        AMQP.BasicProperties properties = original.builder()
                .headers(headers)
                .deliveryMode(2)
                .messageId(original.getMessageId() != null ? original.getMessageId() : UUID.randomUUID().toString())
                .build();
        try {
            deadLetters.publish(Topology.deadLetterQueue(topic), properties, held.body())
                    .get(deadLetterTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("could not dead-letter a message of '{}' ({}); returning it to the queue", topic, e.toString());
            nack(held);
            return;
        }
        if (ack(held)) {
            metrics.deadLettered();
            LOG.info("dead-lettered a message of '{}' to '{}' after {} attempt(s): {}",
                    topic, Topology.deadLetterQueue(topic), attempts, reason);
        }
    }

    /** Marks the message done; its ack goes out with the next due flush ({@link CumulativeAcks}). */
    private boolean ack(Held held) {
        if (held.generation() != generation || held.generation().closed()) {
            return false; // Its channel is gone: the broker redelivers it, acking now would hit the wrong tag.
        }
        held.generation().acks().done(held.deliveryTag());
        return true;
    }

    /** Sends the acks that are due: all of them when {@code idle}, so nothing done waits while the stream is quiet. */
    private void flushAcks(Generation of, boolean idle) {
        if (of != generation || of.closed()) {
            return;
        }
        try {
            of.acks().flush(idle);
        } catch (IOException | AlreadyClosedException e) {
            // Channel gone: its deliveries are redelivered by the broker.
        }
    }

    private void nack(Held held) {
        Channel ch = channel;
        if (held.generation() != generation || ch == null) {
            return;
        }
        try {
            ch.basicNack(held.deliveryTag(), false, true);
            held.generation().acks().skipped(held.deliveryTag()); // Its generation is current, so not closed.
        } catch (IOException | AlreadyClosedException ignored) {
            // Channel gone: the broker requeues it anyway.
        }
    }

    /**
     * Graceful stop: no new deliveries, let the one in flight finish (up to {@code drain}), then close the
     * channels so every unacked message returns to the queue.
     */
    public void stop(Duration drain) {
        Channel ch;
        synchronized (this) {
            stopping = true;
            ch = channel;
        }
        if (ch != null) {
            try {
                ch.basicCancel(consumerTag);
            } catch (Exception ignored) {
                // Closing the channel below cancels it anyway.
            }
        }
        buffer.clear();
        long deadline = System.nanoTime() + drain.toNanos();
        while (working.get() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(20));
        }
        for (int i = 0; i < concurrency; i++) {
            buffer.add(STOP);
        }
        if (ch != null) {
            try {
                Generation last = generation;
                if (!last.closed()) {
                    last.acks().flush(true); // Done messages are acked; unfinished ones return to the queue.
                }
            } catch (IOException | AlreadyClosedException e) {
                // Channel already gone: everything unacked is redelivered.
            }
            try {
                ch.close();
            } catch (Exception ignored) {
                // Already closed by the broker or the connection.
            }
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
