package dev.streamops.sidecar.http;

/** An answer other than 200, thrown by handlers and turned into {"error": message} in one place. */
final class ApiException extends RuntimeException {
    final int status;
    /** Seconds for a Retry-After header, or 0 for none. */
    final int retryAfterSeconds;
    /** Optional extra explanation, written as "detail" (the "error" text stays what old clients expect). */
    final String detail;

    ApiException(int status, String message) {
        this(status, message, 0, null);
    }

    ApiException(int status, String message, int retryAfterSeconds, String detail) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.detail = detail;
    }

    String json() {
        return detail == null ? Json.error(getMessage())
                : "{\"error\": " + Json.string(getMessage()) + ", \"detail\": " + Json.string(detail) + "}";
    }
}
