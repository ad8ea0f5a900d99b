package dev.streamops.bench;

import java.util.List;
import java.util.Map;

/** What one part of the benchmark produced: table rows and the detailed figures for the JSON file. */
record PartResult(List<Row> rows, Map<String, Object> details) {
    PartResult {
        rows = List.copyOf(rows);
    }
}
