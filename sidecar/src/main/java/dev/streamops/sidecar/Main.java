package dev.streamops.sidecar;

/**
 * Entry point: read the environment once, start, and stop gracefully on SIGTERM. Configuration errors and
 * topology conflicts end the process with exit code 2 and one line, never a stack trace.
 */
public final class Main {

    static final int CONFIG_ERROR = 2;

    private Main() {
    }

    public static void main(String[] args) {
        SidecarConfig config;
        try {
            config = SidecarConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("streamops-sidecar: invalid configuration: " + e.getMessage());
            System.exit(CONFIG_ERROR);
            return;
        }
        Sidecar sidecar;
        try {
            sidecar = Sidecar.start(config, Main::fatal);
        } catch (RuntimeException e) {
            // Typically a port already in use; the cause's message names it.
            System.err.println("streamops-sidecar: cannot start: " + rootMessage(e));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close, "graceful-shutdown"));
    }

    private static void fatal(String line) {
        System.err.println("streamops-sidecar: " + line);
        System.err.flush();
        // halt, not exit: nothing is connected or in flight yet, and exit would wait for shutdown hooks.
        Runtime.getRuntime().halt(CONFIG_ERROR);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}
