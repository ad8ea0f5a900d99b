package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.reconcile.FunctionPodTemplate;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** {@code operator.jar render -f FILE}, run through Main's command handling. */
class RenderTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = Main.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<Deployment> parse(String yaml) {
        var serialization = new KubernetesSerialization();
        var deployments = new ArrayList<Deployment>();
        for (var doc : yaml.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                deployments.add(serialization.unmarshal(doc, Deployment.class));
            }
        }
        return deployments;
    }

    @Test
    void rendersTheExamplePipelineAsTheOperatorWouldCreateIt() throws IOException {
        var out = new StringBuilder();
        try (var files = Files.list(TestResources.EXAMPLES)) {
            for (var file : files.sorted().toList()) {
                var result = run(Map.of(), "render", "-f", file.toString());
                if (file.getFileName().toString().matches("\\d\\d-(source|transform|sink)\\.yaml")) {
                    assertThat(result.exit()).as(result.err()).isZero();
                    out.append(result.out());
                } else {
                    assertThat(result.exit()).as("%s has no StreamOperator", file).isEqualTo(2);
                    assertThat(result.err()).contains("no StreamOperator");
                }
            }
        }
        var deployments = parse(out.toString());
        assertThat(deployments).extracting(d -> d.getMetadata().getName()).containsExactly("source", "transform", "sink");

        var template = new FunctionPodTemplate(OperatorConfig.defaults());
        var sop = new KubernetesSerialization().unmarshal(
                TestResources.read(TestResources.EXAMPLES.resolve("20-transform.yaml")), StreamOperator.class);
        var serialization = new KubernetesSerialization();
        assertThat(serialization.asYaml(deployments.get(1))).isEqualTo(serialization.asYaml(template.deployment(sop)));
        assertThat(deployments.get(1).getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployments).as("no owner reference: it needs the UID the API server assigns")
                .allSatisfy(d -> assertThat(d.getMetadata().getOwnerReferences()).isNullOrEmpty());
        assertThat(deployments.get(1).getMetadata().getNamespace()).isEqualTo("streamops-demo");
    }

    @Test
    void rendersEveryStreamOperatorOfAMultiDocumentFileAndSkipsOtherKinds() throws IOException {
        var file = dir.resolve("all.yaml");
        var all = new StringBuilder();
        try (var files = Files.list(TestResources.EXAMPLES)) {
            for (var f : files.sorted().toList()) {
                all.append("---\n").append(Files.readString(f));
            }
        }
        Files.writeString(file, all);
        var result = run(Map.of("SIDECAR_IMAGE", "mirror.example/sidecar:1"), "render", "-f", file.toString());
        assertThat(result.exit()).as(result.err()).isZero();
        var deployments = parse(result.out());
        assertThat(deployments).hasSize(3);
        assertThat(deployments).allSatisfy(d -> assertThat(d.getKind()).isEqualTo("Deployment"));
        assertThat(deployments).allSatisfy(d -> assertThat(
                d.getSpec().getTemplate().getSpec().getInitContainers().getFirst().getImage()).isEqualTo("mirror.example/sidecar:1"));
        assertThat(result.out()).doesNotContain("CHANGE-ME").doesNotContain("amqp://");
    }

    @Test
    void refusesAnInvalidStreamOperatorNamingDocumentAndField() throws IOException {
        var file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                apiVersion: streamops.dev/v1alpha1
                kind: StreamOperator
                metadata: {name: ok}
                spec: {image: x, outputTopic: fine}
                ---
                apiVersion: streamops.dev/v1alpha1
                kind: StreamOperator
                metadata: {name: broken}
                spec: {image: x, inputTopic: amq.topic}
                """);
        var result = run(Map.of(), "render", "-f", file.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().strip()).isEqualTo("render: " + file + ": document 2 (StreamOperator broken): "
                + "spec.inputTopic: 'amq.topic' starts with 'amq.', which RabbitMQ reserves");
    }

    @Test
    void refusesUnknownFieldsAndWrongApiVersion() throws IOException {
        var file = dir.resolve("typo.yaml");
        Files.writeString(file, """
                apiVersion: streamops.dev/v1alpha1
                kind: StreamOperator
                metadata: {name: typo}
                spec: {image: x, outputTopic: t, replica: 3}
                ---
                apiVersion: streamops.dev/v1
                kind: StreamOperator
                metadata: {name: old}
                spec: {image: x, outputTopic: t}
                """);
        var result = run(Map.of(), "render", "-f", file.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("document 1 (StreamOperator typo): unknown field 'replica' at spec.replica")
                .contains("document 2 (StreamOperator old): apiVersion must be streamops.dev/v1alpha1");
    }

    @Test
    void refusesMissingFilesBadYamlBadConfigAndBadUsage() throws IOException {
        var missing = run(Map.of(), "render", "-f", dir.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml: no such file");

        var garbled = dir.resolve("garbled.yaml");
        Files.writeString(garbled, "kind: [unclosed\n");
        var bad = run(Map.of(), "render", "-f", garbled.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not valid YAML");

        var config = run(Map.of("NATIVE_SIDECAR", "maybe"), "render", "-f", garbled.toString());
        assertThat(config.exit()).isEqualTo(2);
        assertThat(config.err().strip()).isEqualTo("invalid configuration: NATIVE_SIDECAR: 'maybe' is not true or false");

        var usage = run(Map.of(), "render", "examples");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("usage:");
    }
}
