package dev.streamops.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Heap in use by another JVM after a full GC, read with {@code jcmd PID GC.run} and {@code GC.heap_info}. */
final class HeapInfo {
    private static final Pattern USED = Pattern.compile("\\bused (\\d+)([KMG])");

    private HeapInfo() {
    }

    static long usedAfterGcBytes(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        return parseUsedBytes(jcmd(pid, "GC.heap_info"));
    }

    /**
     * Sums the "used" of the heap's summary lines: those with a "total" (one for G1, one per
     * generation for Serial and Parallel, with or without JDK 17's leading space). Sub-lines such
     * as "eden space 4416K, 27% used" and Metaspace (not heap) are skipped.
     */
    static long parseUsedBytes(String heapInfo) {
        long total = 0;
        boolean found = false;
        for (String line : heapInfo.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("Metaspace") || trimmed.startsWith("class space") || !trimmed.contains(" total ")) continue;
            Matcher used = USED.matcher(trimmed);
            if (used.find()) {
                long value = Long.parseLong(used.group(1));
                total += switch (used.group(2)) {
                    case "K" -> value * 1024;
                    case "M" -> value * 1024 * 1024;
                    default -> value * 1024 * 1024 * 1024;
                };
                found = true;
            }
        }
        if (!found) throw new IllegalStateException("no heap usage in jcmd GC.heap_info output:\n" + heapInfo);
        return total;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output.strip());
        }
        return output;
    }
}
