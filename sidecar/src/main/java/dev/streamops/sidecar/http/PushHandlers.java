package dev.streamops.sidecar.http;

import dev.streamops.sidecar.SidecarConfig;
import dev.streamops.sidecar.broker.PushControl;
import io.javalin.http.Context;

import java.util.Optional;

/** GET /get_message: starts push delivery (idempotent) and answers at once, unlike the old companion. */
final class PushHandlers {

    private final PushControl push;
    private final Optional<String> inputTopic;

    PushHandlers(SidecarConfig config, PushControl push) {
        this.push = push;
        this.inputTopic = config.inputTopic();
    }

    void getMessage(Context ctx) {
        String topic = inputTopic.orElseThrow(
                () -> new ApiException(409, "no INPUT_TOPIC is configured: there is nothing to consume"));
        PushControl.State state = push.start();
        ctx.status(200).contentType("application/json").result(
                "{\"push\": " + Json.string(state.name().toLowerCase()) + ", \"topic\": " + Json.string(topic) + "}");
    }
}
