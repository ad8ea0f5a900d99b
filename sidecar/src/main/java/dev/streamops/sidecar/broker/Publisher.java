package dev.streamops.sidecar.broker;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes to topics with broker confirmation. A returned future completes normally only once the
 * broker has confirmed it stored the message(s); otherwise it fails with {@link BrokerUnavailableException}
 * or {@link PublishRejectedException}. It never throws synchronously.
 */
public interface Publisher {

    CompletableFuture<Void> publish(OutgoingMessage message);

    /** Completes when every message is confirmed; fails if any is not (some may still have been stored). */
    CompletableFuture<Void> publishAll(List<OutgoingMessage> messages);
}
