package dev.streamops.sidecar.push;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * POSTs messages to the function with one keep-alive HTTP/1.1 client (the old companion opened a new
 * connection per message).
 */
public final class FunctionClient implements PushTarget {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final URI url;
    private final Duration requestTimeout;
    private volatile HttpClient client;

    public FunctionClient(URI url, Duration requestTimeout) {
        this.url = url;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Built on first use: the JDK client initialises the default TLS context even for http:// URLs, which
     * costs a good part of the sidecar's time to ready if done at start.
     */
    private HttpClient client() {
        HttpClient current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    current = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(CONNECT_TIMEOUT)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .executor(Executors.newVirtualThreadPerTaskExecutor())
                            .build();
                    client = current;
                }
            }
        }
        return current;
    }

    @Override
    public PushOutcome deliver(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = client().send(request, HttpResponse.BodyHandlers.discarding());
            return PushOutcome.ofStatus(response.statusCode());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new PushOutcome(PushOutcome.Kind.UNREACHABLE, 0, "cannot connect to the function at " + url + ": " + e);
        } catch (HttpTimeoutException e) {
            return new PushOutcome(PushOutcome.Kind.FAILED, 0, "no answer within PUSH_TIMEOUT_MS=" + requestTimeout.toMillis());
        } catch (IOException e) {
            // Connection reset or closed mid-request: the function may have crashed on this message, so it counts.
            return new PushOutcome(PushOutcome.Kind.FAILED, 0, "push failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PushOutcome(PushOutcome.Kind.UNREACHABLE, 0, "interrupted");
        }
    }

    @Override
    public boolean reachable() {
        int port = url.getPort() == -1 ? 80 : url.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public URI url() {
        return url;
    }
}
