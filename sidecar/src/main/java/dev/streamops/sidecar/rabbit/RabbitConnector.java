package dev.streamops.sidecar.rabbit;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.streamops.sidecar.RabbitUri;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Opens connections from a {@link RabbitUri}. Automatic recovery reconnects and re-declares the queues and
 * consumers each connection recorded, so the rest of the adapter never runs its own reconnect loop.
 */
public final class RabbitConnector {

    private final RabbitUri uri;
    private final String clientName;

    public RabbitConnector(RabbitUri uri, String clientName) {
        this.uri = uri;
        this.clientName = clientName;
    }

    public Connection open(String role) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(uri.host());
        factory.setPort(uri.port());
        factory.setUsername(uri.username());
        factory.setPassword(uri.password());
        factory.setVirtualHost(uri.virtualHost());
        if (uri.tls()) {
            try {
                // The platform trust store and hostname checks, not the client's trust-everything default.
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("TLS is not available in this JVM", e);
            }
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        factory.setRequestedHeartbeat(15);
        factory.setConnectionTimeout(5000);
        factory.setHandshakeTimeout(5000);
        factory.setShutdownTimeout(2000);
        factory.setClientProperties(Map.of(
                "connection_name", clientName + " (" + role + ")",
                "product", "streamops-sidecar",
                "capabilities", Map.of("publisher_confirms", true, "basic.nack", true,
                        "consumer_cancel_notify", true, "connection.blocked", true)));
        // Consumer callbacks only enqueue; a couple of platform threads are plenty.
        factory.setSharedExecutor(Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("amqp-" + role + "-", 0).factory()));
        return factory.newConnection(clientName + " (" + role + ")");
    }

    public RabbitUri uri() {
        return uri;
    }
}
