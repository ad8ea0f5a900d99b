package dev.streamops.bench;

import java.util.Locale;

/** Number formatting for the table: few digits, so the table stays readable. */
final class Format {
    private Format() {
    }

    static String number(double value) {
        if (Double.isNaN(value)) return "n/a";
        double abs = Math.abs(value);
        if (abs >= 1000) return String.format(Locale.ROOT, "%,.0f", value);
        if (abs >= 100) return String.format(Locale.ROOT, "%.0f", value);
        if (abs >= 10) return String.format(Locale.ROOT, "%.1f", value);
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f×", value);
    }
}
