package dev.streamops.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.streamops.operator.TestResources;
import dev.streamops.operator.api.BrokerSpec;
import dev.streamops.operator.api.SecretKeySelector;
import dev.streamops.operator.api.SidecarSpec;
import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;

/** Table of specs and the problem each must produce (or none). */
class StreamOperatorValidatorTest {
    private final StreamOperatorValidator validator = new StreamOperatorValidator();

    static Stream<Arguments> cases() {
        return Stream.of(
                valid("a plain transform", s -> { }),
                valid("source: output only", s -> s.getSpec().setInputTopic(null)),
                valid("sink: input only", s -> s.getSpec().setOutputTopic(null)),
                valid("255-byte topic", s -> s.getSpec().setInputTopic("t".repeat(255))),
                valid("topic merely containing amq.", s -> s.getSpec().setInputTopic("x.amq.y")),
                valid("zero replicas", s -> s.getSpec().setReplicas(0)),
                valid("user env", s -> s.getSpec().setEnv(List.of(new EnvVar("RATE", "5", null)))),
                valid("own broker secret", s -> s.getSpec().setBroker(new BrokerSpec(new SecretKeySelector("mq", "uri")))),
                invalid("no topic at all", s -> { s.getSpec().setInputTopic(null); s.getSpec().setOutputTopic(null); },
                        "spec: at least one of inputTopic and outputTopic must be set"),
                invalid("missing image", s -> s.getSpec().setImage(null), "spec.image: required"),
                invalid("blank image", s -> s.getSpec().setImage("  "), "spec.image: required"),
                invalid("image with space", s -> s.getSpec().setImage("a b"), "spec.image: 'a b' contains whitespace"),
                invalid("empty topic", s -> s.getSpec().setOutputTopic(""), "spec.outputTopic: must not be empty"),
                invalid("256-byte topic", s -> s.getSpec().setInputTopic("t".repeat(256)),
                        "spec.inputTopic: longer than 255 bytes (RabbitMQ's limit for queue names)"),
                invalid("255 chars but 510 bytes", s -> s.getSpec().setInputTopic("é".repeat(255)),
                        "spec.inputTopic: longer than 255 bytes (RabbitMQ's limit for queue names)"),
                invalid("reserved prefix", s -> s.getSpec().setTerminationTopic("amq.gen-x"),
                        "spec.terminationTopic: 'amq.gen-x' starts with 'amq.', which RabbitMQ reserves"),
                invalid("loop", s -> s.getSpec().setOutputTopic("in"),
                        "spec.outputTopic: equals inputTopic 'in' (the function would consume its own output)"),
                invalid("negative replicas", s -> s.getSpec().setReplicas(-1), "spec.replicas: -1 is negative"),
                invalid("bad pull policy", s -> s.getSpec().setImagePullPolicy("Sometimes"),
                        "spec.imagePullPolicy: 'Sometimes' is not Always, IfNotPresent or Never"),
                invalid("push port of the sidecar", s -> s.getSpec().setPushPort(4321),
                        "spec.pushPort: 4321 is used by the sidecar (4321 API, 4323 management)"),
                invalid("push port out of range", s -> s.getSpec().setPushPort(70000),
                        "spec.pushPort: 70000 is not a port number (1-65535)"),
                invalid("relative push path", s -> s.getSpec().setPushPath("post"),
                        "spec.pushPath: 'post' must start with '/' and contain no whitespace, '?' or '#'"),
                invalid("reserved env", s -> s.getSpec().setEnv(List.of(new EnvVar("API_PORT", "1", null))),
                        "spec.env[0].name: 'API_PORT' is set by the operator and cannot be overridden"),
                invalid("duplicate env", s -> s.getSpec().setEnv(List.of(new EnvVar("A", "1", null), new EnvVar("A", "2", null))),
                        "spec.env[1].name: 'A' appears twice"),
                invalid("env without name", s -> s.getSpec().setEnv(List.of(new EnvVar(null, "1", null))),
                        "spec.env[0].name: required"),
                invalid("bad secret name", s -> s.getSpec().setBroker(new BrokerSpec(new SecretKeySelector("Bad_Name", "uri"))),
                        "spec.broker.secretRef.name: 'Bad_Name' is not a Secret name"),
                invalid("missing secret key", s -> s.getSpec().setBroker(new BrokerSpec(new SecretKeySelector("mq", null))),
                        "spec.broker.secretRef.key: 'null' is not a Secret key"),
                invalid("prefetch zero", s -> { var sc = new SidecarSpec(); sc.setPrefetch(0); s.getSpec().setSidecar(sc); },
                        "spec.sidecar.prefetch: 0 is outside 1-1000"),
                valid("push concurrency up to prefetch", s -> { var sc = new SidecarSpec(); sc.setPrefetch(20); sc.setPushConcurrency(20); s.getSpec().setSidecar(sc); }),
                invalid("push concurrency above the default prefetch", s -> { var sc = new SidecarSpec(); sc.setPushConcurrency(11); s.getSpec().setSidecar(sc); },
                        "spec.sidecar.pushConcurrency: 11 exceeds prefetch (10): the sidecar never holds more messages than that"),
                invalid("push concurrency zero", s -> { var sc = new SidecarSpec(); sc.setPushConcurrency(0); s.getSpec().setSidecar(sc); },
                        "spec.sidecar.pushConcurrency: 0 is less than 1"),
                invalid("name too long for a label", s -> s.getMetadata().setName("n".repeat(64)),
                        "metadata.name: '" + "n".repeat(64) + "' must be at most 63 lowercase letters, digits, '-' or '.' "
                                + "(it names the Deployment and labels its pods)"),
                valid("non-canonical quantities (the operator canonicalises them)", s -> s.getSpec().setResources(
                        new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("1000m"))
                                .addToLimits("memory", new Quantity("0.5Gi")).build())),
                invalid("quantity with an unknown suffix", s -> s.getSpec().setResources(
                        new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("128MB")).build()),
                        "spec.resources.limits.memory: '128MB' is not a Kubernetes quantity (unknown suffix 'MB'; "
                                + "e.g. 500m, 1, 1.5, 128Mi, 1G)"),
                invalid("sidecar quantity without a number", s -> { var sc = new SidecarSpec();
                        sc.setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("m")).build());
                        s.getSpec().setSidecar(sc); },
                        "spec.sidecar.resources.requests.cpu: 'm' is not a Kubernetes quantity (no number; "
                                + "e.g. 500m, 1, 1.5, 128Mi, 1G)"),
                invalid("no spec", s -> s.setSpec(null), "spec: required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validates(String description, Consumer<StreamOperator> change, List<String> expected) {
        var sop = TestResources.streamOperator("apps", "f", "example/f:1", "in", "out");
        change.accept(sop);
        assertThat(validator.validate(sop)).isEqualTo(expected);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        var sop = TestResources.streamOperator("apps", "f", "", null, null);
        sop.getSpec().setReplicas(-2);
        assertThat(validator.validate(sop)).hasSize(3);
    }

    private static Arguments valid(String description, Consumer<StreamOperator> change) {
        return Arguments.of(description, change, List.of());
    }

    private static Arguments invalid(String description, Consumer<StreamOperator> change, String problem) {
        return Arguments.of(description, change, List.of(problem));
    }
}
