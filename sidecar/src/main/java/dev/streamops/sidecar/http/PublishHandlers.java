package dev.streamops.sidecar.http;

import dev.streamops.sidecar.SidecarConfig;
import dev.streamops.sidecar.SidecarMetrics;
import dev.streamops.sidecar.broker.BrokerUnavailableException;
import dev.streamops.sidecar.broker.OutgoingMessage;
import dev.streamops.sidecar.broker.PublishRejectedException;
import dev.streamops.sidecar.broker.Publisher;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** POST /post_message and POST /post_messages: validate, route, publish, answer 200 only once confirmed. */
final class PublishHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(PublishHandlers.class);
    private static final int RETRY_AFTER_SECONDS = 1;

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

    void postMessage(Context ctx) {
        byte[] body = readBody(ctx);
        JsonBodies.Document document = JsonBodies.single(body);
        Optional<String> topic = route(document);
        if (topic.isPresent()) {
            await(publisher.publish(new OutgoingMessage(topic.get(), body)), "the message was not confirmed by the broker");
            metrics.published(1);
        }
        ctx.status(200).contentType("application/json").result(body);
    }

    void postMessages(Context ctx) {
        List<JsonBodies.Document> documents = JsonBodies.array(readBody(ctx));
        List<OutgoingMessage> messages = new ArrayList<>(documents.size());
        for (JsonBodies.Document document : documents) {
            route(document).ifPresent(topic -> messages.add(new OutgoingMessage(topic, document.bytes())));
        }
        if (!messages.isEmpty()) {
            await(publisher.publishAll(messages),
                    "the batch was not confirmed as a whole: treat none of it as published and retry all of it"
                            + " (some of its messages may already be queued, so consumers can see duplicates)");
            metrics.published(messages.size());
        }
        ctx.status(200).contentType("application/json").result("{\"published\": " + messages.size() + "}");
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

    private byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.bodyInputStream()) {
            if (declared >= 0) {
                return in.readNBytes((int) declared);
            }
            // No Content-Length (chunked): read one byte past the limit so the limit still holds.
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new ApiException(400, "could not read the request body", 0, e.getMessage());
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "body larger than MAX_BODY_BYTES (" + maxBodyBytes + " bytes)");
    }

    private void await(CompletableFuture<Void> confirmation, String notConfirmed) {
        try {
            confirmation.get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unavailable(notConfirmed, "no broker confirmation within PUBLISH_TIMEOUT_MS=" + publishTimeout.toMillis());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BrokerUnavailableException || cause instanceof PublishRejectedException) {
                throw unavailable(notConfirmed, cause.getMessage());
            }
            LOG.warn("publish failed unexpectedly", cause);
            throw unavailable(notConfirmed, "unexpected error: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(notConfirmed, "interrupted");
        }
    }

    private ApiException unavailable(String message, String detail) {
        metrics.publishFailed();
        return new ApiException(503, message, RETRY_AFTER_SECONDS, detail);
    }
}
