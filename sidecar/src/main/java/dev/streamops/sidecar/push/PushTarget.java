package dev.streamops.sidecar.push;

/** Where consumed messages go: the function's HTTP endpoint. */
public interface PushTarget {

    /** Delivers {@code body} byte for byte; never throws, every failure is an outcome. */
    PushOutcome deliver(byte[] body);

    /** Whether the function accepts TCP connections yet (for PUSH_AUTOSTART). */
    boolean reachable();
}
