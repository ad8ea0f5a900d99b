package dev.streamops.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Command-line options of {@code java -jar bench.jar}; {@code --help} lists them. */
record BenchOptions(Set<String> parts, boolean quick, boolean profile, Path root, Path outDir,
                    List<Integer> publishers, int batchSize, int pushMessages, double latencyRate,
                    Duration latencyDuration, int streamOperators, int sharedChannels,
                    long podMemoryLimitBytes) {

    static final List<String> ALL_PARTS = List.of("publish", "push", "latency", "footprint", "operator");

    static final String USAGE = """
            usage: java -jar bench/target/bench.jar [options]   (or: make bench BENCH_ARGS="...")
              --only LIST          parts to run, comma-separated: publish,push,latency,footprint,operator (default: all)
              --quick              short run (~3 min): shorter windows, 10,000-message backlog, 300 StreamOperators
              --profile            record JFR in every sidecar/operator JVM (adds -XX:StartFlightRecording; flags differ from the image)
              --root DIR           project root holding sidecar/, operator/, crds/, Dockerfile.* (default: .)
              --out DIR            where results.json, results.md, logs and recordings go (default: ROOT/target/bench)
              --publishers LIST    concurrency levels for the publish part (default: 1,16,64)
              --batch-size N       messages per batch for POST /post_messages and direct batched confirms (default: 100)
              --push-messages N    backlog measured by the push part, after 20,000 warm-up messages (default: 50000; --quick: 10000 after 5,000)
              --rate N             offered rate of the latency part, messages/s (default: 1000)
              --latency-seconds N  measured window of the latency part (default: 20; --quick: 6)
              --sops N             StreamOperators created by the operator part (default: 1000; --quick: 300)
              --shared-channels K  diagnostic in the publish part: the direct client sharing K channels like the
                                   sidecar's pool (default: 4, the sidecar's ConfirmingPublisher.CHANNELS; 0 = skip)
              --pod-memory-limit MiB  memory limit emulated with -XX:MaxRAM in the footprint part's pod variant
                                   (default: 256, the operator's default sidecar limit)
            """;

    static BenchOptions parse(String[] args) {
        Set<String> parts = new LinkedHashSet<>(ALL_PARTS);
        boolean quick = false;
        boolean profile = false;
        Path root = Path.of(".");
        Path out = null;
        List<Integer> publishers = List.of(1, 16, 64);
        int batchSize = 100;
        Integer pushMessages = null;
        double rate = 1000;
        Integer latencySeconds = null;
        Integer sops = null;
        int sharedChannels = 4;
        long podMemoryLimit = 256L * 1024 * 1024;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--profile" -> profile = true;
                case "--only" -> {
                    parts = new LinkedHashSet<>();
                    for (String part : value(args, ++i, arg).split(",")) {
                        String name = part.trim().toLowerCase(Locale.ROOT);
                        if (!ALL_PARTS.contains(name)) {
                            throw new IllegalArgumentException("--only: unknown part '" + part + "' (known: " + String.join(",", ALL_PARTS) + ")");
                        }
                        parts.add(name);
                    }
                }
                case "--root" -> root = Path.of(value(args, ++i, arg));
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--publishers" -> {
                    List<Integer> levels = new ArrayList<>();
                    for (String level : value(args, ++i, arg).split(",")) levels.add(positive(level.trim(), arg));
                    publishers = List.copyOf(levels);
                }
                case "--batch-size" -> batchSize = positive(value(args, ++i, arg), arg);
                case "--push-messages" -> pushMessages = positive(value(args, ++i, arg), arg);
                case "--rate" -> rate = positive(value(args, ++i, arg), arg);
                case "--latency-seconds" -> latencySeconds = positive(value(args, ++i, arg), arg);
                case "--sops" -> sops = positive(value(args, ++i, arg), arg);
                case "--pod-memory-limit" -> podMemoryLimit = positive(value(args, ++i, arg), arg) * 1024L * 1024;
                case "--shared-channels" -> {
                    String text = value(args, ++i, arg);
                    sharedChannels = text.equals("0") ? 0 : positive(text, arg);
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
            }
        }
        return new BenchOptions(parts, quick, profile, root, out == null ? root.resolve("target/bench") : out, publishers,
                batchSize, pushMessages != null ? pushMessages : quick ? 10_000 : 50_000, rate,
                Duration.ofSeconds(latencySeconds != null ? latencySeconds : quick ? 6 : 20),
                sops != null ? sops : quick ? 300 : 1000, sharedChannels, podMemoryLimit);
    }

    /**
     * Messages of the push backlog drained before the clock starts, so both consumers are measured warm
     * (a fresh sidecar JVM spends its first seconds JIT-compiling, as much CPU as the pushes themselves).
     */
    int pushWarmupMessages() {
        return quick ? 5_000 : 20_000;
    }

    /** Warm-up before each publish measurement window. */
    Duration publishWarmup() {
        return quick ? Duration.ofMillis(500) : Duration.ofSeconds(1);
    }

    /** Measured window of each publish run. */
    Duration publishWindow() {
        return quick ? Duration.ofMillis(1500) : Duration.ofSeconds(4);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        return args[i];
    }

    private static int positive(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value <= 0) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected a positive whole number, got '" + text + "'");
        }
    }
}
