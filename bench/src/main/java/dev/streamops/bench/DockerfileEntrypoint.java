package dev.streamops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags of a Dockerfile's exec-form {@code ENTRYPOINT ["java", <flags...>, "-jar", "/app/x.jar"]}.
 * The benchmark starts the sidecar with exactly these flags, so the footprint it reports is the
 * footprint of the image, not of whatever flags a benchmark author happened to like.
 */
record DockerfileEntrypoint(List<String> jvmFlags, String jarPath) {

    DockerfileEntrypoint {
        jvmFlags = List.copyOf(jvmFlags);
    }

    static DockerfileEntrypoint read(Path dockerfile) {
        if (!Files.isRegularFile(dockerfile)) {
            throw new IllegalStateException(dockerfile + " is missing: the benchmark runs the sidecar with the JVM flags of"
                    + " its ENTRYPOINT line and refuses to guess them");
        }
        try {
            return parse(Files.readString(dockerfile), dockerfile.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dockerfile + ": " + e.getMessage(), e);
        }
    }

    /** Parses the last ENTRYPOINT instruction (the one Docker uses: it belongs to the final stage). */
    static DockerfileEntrypoint parse(String dockerfileText, String source) {
        String entrypoint = null;
        for (String line : dockerfileText.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.regionMatches(true, 0, "ENTRYPOINT", 0, "ENTRYPOINT".length())
                    && (trimmed.length() == 10 || Character.isWhitespace(trimmed.charAt(10)))) {
                entrypoint = trimmed.substring(10).strip();
            }
        }
        if (entrypoint == null) {
            throw new IllegalStateException(source + " has no ENTRYPOINT line");
        }
        if (!entrypoint.startsWith("[") || !entrypoint.endsWith("]")) {
            throw new IllegalStateException(source + ": ENTRYPOINT is not in exec form on one line (expected"
                    + " [\"java\", <flags...>, \"-jar\", \"/app/x.jar\"]): " + entrypoint);
        }
        List<String> words = parseJsonStringArray(entrypoint, source);
        if (words.isEmpty() || !(words.getFirst().equals("java") || words.getFirst().endsWith("/java"))) {
            throw new IllegalStateException(source + ": ENTRYPOINT does not start with java: " + entrypoint);
        }
        int jar = words.indexOf("-jar");
        if (jar < 0 || jar != words.size() - 2) {
            throw new IllegalStateException(source + ": ENTRYPOINT must end with \"-jar\", \"<jar path>\": " + entrypoint);
        }
        List<String> flags = words.subList(1, jar);
        for (String flag : flags) {
            if (!flag.startsWith("-")) {
                throw new IllegalStateException(source + ": ENTRYPOINT has a non-flag word before -jar: " + flag);
            }
        }
        return new DockerfileEntrypoint(new ArrayList<>(flags), words.get(jar + 1));
    }

    private static List<String> parseJsonStringArray(String text, String source) {
        List<String> words = new ArrayList<>();
        int i = 1;
        int end = text.length() - 1;
        while (true) {
            while (i < end && (Character.isWhitespace(text.charAt(i)))) i++;
            if (i >= end) break;
            if (text.charAt(i) != '"') {
                throw new IllegalStateException(source + ": ENTRYPOINT array element is not a string at column " + i + ": " + text);
            }
            StringBuilder word = new StringBuilder();
            i++;
            while (i < end && text.charAt(i) != '"') {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < end) {
                    char escaped = text.charAt(++i);
                    word.append(switch (escaped) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> escaped;
                    });
                } else {
                    word.append(c);
                }
                i++;
            }
            if (i >= end) {
                throw new IllegalStateException(source + ": unterminated string in ENTRYPOINT: " + text);
            }
            words.add(word.toString());
            i++;
            while (i < end && Character.isWhitespace(text.charAt(i))) i++;
            if (i < end) {
                if (text.charAt(i) != ',') {
                    throw new IllegalStateException(source + ": expected ',' in ENTRYPOINT at column " + i + ": " + text);
                }
                i++;
            }
        }
        return words;
    }
}
