package dev.streamops.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a shaded jar as its own JVM, with the flags of its Dockerfile's ENTRYPOINT and the java
 * binary that runs the benchmark (Temurin 25, the image's JRE). Extra flags (a JFR recording when
 * profiling) are appended and reported as such.
 */
record JvmLauncher(Path javaBinary, Path jar, DockerfileEntrypoint entrypoint, List<String> extraFlags) {

    JvmLauncher {
        extraFlags = List.copyOf(extraFlags);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (`make bench` runs `./mvnw -DskipTests package`)");
        }
    }

    static Path currentJava() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    JvmLauncher withExtraFlags(List<String> flags) {
        List<String> all = new ArrayList<>(extraFlags);
        all.addAll(flags);
        return new JvmLauncher(javaBinary, jar, entrypoint, all);
    }

    List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary.toString());
        command.addAll(entrypoint.jvmFlags());
        command.addAll(extraFlags);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(arguments);
        return command;
    }
}
