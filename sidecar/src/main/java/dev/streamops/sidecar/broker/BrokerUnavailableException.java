package dev.streamops.sidecar.broker;

/** The broker could not take or confirm the message now (disconnected, shutting down, timed out): retry later. */
public final class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message) {
        super(message, null, false, false);
    }
}
