package dev.streamops.sidecar.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** The few small JSON answers the sidecar writes itself (no object mapper needed). */
final class Json {
    private Json() {
    }

    static String string(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    static String error(String message) {
        return "{\"error\": " + string(message) + "}";
    }
}
