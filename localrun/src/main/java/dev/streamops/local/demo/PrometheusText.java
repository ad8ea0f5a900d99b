package dev.streamops.local.demo;

/** Reads counters from the Prometheus text exposition format. */
final class PrometheusText {
    private PrometheusText() {
    }

    /** The sum of every series of {@code metric} (all label sets); 0 when absent. */
    static double sum(String text, String metric) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            String rest = line.substring(metric.length());
            if (!(rest.startsWith("{") || rest.startsWith(" "))) {
                continue; // a different metric with this one's name as prefix
            }
            int valueStart = rest.startsWith("{") ? rest.indexOf('}') + 1 : 0;
            String[] fields = rest.substring(valueStart).trim().split("\\s+");
            try {
                total += Double.parseDouble(fields[0]);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException malformed) {
                // not a sample line
            }
        }
        return total;
    }
}
