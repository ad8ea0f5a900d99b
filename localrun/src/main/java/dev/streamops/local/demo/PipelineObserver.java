package dev.streamops.local.demo;

import dev.streamops.local.pods.LocalPod;
import dev.streamops.local.pods.PodRunner;
import dev.streamops.local.runtime.RabbitVhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Looks at a running pipeline from outside, the way an operator of the platform would: each
 * StreamOperator's status (through the API), each sidecar's Prometheus counters on its
 * management port, each example function's {@code GET /stats}, and the depth of each topic.
 */
public final class PipelineObserver {
    public static final ResourceDefinitionContext STREAM_OPERATORS = new ResourceDefinitionContext.Builder()
            .withGroup("streamops.dev").withVersion("v1alpha1").withKind("StreamOperator").withPlural("streamoperators")
            .withNamespaced(true).build();
    /** Contract container names in every StreamOperator pod. */
    public static final String FUNCTION_CONTAINER = "function";
    public static final String SIDECAR_CONTAINER = "sidecar";
    static final String PUBLISHED_METRIC = "streamops_sidecar_published_total";
    static final String ACKED_METRIC = "streamops_sidecar_acked_total";

    /** One StreamOperator now. */
    public record Stage(String name, int replicas, int readyReplicas, String ready, double published, double acked,
                        List<JsonNode> functionStats, List<String> inputTopics, List<String> outputTopics) {
        public long sum(String field) {
            return functionStats.stream().mapToLong(s -> s.path(field).asLong(0)).sum();
        }
    }

    /** The whole pipeline now. */
    public record Snapshot(Instant at, List<Stage> stages, Map<String, OptionalLong> depths) {
        public Optional<Stage> stage(String name) {
            return stages.stream().filter(s -> s.name().equals(name)).findFirst();
        }
    }

    /** What the functions of one StreamOperator answered to POST /stop: complete when every running one answered. */
    public record StopAnswers(int asked, List<JsonNode> answers) {
        public boolean complete() {
            return asked > 0 && answers.size() == asked;
        }

        public long sum(String field) {
            return answers.stream().mapToLong(a -> a.path(field).asLong(0)).sum();
        }
    }

    private final KubernetesClient client;
    private final PodRunner pods;
    private final RabbitVhost vhost;
    private final String namespace;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final ObjectMapper json = new ObjectMapper();

    public PipelineObserver(KubernetesClient client, PodRunner pods, RabbitVhost vhost, String namespace) {
        this.client = client;
        this.pods = pods;
        this.vhost = vhost;
        this.namespace = namespace;
    }

    @SuppressWarnings("unchecked")
    public Snapshot snapshot() {
        List<Stage> stages = new ArrayList<>();
        Map<String, OptionalLong> depths = new LinkedHashMap<>();
        List<GenericKubernetesResource> streamOperators = client.genericKubernetesResources(STREAM_OPERATORS)
                .inNamespace(namespace).list().getItems();
        for (GenericKubernetesResource so : streamOperators) {
            Map<String, Object> spec = (Map<String, Object>) so.getAdditionalProperties().getOrDefault("spec", Map.of());
            Map<String, Object> status = (Map<String, Object>) so.getAdditionalProperties().getOrDefault("status", Map.of());
            String name = so.getMetadata().getName();
            double published = 0;
            double acked = 0;
            List<JsonNode> stats = new ArrayList<>();
            for (LocalPod.View pod : pods.pods(namespace, name)) {
                Optional<LocalPod.ContainerView> sidecar = pod.container(SIDECAR_CONTAINER);
                if (sidecar.isPresent() && sidecar.get().pid() > 0) {
                    String port = sidecar.get().env().getOrDefault("MANAGEMENT_PORT", "4323");
                    Optional<String> metrics = get("http://" + pod.ip() + ":" + port + "/metrics");
                    if (metrics.isPresent()) {
                        published += PrometheusText.sum(metrics.get(), PUBLISHED_METRIC);
                        acked += PrometheusText.sum(metrics.get(), ACKED_METRIC);
                    }
                }
                Optional<LocalPod.ContainerView> function = pod.container(FUNCTION_CONTAINER);
                if (function.isPresent() && function.get().pid() > 0) {
                    String port = function.get().env().getOrDefault("FUNCTION_PORT", "4322");
                    get("http://" + pod.ip() + ":" + port + "/stats").flatMap(this::parse).ifPresent(stats::add);
                }
            }
            List<String> inputs = topic(spec, "inputTopic");
            List<String> outputs = topic(spec, "outputTopic");
            stages.add(new Stage(name, number(spec.get("replicas"), 1), number(status.get("readyReplicas"), 0),
                    readyCondition(status), published, acked, stats, inputs, outputs));
        }
        List<Stage> ordered = inFlowOrder(stages);
        for (Stage stage : ordered) {
            for (String topic : stage.outputTopics()) {
                depths.computeIfAbsent(topic, vhost::depth);
            }
            for (String topic : stage.inputTopics()) {
                depths.computeIfAbsent(topic, vhost::depth);
            }
        }
        return new Snapshot(Instant.now(), ordered, depths);
    }

    /**
     * Asks the example functions of one StreamOperator to stop ({@code POST /stop}: the source
     * stops emitting after the readings in flight, the sink freezes its counts) and returns their
     * final counts. A function that does not answer within {@code timeout} is missing from the
     * answers, so the caller can tell "nothing sent" from "could not ask".
     */
    public StopAnswers stopFunctions(String streamOperator, Duration timeout) {
        int asked = 0;
        List<JsonNode> answers = new ArrayList<>();
        for (LocalPod.View pod : pods.pods(namespace, streamOperator)) {
            Optional<LocalPod.ContainerView> function = pod.container(FUNCTION_CONTAINER);
            if (function.isEmpty()) {
                continue;
            }
            asked++;
            if (function.get().pid() <= 0) {
                continue;
            }
            String port = function.get().env().getOrDefault("FUNCTION_PORT", "4322");
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + pod.ip() + ":" + port + "/stop"))
                        .timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    parse(response.body()).ifPresent(answers::add);
                }
            } catch (IOException unreachable) {
                // not answered: the caller says so
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new StopAnswers(asked, answers);
    }

    /** Producers before their consumers (source, transform, sink), whatever order the API lists them in. */
    static List<Stage> inFlowOrder(List<Stage> stages) {
        List<Stage> ordered = new ArrayList<>();
        List<Stage> left = new ArrayList<>(stages);
        left.sort(java.util.Comparator.comparing(Stage::name));
        while (!left.isEmpty()) {
            Stage next = left.stream().filter(candidate -> candidate.inputTopics().stream().noneMatch(topic ->
                    left.stream().anyMatch(other -> other != candidate && other.outputTopics().contains(topic))))
                    .findFirst().orElse(left.get(0));
            ordered.add(next);
            left.remove(next);
        }
        return ordered;
    }

    private static List<String> topic(Map<String, Object> spec, String field) {
        Object value = spec.get(field);
        return value == null ? List.of() : List.of(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    private static String readyCondition(Map<String, Object> status) {
        Object conditions = status.get("conditions");
        if (conditions instanceof List<?> list) {
            for (Object condition : list) {
                Map<String, Object> c = (Map<String, Object>) condition;
                if ("Ready".equals(c.get("type"))) {
                    return "True".equals(c.get("status")) ? "Ready" : String.valueOf(c.getOrDefault("reason", "NotReady"));
                }
            }
        }
        return "-";
    }

    private static int number(Object value, int fallback) {
        return value instanceof Number n ? n.intValue() : fallback;
    }

    private Optional<String> get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException unreachable) {
            return Optional.empty();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<JsonNode> parse(String body) {
        try {
            return Optional.of(json.readTree(body));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }
}
