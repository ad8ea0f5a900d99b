package dev.streamops.sidecar.http;

import dev.streamops.sidecar.broker.OutgoingMessage;
import dev.streamops.sidecar.broker.Publisher;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Records what the HTTP layer publishes; each publish gets the confirmation the test chose. */
final class FakePublisher implements Publisher {

    final List<OutgoingMessage> published = new CopyOnWriteArrayList<>();
    volatile Supplier<CompletableFuture<Void>> confirmation = () -> CompletableFuture.completedFuture(null);

    @Override
    public CompletableFuture<Void> publish(OutgoingMessage message) {
        published.add(message);
        return confirmation.get();
    }

    @Override
    public CompletableFuture<Void> publishAll(List<OutgoingMessage> messages) {
        published.addAll(messages);
        return confirmation.get();
    }
}
