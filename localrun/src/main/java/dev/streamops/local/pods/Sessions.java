package dev.streamops.local.pods;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts local processes in a session of their own ({@code setsid}, which execs in place, so the
 * pid stays the program's). A container is not in the terminal's process group: Ctrl-C reaches
 * the runtime, which then stops its pods in order, and never the pods directly.
 */
public final class Sessions {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Sessions() {
    }

    public static List<String> detached(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> line = new ArrayList<>();
        line.add(SETSID.toString());
        line.addAll(command);
        return line;
    }
}
