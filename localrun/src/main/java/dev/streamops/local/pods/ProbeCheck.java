package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Runs one probe attempt against a pod like the kubelet: {@code httpGet} succeeds on a status in
 * 200..399, {@code tcpSocket} when a connection opens, both within {@code timeoutSeconds}, at the
 * pod IP unless the probe names a host. {@code exec} and {@code grpc} probes would run inside the
 * image, which has no local stand-in: they count as passing (the README says so).
 */
public final class ProbeCheck {
    private ProbeCheck() {
    }

    public static boolean passes(Probe probe, Container container, String podIp) {
        int timeoutMillis = 1000 * (probe.getTimeoutSeconds() == null ? 1 : Math.max(1, probe.getTimeoutSeconds()));
        if (probe.getHttpGet() != null) {
            var get = probe.getHttpGet();
            String host = get.getHost() == null || get.getHost().isBlank() ? podIp : get.getHost();
            int port = port(get.getPort(), container);
            String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
            String path = get.getPath() == null ? "/" : get.getPath();
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(scheme + "://" + host + ":" + port + path).toURL().openConnection();
                connection.setConnectTimeout(timeoutMillis);
                connection.setReadTimeout(timeoutMillis);
                connection.setRequestProperty("User-Agent", "kube-probe/local");
                try {
                    int status = connection.getResponseCode();
                    return status >= 200 && status < 400;
                } finally {
                    connection.disconnect();
                }
            } catch (IOException | IllegalArgumentException failed) {
                return false;
            }
        }
        if (probe.getTcpSocket() != null) {
            var tcp = probe.getTcpSocket();
            String host = tcp.getHost() == null || tcp.getHost().isBlank() ? podIp : tcp.getHost();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port(tcp.getPort(), container)), timeoutMillis);
                return true;
            } catch (IOException | IllegalArgumentException failed) {
                return false;
            }
        }
        return true;
    }

    static int port(IntOrString port, Container container) {
        if (port == null) {
            throw new IllegalArgumentException("probe without a port");
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal();
        if (name.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(name);
        }
        if (container.getPorts() != null) {
            for (ContainerPort declared : container.getPorts()) {
                if (name.equals(declared.getName())) {
                    return declared.getContainerPort();
                }
            }
        }
        throw new IllegalArgumentException("probe port '" + name + "' is not a named port of container " + container.getName());
    }
}
