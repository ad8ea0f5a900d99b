package dev.streamops.sidecar;

/** An invalid or missing setting. Its message is the one line printed before exiting with code 2. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
    }
}
