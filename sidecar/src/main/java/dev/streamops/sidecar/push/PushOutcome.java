package dev.streamops.sidecar.push;

/** What one push attempt to the function came to, and so what happens to the message. */
public record PushOutcome(Kind kind, int status, String detail) {

    public enum Kind {
        /** 2xx: the function has the message; ack it. */
        DELIVERED,
        /** Any 4xx but 408/429: the function rejects this message; dead-letter it without retrying. */
        REJECTED,
        /** 5xx, 408, 429, other codes or a request timeout: the attempt counts; retry after a backoff. */
        FAILED,
        /** Connection refused or not established: the function is not there; wait without counting an attempt. */
        UNREACHABLE
    }

    public static PushOutcome ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return new PushOutcome(Kind.DELIVERED, status, "function answered " + status);
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return new PushOutcome(Kind.REJECTED, status, "function answered " + status);
        }
        return new PushOutcome(Kind.FAILED, status, "function answered " + status);
    }
}
