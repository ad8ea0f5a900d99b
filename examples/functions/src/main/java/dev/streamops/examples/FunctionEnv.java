package dev.streamops.examples;

import java.net.URI;
import java.util.Map;

/**
 * The old companion contract as the function container sees it: where the companion listens
 * ({@code http://$MY_POD_IP:$API_PORT}), its paths, and who we are. {@code FUNCTION_PORT}
 * (default 4322, the contract's push port) is where this function serves pushed messages.
 */
public record FunctionEnv(String podIp, String podName, String namespace, int apiPort,
                          String publishPath, String getPath, int functionPort) {

    public static FunctionEnv fromEnvironment(Map<String, String> env) {
        String podIp = required(env, "MY_POD_IP");
        String getPath = env.getOrDefault("GET_PATH", env.getOrDefault("CONSUME_PATH", "/get_message"));
        return new FunctionEnv(
                podIp,
                env.getOrDefault("MY_POD_NAME", "local"),
                env.getOrDefault("MY_POD_NAMESPACE", "default"),
                port(env, "API_PORT", 4321),
                path("PUBLISH_PATH", env.getOrDefault("PUBLISH_PATH", "/post_message")),
                path("GET_PATH", getPath),
                port(env, "FUNCTION_PORT", 4322));
    }

    public URI companion(String path) {
        return URI.create("http://" + hostLiteral(podIp) + ":" + apiPort + path);
    }

    private static String hostLiteral(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: the function reaches its companion at http://$MY_POD_IP:$API_PORT");
        }
        return value.trim();
    }

    private static String path(String name, String value) {
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a path: it must start with '/'");
        }
        return value;
    }

    static int port(Map<String, String> env, String name, int fallback) {
        return positiveInt(env, name, fallback, 1, 65535);
    }

    static int positiveInt(Map<String, String> env, String name, int fallback, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + "=" + raw + " is out of range: expected " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException(name + "='" + raw + "' is not a whole number");
        }
    }
}
