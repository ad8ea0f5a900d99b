package dev.streamops.local.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the StreamOps repository: the directory holding examples/local-images.yaml and crds/. */
final class RepositoryRoot {
    private RepositoryRoot() {
    }

    static Path find(Optional<Path> given) {
        if (given.isPresent()) {
            Path root = given.get().toAbsolutePath().normalize();
            if (!isRoot(root)) {
                throw new IllegalArgumentException(root + " is not the StreamOps repository (no examples/local-images.yaml)");
            }
            return root;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalArgumentException("run from inside the StreamOps repository (or pass --repo DIR)");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("examples/local-images.yaml")) && Files.isDirectory(dir.resolve("crds"));
    }
}
