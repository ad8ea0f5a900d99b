package dev.streamops.sidecar.broker;

/** Starts push delivery of the input topic to the function; idempotent. */
public interface PushControl {

    enum State { STARTING, RUNNING, STOPPED }

    /** Requests push delivery; returns the state after the request (a second call changes nothing). */
    State start();

    State state();
}
