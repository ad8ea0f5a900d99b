package dev.streamops.sidecar.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The two publish routes as a plain Jetty handler in front of Javalin's servlet stack. They are the
 * sidecar's hot path: through Javalin each request cost about 100 µs of CPU in the servlet layers
 * (session handler, request/response wrappers, a parked virtual thread per unconfirmed publish) on a
 * machine where the broker needs about as much per message. Here the body is read, validated and
 * published on Jetty's thread, and the reply is written by whichever thread completes the confirm,
 * so no thread waits and nothing is handed over. Every other request goes on to Javalin.
 */
final class PublishEndpoint extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(PublishEndpoint.class);

    private final PublishHandlers publish;

    PublishEndpoint(PublishHandlers publish) {
        this.publish = publish;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        Function<byte[], CompletableFuture<PublishHandlers.Reply>> route = switch (Request.getPathInContext(request)) {
            case "/post_message" -> publish::postMessage;
            case "/post_messages" -> publish::postMessages;
            default -> null;
        };
        if (route == null) {
            return super.handle(request, response, callback);
        }
        int limit = publish.maxBodyBytes();
        if (request.getLength() > limit) {
            reply(response, callback, publish.tooLarge());
            return true;
        }
        Content.Source.asByteArrayAsync(request, limit).whenComplete((body, readError) -> {
            try {
                if (readError != null) {
                    // Jetty's accumulator fails with IllegalStateException when a body without
                    // Content-Length (chunked) passes the limit; I/O problems are IOExceptions.
                    Throwable cause = readError instanceof CompletionException && readError.getCause() != null ? readError.getCause() : readError;
                    reply(response, callback, cause instanceof IllegalStateException
                            ? publish.tooLarge()
                            : PublishHandlers.Reply.of(new ApiException(400, "could not read the request body", 0, String.valueOf(cause.getMessage()))));
                    return;
                }
                route.apply(body).whenComplete((reply, error) -> {
                    if (error != null) {
                        internalError(response, callback, error);
                    } else {
                        reply(response, callback, reply);
                    }
                });
            } catch (RuntimeException e) {
                internalError(response, callback, e);
            }
        });
        return true;
    }

    private static void internalError(Response response, Callback callback, Throwable error) {
        LOG.error("unexpected error on a publish request", error);
        reply(response, callback, new PublishHandlers.Reply(500, 0, Json.error("internal error").getBytes(StandardCharsets.UTF_8)));
    }

    private static void reply(Response response, Callback callback, PublishHandlers.Reply reply) {
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (reply.retryAfterSeconds() > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(reply.retryAfterSeconds()));
        }
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }
}
