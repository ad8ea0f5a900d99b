package dev.streamops.sidecar;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.streamops.sidecar.broker.PushControl;
import dev.streamops.sidecar.broker.Readiness;
import dev.streamops.sidecar.http.SidecarApps;
import dev.streamops.sidecar.push.FunctionClient;
import dev.streamops.sidecar.rabbit.ConfirmingPublisher;
import dev.streamops.sidecar.rabbit.PushConsumer;
import dev.streamops.sidecar.rabbit.RabbitConnector;
import dev.streamops.sidecar.rabbit.Topology;
import dev.streamops.sidecar.rabbit.TopologyMismatchException;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The running sidecar: wires config, broker adapter and HTTP apps, connects in the background (the HTTP
 * ports answer at once, /readyz says when the broker side is ready) and shuts down in order.
 * One publish connection (publishes and dead letters) and one consume connection, so a broker that blocks
 * publishers (resource alarm) never stalls the consumer's acks.
 */
public final class Sidecar implements Readiness, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);
    /** Budget of a graceful stop, under Kubernetes' and the brief's 10 s. */
    private static final Duration PUBLISH_DRAIN = Duration.ofSeconds(2);
    private static final Duration PUSH_DRAIN = Duration.ofSeconds(5);

    private final SidecarConfig config;
    private final SidecarMetrics metrics = new SidecarMetrics();
    private final RabbitConnector connector;
    private final ConfirmingPublisher publisher;
    private final PushConsumer push;
    /** Closed after the push drain, so a push still waiting for the function ends and its message is requeued. */
    private final FunctionClient functionClient;
    private final Javalin api;
    private final Javalin management;
    private final Consumer<String> fatal;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Channel> topologyChannels = new ArrayList<>();
    private volatile boolean declared;
    private volatile boolean stopping;
    private volatile String lastConnectError = "";

    private Sidecar(SidecarConfig config, Consumer<String> fatal) {
        this.config = config;
        this.fatal = fatal;
        String name = "streamops-sidecar " + (config.podName().isEmpty() ? "local" : config.podName());
        this.connector = new RabbitConnector(config.rabbitUri(), name);
        this.publisher = new ConfirmingPublisher(config.podName(), config.podNamespace());
        this.functionClient = config.inputTopic().isPresent()
                ? new FunctionClient(config.functionUrl(), config.pushTimeout())
                : null;
        this.push = functionClient != null ? new PushConsumer(config, functionClient, metrics) : null;
        PushControl control = push != null ? push : new NoInput();
        this.api = SidecarApps.api(config, publisher, control, metrics);
        this.management = SidecarApps.management(config, this, metrics);
    }

    /** Starts both HTTP ports now and connects to RabbitMQ in the background; {@code fatal} gets unrecoverable errors. */
    public static Sidecar start(SidecarConfig config, Consumer<String> fatal) {
        Sidecar sidecar = new Sidecar(config, fatal);
        // Connect while the HTTP servers start: the two together decide the time to ready.
        Thread.ofPlatform().daemon().name("rabbitmq-connect").start(sidecar::connectUntilReady);
        sidecar.management.start();
        sidecar.api.start();
        LOG.info("listening on {}:{} (API) and {}:{} (management); RabbitMQ {}; topics in={} out={} termination={}",
                config.listenAddress(), sidecar.apiPort(), config.listenAddress(), sidecar.managementPort(),
                config.rabbitUri().address(), config.inputTopic().orElse("-"), config.outputTopic().orElse("-"),
                config.terminationTopic().orElse("-"));
        if (sidecar.push != null && config.pushAutostart()) {
            sidecar.push.autostartWhenReachable();
        }
        return sidecar;
    }

    public int apiPort() {
        return api.port();
    }

    public int managementPort() {
        return management.port();
    }

    /** Retries the first connection with backoff; afterwards the client's automatic recovery takes over. */
    private void connectUntilReady() {
        long waitMillis = 250;
        while (!stopping) {
            List<Connection> opened = new ArrayList<>();
            try {
                List<String> publishTopics = new ArrayList<>();
                config.outputTopic().ifPresent(publishTopics::add);
                config.terminationTopic().filter(t -> !publishTopics.contains(t)).ifPresent(publishTopics::add);
                // The publish connection also carries the push side's dead letters.
                Connection publishing = connector.open("publish");
                opened.add(publishing);
                publishing.addBlockedListener(publisher);
                if (!publishTopics.isEmpty()) {
                    topologyChannels.add(Topology.declare(publishing, publishTopics, config.deliveryLimit()));
                    publisher.attach(publishing);
                }
                if (push != null) {
                    Connection consuming = connector.open("consume");
                    opened.add(consuming);
                    topologyChannels.add(Topology.declare(consuming, List.of(config.inputTopic().get()), config.deliveryLimit()));
                    push.attach(consuming, publishing);
                }
                synchronized (this) {
                    connections.addAll(opened);
                    declared = true;
                }
                LOG.info("connected to RabbitMQ {} and declared topics {}; ready {} ms after process start",
                        config.rabbitUri().address(), config.topics(), millisSinceProcessStart());
                if (stopping) {
                    closeConnections();
                }
                return;
            } catch (TopologyMismatchException e) {
                closeQuietly(opened);
                fatal.accept(e.getMessage());
                return;
            } catch (Exception e) {
                closeQuietly(opened);
                topologyChannels.clear();
                String error = String.valueOf(e.getMessage());
                if (!error.equals(lastConnectError)) {
                    LOG.warn("cannot connect to RabbitMQ {}: {}; retrying", config.rabbitUri().address(), error);
                    lastConnectError = error;
                }
                sleep(waitMillis);
                waitMillis = Math.min(waitMillis * 2, 5000);
            }
        }
    }

    @Override
    public Optional<String> notReadyReason() {
        if (stopping) {
            return Optional.of("shutting down");
        }
        if (!declared) {
            return Optional.of("connecting to RabbitMQ " + config.rabbitUri().address()
                    + (lastConnectError.isEmpty() ? "" : " (last error: " + lastConnectError + ")"));
        }
        synchronized (this) {
            for (Connection connection : connections) {
                if (!connection.isOpen()) {
                    return Optional.of("connection to RabbitMQ lost; reconnecting");
                }
            }
        }
        Optional<String> blocked = publisher.blockedReason();
        if (blocked.isPresent()) {
            return blocked;
        }
        return push != null ? push.notSubscribedReason() : Optional.empty();
    }

    /**
     * Graceful stop in the order that loses nothing: refuse new publishes (503) while the HTTP server still
     * answers, let outstanding confirms arrive, stop consuming and finish the push in flight, close channels
     * (unacked messages return to the queue), close connections, stop the HTTP servers.
     */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        long started = System.nanoTime();
        LOG.info("shutting down: refusing new publishes, draining");
        publisher.stopAccepting();
        publisher.drainAndClose(PUBLISH_DRAIN);
        if (push != null) {
            push.stop(PUSH_DRAIN);
            functionClient.close();
        }
        closeConnections();
        api.stop();
        management.stop();
        LOG.info("stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private synchronized void closeConnections() {
        closeQuietly(connections);
        connections.clear();
    }

    private static void closeQuietly(List<Connection> toClose) {
        for (Connection connection : toClose) {
            try {
                connection.close(1000);
            } catch (Exception ignored) {
                // Shutting down anyway.
            }
        }
    }

    private static String millisSinceProcessStart() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> Long.toString(java.time.Duration.between(start, java.time.Instant.now()).toMillis()))
                .orElse("?");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Push control of a sidecar without INPUT_TOPIC: the HTTP layer answers 409 before reaching it. */
    private static final class NoInput implements PushControl {
        @Override
        public State start() {
            return State.STOPPED;
        }

        @Override
        public State state() {
            return State.STOPPED;
        }
    }
}
