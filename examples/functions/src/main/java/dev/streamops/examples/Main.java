package dev.streamops.examples;

import java.util.Map;

/**
 * One jar, three functions: {@code java -jar example-functions.jar source|transform|sink}.
 * Each reads the old StreamK3s companion environment and nothing else, so the same code runs
 * beside the old companion and beside the StreamOps sidecar.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            fail("usage: java -jar example-functions.jar source|transform|sink");
        }
        Map<String, String> env = System.getenv();
        try {
            FunctionEnv functionEnv = FunctionEnv.fromEnvironment(env);
            switch (args[0]) {
                case "source" -> Source.fromEnvironment(functionEnv, env).run();
                case "transform" -> new Transform(functionEnv).run();
                case "sink" -> new Sink(functionEnv).run();
                default -> fail("unknown function '" + args[0] + "': expected source, transform or sink");
            }
        } catch (IllegalArgumentException invalidConfiguration) {
            fail(invalidConfiguration.getMessage());
        }
    }

    private static void fail(String line) {
        System.err.println(line);
        System.exit(2);
    }
}
