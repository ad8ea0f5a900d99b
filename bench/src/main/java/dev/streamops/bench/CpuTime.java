package dev.streamops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU time consumed by a process (user + system, from /proc/PID/stat), so each run can say where
 * the machine's two cores went: the sidecar, the broker, or the load generator. On a shared
 * 2-core machine this is the evidence for "the broker's or the machine's limit".
 */
final class CpuTime {
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux we run on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuTime() {
    }

    /** CPU seconds used so far by {@code pid}; NaN when the process is gone or unknown (pid < 0). */
    static double seconds(long pid) {
        if (pid < 0) return Double.NaN;
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc/PID/stat line, in seconds; the command name may hold spaces. */
    static double parseStat(String stat) {
        String afterName = stat.substring(stat.lastIndexOf(')') + 2);
        String[] fields = afterName.trim().split("\\s+");
        // afterName starts at field 3 (state), so field n is at index n - 3.
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** The RabbitMQ node's Erlang VM (beam.smp) on this machine, if one runs. */
    static OptionalLong brokerPid() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).strip().equals("beam.smp");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
                    .findFirst();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** CPU used by the sidecar, the broker and this benchmark JVM over one measured window. */
    record Window(double sidecarSeconds, double brokerSeconds, double benchSeconds, double wallSeconds) {
        /** A window that never opened (the run timed out before its start). */
        static final Window NONE = new Window(Double.NaN, Double.NaN, Double.NaN, 0);

        /** CPU of everything this run measured (sidecar, broker, benchmark JVM), ignoring an unknown sidecar. */
        double totalSeconds() {
            return (Double.isNaN(sidecarSeconds) ? 0 : sidecarSeconds) + brokerSeconds + benchSeconds;
        }

        /**
         * If the machine's cores are the bottleneck, throughput is inversely proportional to the CPU
         * a message costs in total, so the expected ratio is direct's CPU per message over ours.
         */
        static double cpuBoundRatio(Window ours, long ourMessages, Window direct, long directMessages) {
            double oursPerMessage = microsPerMessage(ours.totalSeconds(), ourMessages);
            double directPerMessage = microsPerMessage(direct.totalSeconds(), directMessages);
            return Rates.ratio(directPerMessage, oursPerMessage);
        }

        /** Microseconds of CPU per message for a process's seconds; NaN when unknown. */
        static double microsPerMessage(double cpuSeconds, long messages) {
            return messages <= 0 || Double.isNaN(cpuSeconds) ? Double.NaN : cpuSeconds * 1e6 / messages;
        }
    }

    /** Starts a window; {@link Meter#stop()} ends it. */
    static Meter start(long sidecarPid, long brokerPid) {
        return new Meter(sidecarPid, brokerPid);
    }

    static final class Meter {
        private final long sidecarPid;
        private final long brokerPid;
        private final double sidecar0;
        private final double broker0;
        private final double bench0;
        private final long wall0;

        private Meter(long sidecarPid, long brokerPid) {
            this.sidecarPid = sidecarPid;
            this.brokerPid = brokerPid;
            this.sidecar0 = seconds(sidecarPid);
            this.broker0 = seconds(brokerPid);
            this.bench0 = seconds(ProcessHandle.current().pid());
            this.wall0 = System.nanoTime();
        }

        Window stop() {
            return new Window(seconds(sidecarPid) - sidecar0, seconds(brokerPid) - broker0,
                    seconds(ProcessHandle.current().pid()) - bench0, (System.nanoTime() - wall0) / 1e9);
        }
    }
}
