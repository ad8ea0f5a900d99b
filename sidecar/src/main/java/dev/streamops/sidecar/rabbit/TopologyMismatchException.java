package dev.streamops.sidecar.rabbit;

/** A queue exists with arguments other than ours: a configuration conflict the sidecar must not paper over. */
public final class TopologyMismatchException extends Exception {
    public TopologyMismatchException(String message) {
        super(message, null, false, false);
    }
}
