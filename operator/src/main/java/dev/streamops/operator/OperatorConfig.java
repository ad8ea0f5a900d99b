package dev.streamops.operator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator's configuration, read once from the environment in {@link Main} and handed to
 * everything else by constructor.
 *
 * @param sidecarImage            image of the sidecar container added to every pod
 * @param defaultBrokerSecret     Secret holding the RabbitMQ URI when a StreamOperator names none
 * @param defaultBrokerSecretKey  key in that Secret
 * @param watchNamespaces         namespaces to watch; empty = all namespaces
 * @param nativeSidecar           run the sidecar as a native sidecar (init container with restartPolicy Always,
 *                                Kubernetes 1.29+); false = ordinary container
 * @param leaderElection          take a Lease before reconciling, so several replicas can run
 * @param leaderElectionNamespace namespace of that Lease (null when leader election is off)
 * @param healthPort              port of /healthz, /readyz and /metrics
 */
public record OperatorConfig(
        String sidecarImage,
        String defaultBrokerSecret,
        String defaultBrokerSecretKey,
        Set<String> watchNamespaces,
        boolean nativeSidecar,
        boolean leaderElection,
        String leaderElectionNamespace,
        int healthPort) {

    public static final String DEFAULT_SIDECAR_IMAGE = "streamops/sidecar:0.1.0";
    public static final String LEASE_NAME = "streamops-operator";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    private static final Path SERVICE_ACCOUNT_NAMESPACE =
            Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    public OperatorConfig {
        watchNamespaces = Set.copyOf(watchNamespaces);
    }

    /** Shipping defaults with leader election off: what tests, render and the local runtime use. */
    public static OperatorConfig defaults() {
        return fromEnvironment(Map.of("LEADER_ELECTION", "false"));
    }

    /**
     * Reads the configuration from environment variables. When LEADER_ELECTION_NAMESPACE is not
     * set, the namespace of the pod's service account is used (the in-cluster default).
     *
     * @throws IllegalArgumentException naming the variable and the problem
     */
    public static OperatorConfig fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, OperatorConfig::serviceAccountNamespace);
    }

    static OperatorConfig fromEnvironment(Map<String, String> env, Supplier<Optional<String>> podNamespace) {
        var sidecarImage = value(env, "SIDECAR_IMAGE", DEFAULT_SIDECAR_IMAGE);
        if (sidecarImage.chars().anyMatch(Character::isWhitespace)) {
            throw invalid("SIDECAR_IMAGE", "'" + sidecarImage + "' is not an image reference (contains whitespace)");
        }
        var secret = value(env, "DEFAULT_BROKER_SECRET", "rabbitmq");
        require(DNS_SUBDOMAIN, "DEFAULT_BROKER_SECRET", secret, "a Secret name (lowercase DNS subdomain)");
        var key = value(env, "DEFAULT_BROKER_SECRET_KEY", "uri");
        require(SECRET_KEY, "DEFAULT_BROKER_SECRET_KEY", key, "a Secret key (letters, digits, '-', '_', '.')");
        var namespaces = Arrays.stream(value(env, "WATCH_NAMESPACES", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        for (var ns : namespaces) {
            require(DNS_LABEL, "WATCH_NAMESPACES", ns, "a comma-separated list of namespace names");
        }
        var nativeSidecar = bool(env, "NATIVE_SIDECAR", true);
        var leaderElection = bool(env, "LEADER_ELECTION", true);
        String leaseNamespace = null;
        if (leaderElection) {
            leaseNamespace = Optional.ofNullable(env.get("LEADER_ELECTION_NAMESPACE")).map(String::trim)
                    .filter(s -> !s.isEmpty()).or(podNamespace)
                    .orElseThrow(() -> invalid("LEADER_ELECTION_NAMESPACE",
                            "required when LEADER_ELECTION=true outside a cluster (or set LEADER_ELECTION=false)"));
            require(DNS_LABEL, "LEADER_ELECTION_NAMESPACE", leaseNamespace, "a namespace name");
        }
        var healthPort = port(env, "HEALTH_PORT", 8080);
        return new OperatorConfig(sidecarImage, secret, key, namespaces, nativeSidecar, leaderElection,
                leaseNamespace, healthPort);
    }

    public boolean watchAllNamespaces() {
        return watchNamespaces.isEmpty();
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        var v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        var v = value(env, name, Boolean.toString(fallback));
        return switch (v.toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, "'" + v + "' is not true or false");
        };
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        var v = value(env, name, Integer.toString(fallback));
        try {
            int p = Integer.parseInt(v);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(name, "'" + v + "' is not a port number (1-65535)");
    }

    private static void require(Pattern pattern, String name, String value, String what) {
        if (!pattern.matcher(value).matches()) {
            throw invalid(name, "'" + value + "' is not " + what);
        }
    }

    private static IllegalArgumentException invalid(String name, String problem) {
        return new IllegalArgumentException(name + ": " + problem);
    }

    private static Optional<String> serviceAccountNamespace() {
        try {
            return Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)
                    ? Optional.of(Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim()).filter(s -> !s.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
