package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvResolverTest {
    /** Secrets and ConfigMaps held in maps: the fake of the API server. */
    static final class FakeObjects implements ObjectLookup {
        final Map<String, Map<String, String>> secrets = new HashMap<>();
        final Map<String, Map<String, String>> configMaps = new HashMap<>();

        @Override
        public Optional<Map<String, String>> secret(String namespace, String name) {
            return Optional.ofNullable(secrets.get(namespace + "/" + name));
        }

        @Override
        public Optional<Map<String, String>> configMap(String namespace, String name) {
            return Optional.ofNullable(configMaps.get(namespace + "/" + name));
        }
    }

    private final FakeObjects objects = new FakeObjects();
    private final EnvResolver resolver = new EnvResolver(objects);
    private final PodIdentity pod = new PodIdentity("sink-abc-xyz", "demo", "uid-1", "127.9.0.3", "127.0.0.1", "localrun",
            "default", Map.of("app", "sink"), Map.of("note", "hi"));

    @Test
    void resolvesLiteralsDownwardApiAndSecretsInOrder() {
        objects.secrets.put("demo/rabbitmq", Map.of("uri", "amqp://u:p@h/v"));
        Container container = new ContainerBuilder().withName("sidecar")
                .addNewEnv().withName("API_PORT").withValue("4321").endEnv()
                .addNewEnv().withName("MY_POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MY_POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MY_POD_NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("APP").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['app']").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("RABBITMQ_URI").withNewValueFrom().withNewSecretKeyRef("uri", "rabbitmq", false).endValueFrom().endEnv()
                .addNewEnv().withName("URL").withValue("http://$(MY_POD_IP):$(API_PORT)/x$$(LATER)$(UNKNOWN)").endEnv()
                .build();
        Map<String, String> env = resolver.resolve(container, pod);
        assertThat(env).containsExactly(
                Map.entry("API_PORT", "4321"),
                Map.entry("MY_POD_IP", "127.9.0.3"),
                Map.entry("MY_POD_NAME", "sink-abc-xyz"),
                Map.entry("MY_POD_NAMESPACE", "demo"),
                Map.entry("APP", "sink"),
                Map.entry("RABBITMQ_URI", "amqp://u:p@h/v"),
                Map.entry("URL", "http://127.9.0.3:4321/x$(LATER)$(UNKNOWN)"));
    }

    @Test
    void envFromComesFirstAndEnvOverridesIt() {
        objects.configMaps.put("demo/settings", Map.of("RATE", "5", "MESSAGES", "10"));
        Container container = new ContainerBuilder().withName("function")
                .addNewEnvFrom().withNewConfigMapRef().withName("settings").endConfigMapRef().withPrefix("").endEnvFrom()
                .addNewEnv().withName("RATE").withValue("50").endEnv()
                .addNewEnv().withName("LEVEL").withNewValueFrom().withNewConfigMapKeyRef("MESSAGES", "settings", false).endValueFrom().endEnv()
                .build();
        assertThat(resolver.resolve(container, pod)).containsEntry("RATE", "50").containsEntry("MESSAGES", "10").containsEntry("LEVEL", "10");
    }

    @Test
    void aMissingSecretOrKeyKeepsThePodWaitingWithoutShowingValues() {
        objects.secrets.put("demo/rabbitmq", Map.of("other", "s3cret"));
        Container noSecret = new ContainerBuilder().withName("sidecar")
                .addNewEnv().withName("RABBITMQ_URI").withNewValueFrom().withNewSecretKeyRef("uri", "missing", false).endValueFrom().endEnv().build();
        assertThatThrownBy(() -> resolver.resolve(noSecret, pod))
                .isInstanceOf(EnvResolver.EnvResolutionException.class)
                .hasMessage("env RABBITMQ_URI: secret \"missing\" not found");
        Container noKey = new ContainerBuilder().withName("sidecar")
                .addNewEnv().withName("RABBITMQ_URI").withNewValueFrom().withNewSecretKeyRef("uri", "rabbitmq", false).endValueFrom().endEnv().build();
        assertThatThrownBy(() -> resolver.resolve(noKey, pod))
                .hasMessage("env RABBITMQ_URI: couldn't find key uri in secret \"rabbitmq\"")
                .hasMessageNotContaining("s3cret");
        Container optional = new ContainerBuilder().withName("sidecar")
                .addNewEnv().withName("RABBITMQ_URI").withNewValueFrom().withNewSecretKeyRef("uri", "missing", true).endValueFrom().endEnv().build();
        assertThat(resolver.resolve(optional, pod)).doesNotContainKey("RABBITMQ_URI");
    }

    @Test
    void resourceFieldsUseTheContainersLimitsAndDivisor() {
        Container container = new ContainerBuilder().withName("function")
                .withNewResources().addToLimits("memory", new Quantity("128Mi")).addToRequests("cpu", new Quantity("250m")).endResources()
                .addNewEnv().withName("MEM_MI").withNewValueFrom().withNewResourceFieldRef().withResource("limits.memory")
                .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("CPU").withNewValueFrom().withNewResourceFieldRef().withResource("requests.cpu").endResourceFieldRef().endValueFrom().endEnv()
                .build();
        assertThat(resolver.resolve(container, pod)).containsEntry("MEM_MI", "128").containsEntry("CPU", "1");
    }

    @Test
    void rejectsFieldPathsItDoesNotKnow() {
        Container container = new ContainerBuilder().withName("function")
                .addNewEnv().withName("X").withNewValueFrom().withNewFieldRef().withFieldPath("spec.weird").endFieldRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> resolver.resolve(container, pod)).hasMessage("env X: unsupported fieldRef fieldPath spec.weird");
    }
}
