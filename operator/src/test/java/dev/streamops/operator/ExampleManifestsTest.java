package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.reconcile.StreamOperatorValidator;

/** The example pipeline conforms to the generated CRD schema and to the operator's own rules. */
class ExampleManifestsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static JsonNode schema;

    @BeforeAll
    static void loadSchema() throws Exception {
        schema = CrdTest.schema();
    }

    static List<JsonNode> exampleStreamOperators() throws IOException {
        var docs = new ArrayList<JsonNode>();
        try (Stream<Path> files = Files.list(TestResources.EXAMPLES)) {
            for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
                    it.readAll().stream().filter(d -> "StreamOperator".equals(d.path("kind").asText())).forEach(docs::add);
                }
            }
        }
        return docs;
    }

    @Test
    void examplePipelineIsSourceTransformSink() throws IOException {
        var docs = exampleStreamOperators();
        assertThat(docs).extracting(d -> d.path("metadata").path("name").asText())
                .containsExactly("source", "transform", "sink");
        assertThat(docs).allSatisfy(d -> {
            assertThat(d.path("apiVersion").asText()).isEqualTo(StreamOperator.API_VERSION);
            assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("streamops-demo");
        });
        assertThat(docs).extracting(d -> d.path("spec").path("image").asText()).containsExactly(
                "streamops/example-source:0.1.0", "streamops/example-transform:0.1.0", "streamops/example-sink:0.1.0");
        var source = docs.get(0).path("spec");
        var transform = docs.get(1).path("spec");
        var sink = docs.get(2).path("spec");
        assertThat(source.has("inputTopic")).isFalse();
        assertThat(source.path("outputTopic").asText()).isEqualTo("readings");
        assertThat(transform.path("inputTopic").asText()).isEqualTo("readings");
        assertThat(transform.path("outputTopic").asText()).isEqualTo("enriched");
        assertThat(sink.path("inputTopic").asText()).isEqualTo("enriched");
        assertThat(sink.has("outputTopic")).isFalse();
    }

    @Test
    void examplesConformToTheSchemaAndTheOperatorsRules() throws IOException {
        for (var doc : exampleStreamOperators()) {
            var name = doc.path("metadata").path("name").asText();
            assertThat(StructuralSchemaValidator.validate(schema.path("properties").path("spec"), doc.path("spec"), "spec"))
                    .as("schema problems of %s", name).isEmpty();
            var sop = YAML.treeToValue(doc, StreamOperator.class);
            assertThat(new StreamOperatorValidator().validate(sop)).as("operator's problems with %s", name).isEmpty();
        }
    }

    static Stream<Arguments> brokenDocuments() {
        return Stream.of(
                Arguments.of("no topics", "image: x", "spec: at least one of inputTopic and outputTopic must be set"),
                Arguments.of("no image", "outputTopic: t", "spec.image: required"),
                Arguments.of("reserved topic", "{image: x, inputTopic: amq.direct}",
                        "spec.inputTopic: topic names starting with 'amq.' are reserved by RabbitMQ"),
                Arguments.of("empty topic", "{image: x, outputTopic: ''}", "spec.outputTopic: shorter than 1"),
                Arguments.of("long topic", "{image: x, outputTopic: " + "t".repeat(256) + "}", "spec.outputTopic: longer than 255"),
                Arguments.of("negative replicas", "{image: x, outputTopic: t, replicas: -1}", "spec.replicas: less than 0"),
                Arguments.of("replicas as text", "{image: x, outputTopic: t, replicas: two}", "spec.replicas: must be an integer"),
                Arguments.of("misspelt field", "{image: x, outputTopic: t, replica: 2}", "spec.replica: unknown field"),
                Arguments.of("bad pull policy", "{image: x, outputTopic: t, imagePullPolicy: Sometimes}",
                        "spec.imagePullPolicy: does not match ^(Always|IfNotPresent|Never)$"),
                Arguments.of("port out of range", "{image: x, outputTopic: t, pushPort: 70000}", "spec.pushPort: greater than 65535"),
                Arguments.of("relative path", "{image: x, outputTopic: t, pushPath: post}", "spec.pushPath: does not match ^/[^\\s?#]*$"),
                Arguments.of("secretRef without key", "{image: x, outputTopic: t, broker: {secretRef: {name: mq}}}",
                        "spec.broker.secretRef.key: required"),
                Arguments.of("env as a map", "{image: x, outputTopic: t, env: {A: b}}", "spec.env: must be an array"),
                Arguments.of("unknown env field", "{image: x, outputTopic: t, env: [{name: A, vaule: b}]}",
                        "spec.env[0].vaule: unknown field"),
                Arguments.of("prefetch zero", "{image: x, outputTopic: t, sidecar: {prefetch: 0}}", "spec.sidecar.prefetch: less than 1"));
    }

    /** Proves the schema check can fail: each broken spec gives exactly its problem. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDocuments")
    void schemaRejectsBrokenSpecs(String description, String specYaml, String problem) throws IOException {
        var spec = YAML.readTree(specYaml);
        assertThat(StructuralSchemaValidator.validate(schema.path("properties").path("spec"), spec, "spec"))
                .containsExactly(problem);
    }

    static Stream<Arguments> celRuleCases() {
        return brokenDocuments().filter(a -> {
            var problem = (String) a.get()[2];
            return problem.contains("at least one of") || problem.contains("reserved by RabbitMQ");
        });
    }

    /** The CEL rules mean what the operator's validator enforces: both reject the same documents. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("celRuleCases")
    void operatorRejectsWhatTheCelRulesReject(String description, String specYaml, String problem) throws IOException {
        var doc = (ObjectNode) YAML.readTree("{apiVersion: streamops.dev/v1alpha1, kind: StreamOperator, metadata: {name: f}}");
        doc.set("spec", YAML.readTree(specYaml));
        var sop = YAML.treeToValue(doc, StreamOperator.class);
        assertThat(new StreamOperatorValidator().validate(sop)).isNotEmpty();
    }

    @Test
    void celRuleCasesCoverBothRules() {
        assertThat(celRuleCases()).hasSize(2);
    }

    @Test
    void unknownCelRuleShapesAreNotSilentlyAccepted() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> StructuralSchemaValidator.evaluate("self.size() > 2", YAML.readTree("x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no evaluator");
    }
}
