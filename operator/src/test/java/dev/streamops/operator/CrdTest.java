package dev.streamops.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;

/** The CRD users apply is the one the build generates from the Java API, and it has what the issue asks. */
class CrdTest {
    @Test
    void committedCrdIsTheGeneratedOne() {
        assertThat(Files.exists(TestResources.GENERATED_CRD)).as("the build generated %s", TestResources.GENERATED_CRD).isTrue();
        assertThat(TestResources.read(TestResources.COMMITTED_CRD))
                .as("crds/streamoperators.streamops.dev-v1.yml is out of date with the Java API classes. Refresh it with:%n"
                        + "  ./mvnw -pl operator -am -DskipTests package && "
                        + "cp operator/target/classes/META-INF/fabric8/streamoperators.streamops.dev-v1.yml crds/")
                .isEqualTo(TestResources.read(TestResources.GENERATED_CRD));
    }

    @Test
    void crdHasNamesSubresourcesAndPrinterColumns() {
        var crd = TestResources.generatedCrd();
        assertThat(crd.getSpec().getGroup()).isEqualTo("streamops.dev");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("sop");
        var version = crd.getSpec().getVersions().getFirst();
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        var scale = version.getSubresources().getScale();
        assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
        assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
        assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
        assertThat(version.getAdditionalPrinterColumns())
                .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath,
                        CustomResourceColumnDefinition::getType)
                .as("the generator's order (by JSON path), which kubectl shows after NAME")
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Age", ".metadata.creationTimestamp", "date"),
                        org.assertj.core.groups.Tuple.tuple("Image", ".spec.image", "string"),
                        org.assertj.core.groups.Tuple.tuple("Input", ".spec.inputTopic", "string"),
                        org.assertj.core.groups.Tuple.tuple("Output", ".spec.outputTopic", "string"),
                        org.assertj.core.groups.Tuple.tuple("Ready", ".status.ready", "string"));
    }

    @Test
    void everySpecFieldIsDescribedForKubectlExplain() throws Exception {
        var spec = schema().path("properties").path("spec");
        assertThat(spec.path("description").asText()).as("kubectl explain sop.spec").contains("Deployment");
        assertThat(spec.path("required")).extracting(JsonNode::asText).containsExactly("image");
        assertDescribed(spec.path("properties"), "spec");
        var replicas = spec.path("properties").path("replicas");
        assertThat(replicas.path("default").asInt()).isEqualTo(1);
        assertThat(replicas.path("minimum").asInt()).isZero();
        var topic = spec.path("properties").path("inputTopic");
        assertThat(topic.path("minLength").asInt()).isEqualTo(1);
        assertThat(topic.path("maxLength").asInt()).isEqualTo(255);
        for (var name : List.of("inputTopic", "outputTopic", "terminationTopic")) {
            assertThat(spec.path("properties").path(name).path("x-kubernetes-validations")).extracting(r -> r.path("rule").asText())
                    .as("rules of %s", name).containsExactly("!self.startsWith('amq.')", "size(bytes(self)) <= 255");
        }
        assertThat(spec.path("x-kubernetes-validations")).extracting(r -> r.path("rule").asText()).containsExactly(
                "has(self.inputTopic) || has(self.outputTopic)",
                "!has(self.inputTopic) || !has(self.outputTopic) || self.inputTopic != self.outputTopic");
    }

    @Test
    void theStatusAndEachOfItsFieldsAreDescribedForKubectlExplain() throws Exception {
        var status = schema().path("properties").path("status");
        assertThat(status.path("description").asText()).as("kubectl explain sop.status").contains("conditions");
        var fields = new java.util.ArrayList<String>();
        status.path("properties").fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("observedGeneration", "replicas", "readyReplicas", "ready",
                "selector", "conditions");
        assertDescribed(status.path("properties"), "status");
    }

    /** Our own fields (not the embedded Kubernetes types) each carry a description. */
    private static void assertDescribed(JsonNode properties, String path) {
        properties.fields().forEachRemaining(field -> {
            var name = path + "." + field.getKey();
            assertThat(field.getValue().path("description").asText()).as("description of %s", name).isNotBlank();
            if (name.equals("spec.broker") || name.equals("spec.broker.secretRef") || name.equals("spec.sidecar")) {
                assertDescribed(field.getValue().path("properties"), name);
            }
        });
    }

    static JsonNode schema() throws Exception {
        var crd = new YAMLMapper().readTree(TestResources.read(TestResources.GENERATED_CRD));
        return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    }
}
