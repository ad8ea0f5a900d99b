package dev.streamops.sidecar;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What a function does: plain HTTP calls to the sidecar's ports. */
public final class SidecarClient {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String api;
    private final String management;

    public SidecarClient(int apiPort, int managementPort) {
        this.api = "http://127.0.0.1:" + apiPort;
        this.management = "http://127.0.0.1:" + managementPort;
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build());
    }

    public HttpResponse<String> getApi(String path) {
        return send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30)).build());
    }

    public HttpResponse<String> getManagement(String path) {
        return send(HttpRequest.newBuilder(URI.create(management + path)).timeout(Duration.ofSeconds(30)).build());
    }

    public boolean ready() {
        try {
            return getManagement("/readyz").statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The value of an unlabelled counter or gauge from /metrics. */
    public double metric(String name) {
        for (String line : getManagement("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("metric " + name + " not found");
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
