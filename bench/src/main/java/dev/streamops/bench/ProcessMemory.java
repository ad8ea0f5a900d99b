package dev.streamops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process as the kernel reports it (VmRSS in /proc/PID/status). */
final class ProcessMemory {
    private ProcessMemory() {
    }

    static long rssBytes(long pid) {
        return field(pid, "VmRSS");
    }

    /** The peak resident memory (VmHWM) so far. */
    static long peakRssBytes(long pid) {
        return field(pid, "VmHWM");
    }

    private static long field(long pid, String name) {
        try {
            return parseKilobytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")), name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
        }
    }

    /** A "Name:   1234 kB" line of a /proc/PID/status text, in bytes. */
    static long parseKilobytes(String status, String name) {
        String prefix = name + ":";
        for (String line : status.split("\n")) {
            if (line.startsWith(prefix)) {
                String[] parts = line.substring(prefix.length()).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                if (parts.length < 2 || !parts[1].equalsIgnoreCase("kB")) {
                    throw new IllegalStateException("unexpected " + name + " unit: " + line);
                }
                return value * 1024;
            }
        }
        throw new IllegalStateException("no " + name + " line in /proc status (process gone?)");
    }

    static double mebibytes(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
