package dev.streamops.bench;

/** A target from issue 5 and whether a measured figure meets it. */
sealed interface Target {

    boolean isMetBy(double value);

    String describe();

    /** StreamOps must reach at least this fraction of the direct client. */
    record AtLeastRatio(double minimum) implements Target {
        public boolean isMetBy(double ratio) {
            return ratio >= minimum;
        }

        public String describe() {
            return "≥ " + minimum + "×";
        }
    }

    /** The figure must stay strictly below a limit (latency, memory, time). */
    record Below(double limit, String unit) implements Target {
        public boolean isMetBy(double value) {
            return value < limit;
        }

        public String describe() {
            return "< " + Format.number(limit) + " " + unit;
        }
    }

    /** The figure must stay at or below a limit. */
    record AtMost(double limit, String unit) implements Target {
        public boolean isMetBy(double value) {
            return value <= limit;
        }

        public String describe() {
            return "≤ " + Format.number(limit) + " " + unit;
        }
    }
}
