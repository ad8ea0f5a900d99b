package dev.streamops.sidecar.broker;

/** The broker refused the message (nack, e.g. queue full, or unroutable): it is not stored. */
public final class PublishRejectedException extends RuntimeException {
    public PublishRejectedException(String message) {
        super(message, null, false, false);
    }
}
