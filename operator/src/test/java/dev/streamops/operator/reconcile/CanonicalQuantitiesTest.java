package dev.streamops.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceClaimBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The canonical form of each input, as apimachinery's resource.Quantity computes it (ParseQuantity,
 * then CanonicalizeBytes), including its own documented examples (1.5 → 1500m, 1.5Gi → 1536Mi).
 * That is what the API server stores, with one quirk we never trigger: a few inputs it echoes
 * verbatim (here marked "echoed": "+1", "01", "1E3"), because its parser keeps the original text
 * when the number needs no rescaling. The operator always sends the canonical text, which is a
 * fixed point either way.
 */
class CanonicalQuantitiesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // CPU: the largest exponent (multiple of 3) that keeps an integer mantissa
            "1000m, 1",
            "1500m, 1500m",
            "500m, 500m",
            "0.5, 500m",
            "1.5, 1500m",
            "1.0, 1",
            "1., 1",
            ".5, 500m",
            "0.1, 100m",
            "2000m, 2",
            "100m, 100m",
            "0.001, 1m",
            "0.0005, 500u",
            "1.2345, 1234500u",
            "250000u, 250m",
            "10, 10",
            "1, 1",
            "+1, 1", // echoed
            "01, 1", // echoed
            "007m, 7m", // echoed
            // Decimal SI: plain numbers stay decimal, however big
            "128974848, 128974848",
            "1000, 1k",
            "1200, 1200",
            "100M, 100M",
            "1000k, 1M",
            "1200k, 1200k",
            "1000000000, 1G",
            "0.5G, 500M",
            "1000E, 1e21",
            // Binary SI: stays binary when whole and at least 1Ki
            "1024Mi, 1Gi",
            "1.5Gi, 1536Mi",
            "0.5Gi, 512Mi",
            "128Mi, 128Mi",
            "2048Ki, 2Mi",
            "1Ki, 1Ki",
            "1025Ki, 1025Ki",
            "1Ei, 1Ei",
            "1024Ei, 9223372036854775807",
            // ...and falls back to decimal when it cannot be exact or is under 1Ki
            "0.5Ki, 512",
            "1.1Ki, 1126400m",
            "0.5Mi, 512Ki",
            "0.001Ki, 1024m",
            // Decimal exponent stays an exponent
            "1e3, 1e3",
            "1E3, 1e3", // echoed
            "1000e0, 1e3",
            "1.5e3, 1500",
            "12e6, 12e6",
            "1e-3, 1e-3",
            "1e+3, 1e3",
            // Nano precision, rounded away from zero
            "0.1n, 1n",
            "1.0000000001, 1000000001n",
            "-0.1n, -1n",
            // Zero and signs
            "0, 0",
            "0m, 0",
            "0Gi, 0",
            "-0, 0",
            "0e5, 0",
            "-1000m, -1",
            "-1.5Gi, -1536Mi",
            // Whitespace around (the API server trims it)
            "' 128Mi ', 128Mi",
    })
    void canonicalFormIsWhatTheApiServerStores(String input, String expected) {
        assertThat(CanonicalQuantities.canonical(input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is a fixed point")
    @ValueSource(strings = {"1", "1500m", "512Mi", "1Gi", "1536Mi", "1e3", "1126400m", "128974848", "1n", "9223372036854775807"})
    void canonicalTextStaysAsItIs(String canonical) {
        assertThat(CanonicalQuantities.canonical(canonical)).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "m", "Mi", ".", "1.2.3", "128MB", "1K", "1 Mi", "1e", "1e+", "1ee3", "x1", "1Mi3",
            "1e99999", "--1", "1mi"})
    void refusesWhatIsNoQuantity(String input) {
        assertThatThrownBy(() -> CanonicalQuantities.canonical(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantity");
    }

    @Test
    void problemNamesTheValueAndTheRule() {
        assertThat(CanonicalQuantities.problem(new Quantity("12GB")))
                .isEqualTo("'12GB' is not a Kubernetes quantity (unknown suffix 'GB'; e.g. 500m, 1, 1.5, 128Mi, 1G)");
        assertThat(CanonicalQuantities.problem(new Quantity("1.5Gi"))).isNull();
    }

    @Test
    void resourceRequirementsAreCanonicalOnTheWireAndKeepTheirClaims() {
        var resources = new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("1000m"))
                .addToRequests("memory", new Quantity("0.5Gi"))
                .addToLimits("memory", new Quantity("1024Mi"))
                .addToLimits("ephemeral-storage", new Quantity("2000M"))
                .withClaims(new ResourceClaimBuilder().withName("gpu").build())
                .build();

        var canonical = CanonicalQuantities.canonical(resources);

        // Compared as JSON: Fabric8's Quantity.equals compares numbers, so 1000m would equal 1.
        assertThat(Serialization.asJson(canonical)).isEqualTo(
                "{\"claims\":[{\"name\":\"gpu\"}],"
                        + "\"limits\":{\"memory\":\"1Gi\",\"ephemeral-storage\":\"2G\"},"
                        + "\"requests\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}}");
        // The input is left alone (it is the user's StreamOperator spec).
        assertThat(CanonicalQuantities.text(resources.getRequests().get("cpu"))).isEqualTo("1000m");
        assertThat(CanonicalQuantities.canonical((io.fabric8.kubernetes.api.model.ResourceRequirements) null)).isNull();
    }
}
