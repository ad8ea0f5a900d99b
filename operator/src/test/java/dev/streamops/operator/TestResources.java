package dev.streamops.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.api.StreamOperatorSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Builders and paths shared by the tests. */
public final class TestResources {
    /** Where the crd-generator plugin writes the CRD (process-classes, before the tests run). */
    public static final Path GENERATED_CRD =
            Path.of("target/classes/META-INF/fabric8/streamoperators.streamops.dev-v1.yml");
    /** The copy users apply. */
    public static final Path COMMITTED_CRD = Path.of("../crds/streamoperators.streamops.dev-v1.yml");
    public static final Path EXAMPLES = Path.of("../examples/pipeline");
    public static final Path DEPLOY = Path.of("../deploy");

    private TestResources() {
    }

    public static StreamOperator streamOperator(String namespace, String name, String image, String input, String output) {
        var sop = new StreamOperator();
        sop.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        var spec = new StreamOperatorSpec();
        spec.setImage(image);
        spec.setInputTopic(input);
        spec.setOutputTopic(output);
        sop.setSpec(spec);
        return sop;
    }

    public static Secret brokerSecret(String namespace, String name, String key) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withStringData(Map.of(key, "amqp://user:pw@rabbitmq:5672/vhost"))
                .build();
    }

    public static CustomResourceDefinition generatedCrd() {
        return Serialization.unmarshal(read(GENERATED_CRD), CustomResourceDefinition.class);
    }

    public static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
