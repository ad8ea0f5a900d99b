package dev.streamops.local.demo;

import java.nio.file.Path;
import java.util.Optional;

/** The demo's flags: {@code --messages N --rate R --duration S --refresh S --repo DIR}. */
public record DemoOptions(long messages, int rate, int durationSeconds, int refreshSeconds, Optional<Path> repo) {
    public static final String USAGE = """
            usage: localrun demo [--messages N] [--rate R] [--duration S] [--refresh S] [--repo DIR]
              --messages N   readings the source emits (default 5000; 0 = unbounded, stop by --duration or Ctrl-C)
              --rate R       readings per second (default 500; 0 = as fast as the pipeline takes them)
              --duration S   stop after S seconds at the latest (default 300)
              --refresh S    seconds between two refreshes of the live table (default 2)
              --repo DIR     the StreamOps repository (default: found upwards from the current directory)""";

    public static DemoOptions parse(String[] args) {
        long messages = 5000;
        int rate = 500;
        int duration = 300;
        int refresh = 2;
        Optional<Path> repo = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unknown argument '" + flag + "'");
            }
            String value = args[++i];
            switch (flag) {
                case "--messages" -> messages = number(flag, value, 0, Integer.MAX_VALUE);
                case "--rate" -> rate = (int) number(flag, value, 0, 1_000_000);
                case "--duration" -> duration = (int) number(flag, value, 1, 86_400);
                case "--refresh" -> refresh = (int) number(flag, value, 1, 60);
                case "--repo" -> repo = Optional.of(Path.of(value));
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'\n" + USAGE);
            }
        }
        return new DemoOptions(messages, rate, duration, refresh, repo);
    }

    private static long number(String flag, String value, long min, long max) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(flag + " " + value + " is out of range: expected " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException(flag + " '" + value + "' is not a whole number");
        }
    }
}
