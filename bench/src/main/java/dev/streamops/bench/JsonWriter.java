package dev.streamops.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Writes the result tree (maps, lists, strings, numbers, booleans, null) as indented JSON. */
final class JsonWriter {
    private JsonWriter() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, int depth) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s, out);
            case Double d -> out.append(d.isNaN() || d.isInfinite() ? "null" : trimmed(d));
            case Float f -> write(f.doubleValue(), out, depth);
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            case Map<?, ?> map -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
                while (entries.hasNext()) {
                    Map.Entry<?, ?> entry = entries.next();
                    newline(out, depth + 1);
                    string(String.valueOf(entry.getKey()), out);
                    out.append(": ");
                    write(entry.getValue(), out, depth + 1);
                    if (entries.hasNext()) out.append(',');
                }
                if (!map.isEmpty()) newline(out, depth);
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    newline(out, depth + 1);
                    write(list.get(i), out, depth + 1);
                    if (i < list.size() - 1) out.append(',');
                }
                if (!list.isEmpty()) newline(out, depth);
                out.append(']');
            }
            default -> string(value.toString(), out);
        }
    }

    private static String trimmed(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(Math.round(d * 1000.0) / 1000.0);
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n').append("  ".repeat(depth));
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
