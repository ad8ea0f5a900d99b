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
        // 128 two-byte characters: within maxLength (characters), over RabbitMQ's 255 bytes.
        var wide = "é".repeat(128);
        return Stream.of(
                Arguments.of("no topics", "image: x", List.of("spec: at least one of inputTopic and outputTopic must be set")),
                Arguments.of("no image", "outputTopic: t", List.of("spec.image: required")),
                Arguments.of("reserved topic", "{image: x, inputTopic: amq.direct}",
                        List.of("spec.inputTopic: topic names starting with 'amq.' are reserved by RabbitMQ")),
                Arguments.of("empty topic", "{image: x, outputTopic: ''}", List.of("spec.outputTopic: shorter than 1")),
                Arguments.of("long topic", "{image: x, outputTopic: " + "t".repeat(256) + "}", List.of(
                        "spec.outputTopic: longer than 255",
                        "spec.outputTopic: topic names are at most 255 bytes (RabbitMQ's limit)")),
                Arguments.of("topic over 255 bytes in 128 characters", "{image: x, terminationTopic: " + wide + ", outputTopic: t}",
                        List.of("spec.terminationTopic: topic names are at most 255 bytes (RabbitMQ's limit)")),
                Arguments.of("input is output", "{image: x, inputTopic: t, outputTopic: t}",
                        List.of("spec: outputTopic must differ from inputTopic (the function would consume its own output)")),
                Arguments.of("negative replicas", "{image: x, outputTopic: t, replicas: -1}", List.of("spec.replicas: less than 0")),
                Arguments.of("replicas as text", "{image: x, outputTopic: t, replicas: two}", List.of("spec.replicas: must be an integer")),
                Arguments.of("misspelt field", "{image: x, outputTopic: t, replica: 2}", List.of("spec.replica: unknown field")),
                Arguments.of("bad pull policy", "{image: x, outputTopic: t, imagePullPolicy: Sometimes}",
                        List.of("spec.imagePullPolicy: does not match ^(Always|IfNotPresent|Never)$")),
                Arguments.of("port out of range", "{image: x, outputTopic: t, pushPort: 70000}",
                        List.of("spec.pushPort: greater than 65535")),
                Arguments.of("relative path", "{image: x, outputTopic: t, pushPath: post}",
                        List.of("spec.pushPath: does not match ^/[^\\s?#]*$")),
                Arguments.of("secretRef without key", "{image: x, outputTopic: t, broker: {secretRef: {name: mq}}}",
                        List.of("spec.broker.secretRef.key: required")),
                Arguments.of("env as a map", "{image: x, outputTopic: t, env: {A: b}}", List.of("spec.env: must be an array")),
                Arguments.of("unknown env field", "{image: x, outputTopic: t, env: [{name: A, vaule: b}]}",
                        List.of("spec.env[0].vaule: unknown field")),
                Arguments.of("prefetch zero", "{image: x, outputTopic: t, sidecar: {prefetch: 0}}",
                        List.of("spec.sidecar.prefetch: less than 1")));
    }

    /** Proves the schema check can fail: each broken spec gives exactly its problems. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDocuments")
    void schemaRejectsBrokenSpecs(String description, String specYaml, List<String> problems) throws IOException {
        var spec = YAML.readTree(specYaml);
        assertThat(StructuralSchemaValidator.validate(schema.path("properties").path("spec"), spec, "spec"))
                .containsExactlyElementsOf(problems);
    }

    /** The broken documents that only a CEL rule rejects, one or more per rule. */
    static Stream<Arguments> celRuleCases() {
        return brokenDocuments().filter(a -> {
            @SuppressWarnings("unchecked")
            var problems = (List<String>) a.get()[2];
            return problems.stream().anyMatch(p -> CEL_MESSAGES.stream().anyMatch(p::endsWith));
        });
    }

    private static final List<String> CEL_MESSAGES = List.of(
            "at least one of inputTopic and outputTopic must be set",
            "outputTopic must differ from inputTopic (the function would consume its own output)",
            "topic names starting with 'amq.' are reserved by RabbitMQ",
            "topic names are at most 255 bytes (RabbitMQ's limit)");

    /** The CEL rules mean what the operator's validator enforces: both reject the same documents. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("celRuleCases")
    void operatorRejectsWhatTheCelRulesReject(String description, String specYaml, List<String> problems) throws IOException {
        var doc = (ObjectNode) YAML.readTree("{apiVersion: streamops.dev/v1alpha1, kind: StreamOperator, metadata: {name: f}}");
        doc.set("spec", YAML.readTree(specYaml));
        var sop = YAML.treeToValue(doc, StreamOperator.class);
        assertThat(new StreamOperatorValidator().validate(sop)).isNotEmpty();
    }

    /** Every rule in the CRD has a case that breaks it (and each case's message is a rule's). */
    @Test
    void celRuleCasesCoverEveryRuleOfTheCrd() throws IOException {
        var messages = new java.util.TreeSet<String>();
        collectRuleMessages(schema, messages);
        assertThat(messages).containsExactlyInAnyOrderElementsOf(CEL_MESSAGES);
        for (var message : CEL_MESSAGES) {
            assertThat(celRuleCases()).as("a case breaking '%s'", message).anySatisfy(a -> assertThat(
                    (List<?>) a.get()[2]).anySatisfy(p -> assertThat((String) p).endsWith(message)));
        }
    }

    private static void collectRuleMessages(JsonNode node, java.util.Set<String> messages) {
        node.path("x-kubernetes-validations").forEach(rule -> messages.add(rule.path("message").asText()));
        node.forEach(child -> collectRuleMessages(child, messages));
    }

    /** A rule that is not valid CEL (here: a type error) fails loudly instead of passing. */
    @Test
    void aCelRuleThatDoesNotCompileIsNotSilentlyAccepted() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StructuralSchemaValidator.evaluate(
                        "size(bytes(self)) <= '255'", YAML.readTree("{type: string}"), YAML.readTree("x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not compile");
    }
}
