package dev.streamops.bench;

import java.nio.file.Path;

/** What every part needs: options, where to write, and how to launch the sidecar JVM like the image does. */
record BenchContext(BenchOptions options, Path outDir, Path logDir, JvmLauncher sidecar) {
}
