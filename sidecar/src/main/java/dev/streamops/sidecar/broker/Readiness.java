package dev.streamops.sidecar.broker;

import java.util.Optional;

/** Whether the broker side can serve: connected and topology declared. */
public interface Readiness {

    /** Empty when ready, else why not (for /readyz). */
    Optional<String> notReadyReason();
}
