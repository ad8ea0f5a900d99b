package dev.streamops.local;

import dev.streamops.local.demo.Demo;
import dev.streamops.local.demo.DemoOptions;

import java.util.Arrays;

/**
 * {@code java -jar localrun/target/localrun.jar demo [flags]}: the example pipeline on this
 * machine (see {@link Demo} and {@link DemoOptions#USAGE}). Bad flags: one line, exit 2.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("demo")) {
            System.err.println(args.length == 0 ? DemoOptions.USAGE : "unknown command '" + args[0] + "'\n" + DemoOptions.USAGE);
            System.exit(2);
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException invalid) {
            System.err.println(invalid.getMessage());
            System.exit(2);
            return;
        }
        int exit;
        try {
            exit = new Demo(options, System.out).run();
        } catch (IllegalArgumentException | IllegalStateException cannotRun) {
            System.err.println("demo: " + cannotRun.getMessage());
            exit = 1;
        } catch (Exception failure) {
            System.err.println("demo failed: " + failure);
            exit = 1;
        }
        // Halt, not exit: a Ctrl-C shutdown hook may be waiting for this very thread.
        System.out.flush();
        Runtime.getRuntime().halt(exit);
    }
}
