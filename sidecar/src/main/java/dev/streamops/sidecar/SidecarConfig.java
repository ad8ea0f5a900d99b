package dev.streamops.sidecar;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the sidecar, read and validated once from the environment in {@link Main}
 * and handed to the parts by constructor. Topics are empty strings' absence: {@link Optional}.
 */
public record SidecarConfig(
        Optional<String> inputTopic,
        Optional<String> outputTopic,
        Optional<String> terminationTopic,
        RabbitUri rabbitUri,
        String listenAddress,
        int apiPort,
        int managementPort,
        URI functionUrl,
        String podName,
        String podNamespace,
        int prefetch,
        int pushConcurrency,
        Duration pushTimeout,
        Duration publishTimeout,
        int maxBodyBytes,
        Duration retryBackoff,
        Duration retryBackoffMax,
        int deliveryLimit,
        boolean pushAutostart) {

    /** Room left in AMQP's 255-byte queue names for the ".dlq" suffix. */
    private static final int MAX_TOPIC_BYTES = 255 - ".dlq".length();

    public static SidecarConfig fromEnvironment(Map<String, String> env) {
        Env e = new Env(env);
        Optional<String> input = e.topic("INPUT_TOPIC", "INPUT_QUEUE");
        Optional<String> output = e.topic("OUTPUT_TOPIC", "OUTPUT_QUEUE");
        Optional<String> termination = e.topic("TERMINATION_TOPIC", "TERMINATION_QUEUE");
        if (input.isEmpty() && output.isEmpty() && termination.isEmpty()) {
            throw new ConfigException("INPUT_TOPIC, OUTPUT_TOPIC, TERMINATION_TOPIC", "none is set (set at least one; old names INPUT_QUEUE, OUTPUT_QUEUE, TERMINATION_QUEUE work too)");
        }
        RabbitUri uri = RabbitUri.parse(env.get("RABBITMQ_URI"));
        String listen = listenAddress(e.string("LISTEN_ADDRESS", "0.0.0.0"));
        int apiPort = e.integer("API_PORT", 4321, 0, 65535);
        int managementPort = e.integer("MANAGEMENT_PORT", 4323, 0, 65535);
        if (apiPort == managementPort && apiPort != 0) {
            throw new ConfigException("MANAGEMENT_PORT", "must differ from API_PORT (" + apiPort + ")");
        }
        int prefetch = e.integer("PREFETCH", 10, 1, 65535);
        int concurrency = e.integer("PUSH_CONCURRENCY", 1, 1, 65535);
        if (concurrency > prefetch) {
            throw new ConfigException("PUSH_CONCURRENCY", "must not exceed PREFETCH (" + prefetch + "), got " + concurrency);
        }
        Duration backoff = e.millis("RETRY_BACKOFF_MS", 100);
        Duration backoffMax = e.millis("RETRY_BACKOFF_MAX_MS", 5000);
        if (backoffMax.compareTo(backoff) < 0) {
            throw new ConfigException("RETRY_BACKOFF_MAX_MS", "must be at least RETRY_BACKOFF_MS (" + backoff.toMillis() + ")");
        }
        return new SidecarConfig(
                input, output, termination, uri, listen, apiPort, managementPort,
                functionUrl(e, input.isPresent()),
                e.string("MY_POD_NAME", ""),
                e.string("MY_POD_NAMESPACE", ""),
                prefetch, concurrency,
                e.millis("PUSH_TIMEOUT_MS", 30000),
                e.millis("PUBLISH_TIMEOUT_MS", 5000),
                e.integer("MAX_BODY_BYTES", 1_048_576, 1, 128 * 1_048_576),
                backoff, backoffMax,
                e.integer("DELIVERY_LIMIT", 5, 1, 1000),
                e.bool("PUSH_AUTOSTART", false));
    }

    /** Every queue this sidecar touches, for topology declaration: each topic (dead-letter queues follow). */
    public List<String> topics() {
        List<String> topics = new ArrayList<>();
        inputTopic.ifPresent(topics::add);
        outputTopic.filter(t -> !topics.contains(t)).ifPresent(topics::add);
        terminationTopic.filter(t -> !topics.contains(t)).ifPresent(topics::add);
        return topics;
    }

    /** An address of this host to bind both ports to: checked here so a typo is a configuration error, not a crash. */
    private static String listenAddress(String value) {
        InetAddress address;
        try {
            address = InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new ConfigException("LISTEN_ADDRESS", "is not an IP address or a known host name, got '" + value + "'");
        }
        try {
            if (address.isAnyLocalAddress() || address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null) {
                return value;
            }
        } catch (SocketException e) {
            // The interfaces cannot be listed: let the bind decide.
            return value;
        }
        throw new ConfigException("LISTEN_ADDRESS", "is not an address of this host, got '" + value + "'");
    }

    private static URI functionUrl(Env e, boolean needed) {
        String explicit = e.string("FUNCTION_URL", "");
        if (!explicit.isEmpty()) {
            return e.httpUrl("FUNCTION_URL", explicit);
        }
        String podIp = e.string("MY_POD_IP", "");
        int port = e.integer("OPERATOR_PORT", 4322, 1, 65535);
        String path = e.string("OPERATOR_PATH", "/post_message");
        if (!path.startsWith("/")) {
            throw new ConfigException("OPERATOR_PATH", "must start with '/', got '" + path + "'");
        }
        if (podIp.isEmpty()) {
            if (needed) {
                throw new ConfigException("MY_POD_IP", "is required to push INPUT_TOPIC to the function (or set FUNCTION_URL)");
            }
            podIp = "127.0.0.1";
        }
        String host = podIp.contains(":") && !podIp.startsWith("[") ? "[" + podIp + "]" : podIp;
        return e.httpUrl("MY_POD_IP", "http://" + host + ":" + port + path);
    }

    /** Reads one variable at a time and names it in every complaint. */
    private record Env(Map<String, String> env) {
        String string(String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        Optional<String> topic(String name, String alias) {
            String canonical = string(name, "");
            String old = string(alias, "");
            if (!canonical.isEmpty() && !old.isEmpty() && !canonical.equals(old)) {
                throw new ConfigException(name, "conflicts with its alias " + alias + " ('" + canonical + "' vs '" + old + "')");
            }
            String topic = canonical.isEmpty() ? old : canonical;
            String variable = canonical.isEmpty() ? alias : name;
            if (topic.isEmpty()) {
                return Optional.empty();
            }
            if (topic.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
                throw new ConfigException(variable, "is longer than " + MAX_TOPIC_BYTES + " bytes");
            }
            if (topic.startsWith("amq.")) {
                throw new ConfigException(variable, "must not start with 'amq.' (reserved by RabbitMQ)");
            }
            if (topic.endsWith(".dlq")) {
                throw new ConfigException(variable, "must not end with '.dlq' (reserved for dead letters)");
            }
            return Optional.of(topic);
        }

        int integer(String name, int fallback, int min, int max) {
            String v = string(name, "");
            if (v.isEmpty()) {
                return fallback;
            }
            int value;
            try {
                value = Integer.parseInt(v);
            } catch (NumberFormatException ex) {
                throw new ConfigException(name, "must be a whole number, got '" + v + "'");
            }
            if (value < min || value > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        }

        Duration millis(String name, int fallback) {
            return Duration.ofMillis(integer(name, fallback, 1, 3_600_000));
        }

        boolean bool(String name, boolean fallback) {
            String v = string(name, "").toLowerCase(Locale.ROOT);
            return switch (v) {
                case "" -> fallback;
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new ConfigException(name, "must be true or false, got '" + v + "'");
            };
        }

        URI httpUrl(String name, String text) {
            try {
                URI uri = new URI(text);
                if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(name, "must give an http:// URL with a host, got '" + text + "'");
                }
                return uri;
            } catch (URISyntaxException ex) {
                throw new ConfigException(name, "is not a valid URL: '" + text + "'");
            }
        }
    }
}
