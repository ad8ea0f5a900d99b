package dev.streamops.local.pods;

import java.util.Map;
import java.util.Optional;

/** Reads the Secrets and ConfigMaps a pod's env refers to (from the API server, or a fake in tests). */
public interface ObjectLookup {
    /** The Secret's data, decoded; empty when the Secret does not exist. */
    Optional<Map<String, String>> secret(String namespace, String name);

    Optional<Map<String, String>> configMap(String namespace, String name);
}
