package dev.streamops.operator.reconcile;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;

/**
 * Resource quantities in the form the API server stores them (Kubernetes' {@code resource.Quantity}
 * canonical form), so that the Deployment we want and the Deployment we read back are equal text:
 * without this, {@code cpu: 1000m} in a StreamOperator would be stored as {@code 1}, every
 * reconciliation would see a difference, and the operator would update the Deployment forever.
 *
 * <p>The rules, as in apimachinery's {@code ParseQuantity} and {@code CanonicalizeBytes}:
 * <ul>
 *   <li>The suffix picks the format: none or {@code n u m k M G T P E} is decimal SI, {@code Ki Mi Gi
 *       Ti Pi Ei} is binary SI, {@code e<n>}/{@code E<n>} is a decimal exponent.</li>
 *   <li>The value keeps nano precision; anything finer is rounded away from zero ({@code 0.1n} → {@code 1n}).
 *       Binary values are capped at 2^63-1.</li>
 *   <li>Binary values stay binary when they are whole numbers of at least 1024 in magnitude: the
 *       largest power of 1024 that divides them exactly is the suffix ({@code 1024Mi} → {@code 1Gi},
 *       {@code 1.5Gi} → {@code 1536Mi}); otherwise they are written as decimal SI ({@code 0.5Ki} → {@code 512}).</li>
 *   <li>Decimal values get an integer mantissa and the largest exponent that is a multiple of 3
 *       without losing precision ({@code 1000m} → {@code 1}, {@code 0.5} → {@code 500m}, {@code 1.5} →
 *       {@code 1500m}); decimal SI uses the suffix of that exponent, a decimal exponent stays
 *       {@code e<n>} ({@code 1000e0} → {@code 1e3}, {@code 1.5e3} → {@code 1500}).</li>
 *   <li>Zero is {@code 0}; the sign appears only when negative.</li>
 * </ul>
 * One deliberate difference: the API server reads a quantity without any digit ({@code "."},
 * {@code "Mi"}) as zero; here it is an error, because it is always a typo.
 */
public final class CanonicalQuantities {
    private static final Pattern SYNTAX = Pattern.compile("([+-]?)([0-9]*\\.?[0-9]*)(.*)");
    private static final Pattern EXPONENT = Pattern.compile("[eE][+-]?[0-9]{1,4}");
    /** Exponents beyond this are no CPU, memory or storage amount; refusing them keeps the arithmetic small. */
    private static final int MAX_EXPONENT = 100;
    private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of(
            "n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
    private static final List<String> DECIMAL_SUFFIX_BY_EXPONENT = List.of(
            "n", "u", "m", "", "k", "M", "G", "T", "P", "E");
    private static final List<String> BINARY_SUFFIXES = List.of("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei");
    private static final BigInteger KIBI = BigInteger.valueOf(1024);
    private static final BigDecimal MAX_BINARY = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final int NANO_SCALE = 9;

    private enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

    private record Parsed(BigDecimal value, Format format) {
    }

    private CanonicalQuantities() {
    }

    /**
     * @return the canonical text of {@code quantity}
     * @throws IllegalArgumentException naming what is wrong when it is not a Kubernetes quantity
     */
    public static String canonical(String quantity) {
        var parsed = parse(quantity);
        return format(parsed.value(), parsed.format());
    }

    /** @return why {@code quantity} is not a Kubernetes quantity, or null when it is one */
    public static String problem(Quantity quantity) {
        try {
            parse(text(quantity));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public static Quantity canonical(Quantity quantity) {
        return quantity == null ? null : new Quantity(canonical(text(quantity)));
    }

    /** A copy with every request and limit in canonical form; claims are kept as they are. */
    public static ResourceRequirements canonical(ResourceRequirements resources) {
        if (resources == null) {
            return null;
        }
        return new ResourceRequirementsBuilder(resources)
                .withLimits(canonical(resources.getLimits()))
                .withRequests(canonical(resources.getRequests()))
                .build();
    }

    private static Map<String, Quantity> canonical(Map<String, Quantity> quantities) {
        if (quantities == null) {
            return null;
        }
        var result = new LinkedHashMap<String, Quantity>();
        quantities.forEach((name, quantity) -> result.put(name, canonical(quantity)));
        return result;
    }

    /** Fabric8 splits "1500m" into amount "1500" and format "m"; the API server sees the two joined. */
    static String text(Quantity quantity) {
        if (quantity == null) {
            return null;
        }
        var amount = quantity.getAmount() == null ? "" : quantity.getAmount();
        var format = quantity.getFormat() == null ? "" : quantity.getFormat();
        return amount + format;
    }

    private static Parsed parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty quantity");
        }
        var matcher = SYNTAX.matcher(text.strip());
        if (!matcher.matches() || matcher.group(2).chars().noneMatch(Character::isDigit)) {
            throw invalid(text, "no number");
        }
        var number = new BigDecimal(matcher.group(2));
        if ("-".equals(matcher.group(1))) {
            number = number.negate();
        }
        var suffix = matcher.group(3);
        Parsed parsed;
        if (DECIMAL_SUFFIXES.containsKey(suffix)) {
            parsed = new Parsed(number.scaleByPowerOfTen(DECIMAL_SUFFIXES.get(suffix)), Format.DECIMAL_SI);
        } else if (BINARY_SUFFIXES.indexOf(suffix) > 0) {
            var factor = new BigDecimal(KIBI.pow(BINARY_SUFFIXES.indexOf(suffix)));
            parsed = new Parsed(number.multiply(factor), Format.BINARY_SI);
        } else if (EXPONENT.matcher(suffix).matches()) {
            int exponent = Integer.parseInt(suffix.substring(1));
            if (Math.abs(exponent) > MAX_EXPONENT) {
                throw invalid(text, "exponent out of range");
            }
            parsed = new Parsed(number.scaleByPowerOfTen(exponent), Format.DECIMAL_EXPONENT);
        } else {
            throw invalid(text, "unknown suffix '" + suffix + "'");
        }
        var value = parsed.value();
        if (value.scale() > NANO_SCALE) {
            // The API server's rule: whoever asks for a little gets at least a nano.
            value = value.setScale(NANO_SCALE, RoundingMode.UP);
        }
        if (parsed.format() == Format.BINARY_SI && value.abs().compareTo(MAX_BINARY) > 0) {
            value = value.signum() < 0 ? MAX_BINARY.negate() : MAX_BINARY;
        }
        return new Parsed(value, parsed.format());
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a Kubernetes quantity (" + why
                + "; e.g. 500m, 1, 1.5, 128Mi, 1G)");
    }

    private static String format(BigDecimal value, Format format) {
        if (value.signum() == 0) {
            return "0";
        }
        if (format == Format.BINARY_SI) {
            boolean small = value.abs().compareTo(new BigDecimal(KIBI)) < 0;
            boolean whole = value.stripTrailingZeros().scale() <= 0;
            if (!small && whole) {
                return formatBinary(value.toBigIntegerExact());
            }
            // Binary suffixes cannot show fractions or values under 1Ki without rounding.
            format = Format.DECIMAL_SI;
        }
        var stripped = value.stripTrailingZeros();
        var mantissa = stripped.unscaledValue();
        int exponent = -stripped.scale();
        while (exponent % 3 != 0) {
            mantissa = mantissa.multiply(BigInteger.TEN);
            exponent--;
        }
        if (format == Format.DECIMAL_SI && exponent <= 18) {
            return mantissa + DECIMAL_SUFFIX_BY_EXPONENT.get(exponent / 3 + 3);
        }
        // A decimal exponent, or decimal SI beyond E (which has no suffix): the API server writes e<n>.
        return exponent == 0 ? mantissa.toString() : mantissa + "e" + exponent;
    }

    private static String formatBinary(BigInteger value) {
        int power = 0;
        while (power < BINARY_SUFFIXES.size() - 1 && value.mod(KIBI).signum() == 0) {
            value = value.divide(KIBI);
            power++;
        }
        return value + BINARY_SUFFIXES.get(power);
    }
}
