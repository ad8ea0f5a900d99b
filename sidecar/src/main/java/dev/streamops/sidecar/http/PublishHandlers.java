package dev.streamops.sidecar.http;

import dev.streamops.sidecar.SidecarConfig;
import dev.streamops.sidecar.SidecarMetrics;
import dev.streamops.sidecar.broker.BrokerUnavailableException;
import dev.streamops.sidecar.broker.OutgoingMessage;
import dev.streamops.sidecar.broker.PublishRejectedException;
import dev.streamops.sidecar.broker.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * POST /post_message and POST /post_messages: validate, route, publish, answer 200 only once confirmed.
 * Transport-free: a body in, a future reply out, completed when the broker confirmed (or refused, or
 * PUBLISH_TIMEOUT_MS passed). No thread waits for the confirm (see {@link PublishEndpoint}).
 */
final class PublishHandlers {

    /** The whole answer to a publish request. */
    record Reply(int status, int retryAfterSeconds, byte[] body) {
        static Reply of(ApiException e) {
            return new Reply(e.status, e.retryAfterSeconds, e.json().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PublishHandlers.class);
    private static final int RETRY_AFTER_SECONDS = 1;
    private static final String NOT_CONFIRMED = "the message was not confirmed by the broker";
    private static final String BATCH_NOT_CONFIRMED =
            "the batch was not confirmed as a whole: treat none of it as published and retry all of it"
                    + " (some of its messages may already be queued, so consumers can see duplicates)";

    private final Publisher publisher;
    private final SidecarMetrics metrics;
    private final Optional<String> outputTopic;
    private final Optional<String> terminationTopic;
    private final int maxBodyBytes;
    private final Duration publishTimeout;
    private final AtomicBoolean unforwardedReportLogged = new AtomicBoolean();

    PublishHandlers(SidecarConfig config, Publisher publisher, SidecarMetrics metrics) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.outputTopic = config.outputTopic();
        this.terminationTopic = config.terminationTopic();
        this.maxBodyBytes = config.maxBodyBytes();
        this.publishTimeout = config.publishTimeout();
    }

    int maxBodyBytes() {
        return maxBodyBytes;
    }

    CompletableFuture<Reply> postMessage(byte[] body) {
        try {
            JsonBodies.Document document = JsonBodies.single(body);
            Optional<String> topic = route(document);
            Reply echo = new Reply(200, 0, body);
            if (topic.isEmpty()) {
                return CompletableFuture.completedFuture(echo);
            }
            return confirmed(publisher.publish(new OutgoingMessage(topic.get(), body)), 1, echo, NOT_CONFIRMED);
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(Reply.of(e));
        }
    }

    CompletableFuture<Reply> postMessages(byte[] body) {
        try {
            List<JsonBodies.Document> documents = JsonBodies.array(body);
            List<OutgoingMessage> messages = new ArrayList<>(documents.size());
            for (JsonBodies.Document document : documents) {
                route(document).ifPresent(topic -> messages.add(new OutgoingMessage(topic, document.bytes())));
            }
            Reply ok = new Reply(200, 0, ("{\"published\": " + messages.size() + "}").getBytes(StandardCharsets.UTF_8));
            if (messages.isEmpty()) {
                return CompletableFuture.completedFuture(ok);
            }
            return confirmed(publisher.publishAll(messages), messages.size(), ok, BATCH_NOT_CONFIRMED);
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(Reply.of(e));
        }
    }

    /** The reply for a body over MAX_BODY_BYTES. */
    Reply tooLarge() {
        return Reply.of(new ApiException(413, "body larger than MAX_BODY_BYTES (" + maxBodyBytes + " bytes)"));
    }

    /** The topic a document goes to, or empty for a termination report with no termination topic. */
    private Optional<String> route(JsonBodies.Document document) {
        if (document.terminationReport()) {
            metrics.terminationReport(terminationTopic.isPresent());
            if (terminationTopic.isEmpty() && unforwardedReportLogged.compareAndSet(false, true)) {
                LOG.info("termination reports are not forwarded: TERMINATION_TOPIC is not set (counted in streamops_sidecar_termination_reports_unforwarded_total)");
            }
            return terminationTopic;
        }
        if (outputTopic.isEmpty()) {
            throw new ApiException(409, "no OUTPUT_TOPIC is configured: this sidecar does not publish messages");
        }
        return outputTopic;
    }

    /** {@code ok} once the broker confirmed all {@code count} messages, a 503 reply otherwise. */
    private CompletableFuture<Reply> confirmed(CompletableFuture<Void> confirmation, int count, Reply ok, String notConfirmed) {
        return confirmation.orTimeout(publishTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((done, error) -> {
            if (error == null) {
                metrics.published(count);
                return ok;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String detail;
            if (cause instanceof TimeoutException) {
                detail = "no broker confirmation within PUBLISH_TIMEOUT_MS=" + publishTimeout.toMillis();
            } else if (cause instanceof BrokerUnavailableException || cause instanceof PublishRejectedException) {
                detail = cause.getMessage();
            } else {
                LOG.warn("publish failed unexpectedly", cause);
                detail = "unexpected error: " + cause;
            }
            metrics.publishFailed();
            return Reply.of(new ApiException(503, notConfirmed, RETRY_AFTER_SECONDS, detail));
        });
    }
}
