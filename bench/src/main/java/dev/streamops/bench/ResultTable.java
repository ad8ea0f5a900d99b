package dev.streamops.bench;

import java.util.ArrayList;
import java.util.List;

/** Renders rows as a fixed-width text table (also pasted into bench/README.md as Markdown). */
final class ResultTable {
    private static final String[] HEADERS = {"part", "metric", "StreamOps", "direct", "ratio", "target", "result",
            "old companion (quoted, not measured)"};

    private ResultTable() {
    }

    static List<String[]> cells(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        for (Row row : rows) {
            cells.add(new String[]{
                    row.part(),
                    row.metric() + (row.unit().isEmpty() ? "" : " (" + row.unit() + ")"),
                    Format.number(row.streamops()),
                    Double.isNaN(row.direct()) ? "" : Format.number(row.direct()),
                    Double.isNaN(row.ratio()) ? "" : Format.ratio(row.ratio()),
                    row.target() == null ? "" : row.target().describe(),
                    row.verdict() == Row.Verdict.INFO ? "" : row.verdict().name(),
                    row.companionQuoted()});
        }
        return cells;
    }

    static String text(List<Row> rows) {
        List<String[]> cells = cells(rows);
        int[] widths = new int[HEADERS.length];
        for (int i = 0; i < HEADERS.length; i++) widths[i] = HEADERS[i].length();
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) widths[i] = Math.max(widths[i], line[i].length());
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, HEADERS, widths);
        StringBuilder rule = new StringBuilder();
        for (int width : widths) rule.append("-".repeat(width)).append("  ");
        out.append(rule.toString().stripTrailing()).append('\n');
        for (String[] line : cells) appendLine(out, line, widths);
        return out.toString();
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder("| ").append(String.join(" | ", HEADERS)).append(" |\n|");
        out.append("---|".repeat(HEADERS.length)).append('\n');
        for (String[] line : cells(rows)) {
            out.append("| ").append(String.join(" | ", line)).append(" |\n");
        }
        boolean first = true;
        for (Row row : rows) {
            if (row.note().isEmpty()) continue;
            if (first) out.append("\nNotes:\n\n");
            first = false;
            out.append("- ").append(row.part()).append(", ").append(row.metric()).append(": ").append(row.note()).append('\n');
        }
        return out.toString();
    }

    private static void appendLine(StringBuilder out, String[] line, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < line.length; i++) {
            boolean numeric = i >= 2 && i <= 4;
            String cell = line[i];
            String padded = numeric ? " ".repeat(widths[i] - cell.length()) + cell : cell + " ".repeat(widths[i] - cell.length());
            text.append(padded).append("  ");
        }
        out.append(text.toString().stripTrailing()).append('\n');
    }
}
