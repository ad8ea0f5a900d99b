package dev.streamops.sidecar;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed amqp:// or amqps:// URI (RabbitMQ's URI spec). The password never leaves this record
 * through {@link #toString()} or an error message, because both end up in logs.
 */
public record RabbitUri(boolean tls, String host, int port, String username, String password, String virtualHost) {

    static final String VARIABLE = "RABBITMQ_URI";

    public static RabbitUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(VARIABLE, "is required (amqp://user:password@host:port/vhost)");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            // URISyntaxException repeats the input, password included: say only what is expected.
            throw new ConfigException(VARIABLE, "is not a valid URI (expected amqp://user:password@host:port/vhost)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        boolean tls = switch (scheme) {
            case "amqp" -> false;
            case "amqps" -> true;
            default -> throw new ConfigException(VARIABLE, "scheme must be amqp:// or amqps://");
        };
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ConfigException(VARIABLE, "has no host (expected amqp://user:password@host:port/vhost)");
        }
        int port = uri.getPort() == -1 ? (tls ? 5671 : 5672) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new ConfigException(VARIABLE, "port must be between 1 and 65535, got " + port);
        }
        // No implicit guest/guest: a credential nobody wrote down is the old companion's baked-in default.
        String userInfo = uri.getRawUserInfo();
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        if (colon <= 0) {
            throw new ConfigException(VARIABLE, "has no user and password (expected amqp://user:password@host:port/vhost)");
        }
        String username = decode(userInfo.substring(0, colon));
        String password = decode(userInfo.substring(colon + 1));
        // Per the AMQP URI spec: no path means the default vhost "/", "/x" means vhost "x", "%2f" means "/".
        String rawPath = uri.getRawPath();
        String vhost = (rawPath == null || rawPath.isEmpty()) ? "/" : decode(rawPath.substring(1));
        if (rawPath != null && rawPath.length() > 1 && rawPath.substring(1).contains("/")) {
            throw new ConfigException(VARIABLE, "path must be a single vhost segment (escape '/' as %2F)");
        }
        return new RabbitUri(tls, uri.getHost(), port, username, password, vhost);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** host:port/vhost, safe for logs. */
    public String address() {
        return host + ":" + port + " vhost '" + virtualHost + "'";
    }

    @Override
    public String toString() {
        return (tls ? "amqps://" : "amqp://") + username + ":****@" + host + ":" + port + "/"
                + virtualHost.replace("/", "%2F");
    }
}
