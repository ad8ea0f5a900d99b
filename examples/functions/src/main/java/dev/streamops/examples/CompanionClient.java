package dev.streamops.examples;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The function's side of the companion contract: publish with POST, start consumption with GET. */
final class CompanionClient {
    private final FunctionEnv env;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    CompanionClient(FunctionEnv env) {
        this.env = env;
    }

    /** Returns the HTTP status of the publish; 200 means the companion took the message. */
    int publish(String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(env.companion(env.publishPath()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Asks the companion to start pushing the input topic. The old companion never answered this
     * call while it consumed, so nobody waits for the answer; only a refused connection (the
     * companion not listening yet) is retried.
     */
    void startConsuming() {
        Thread.ofVirtual().name("start-consuming").start(() -> {
            URI uri = env.companion(env.getPath());
            for (int attempt = 1; attempt <= 60; attempt++) {
                CompletableFuture<HttpResponse<Void>> answer = http.sendAsync(
                        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding());
                try {
                    // Long enough to see a refused connection, short enough not to wait for the old companion.
                    HttpResponse<Void> response = answer.get(2, java.util.concurrent.TimeUnit.SECONDS);
                    System.out.println("GET " + env.getPath() + " answered " + response.statusCode());
                    return;
                } catch (java.util.concurrent.TimeoutException stillOpen) {
                    System.out.println("GET " + env.getPath() + " is open (consuming)");
                    return;
                } catch (java.util.concurrent.ExecutionException refused) {
                    sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            System.out.println("GET " + env.getPath() + " never reached the companion");
        });
    }

    static void sleep(long millis) {
        sleep(millis, 0);
    }

    static void sleep(long millis, int nanos) {
        try {
            Thread.sleep(millis, nanos);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
