package dev.streamops.local.pods;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageMapTest {
    @Test
    void parsesCommandAndArgsPerImage() {
        ImageMap map = ImageMap.parse("""
                images:
                  streamops/sidecar:0.1.0:
                    command: [java, -jar, sidecar/target/sidecar.jar]
                  streamops/example-sink:0.1.0:
                    command: [java, -jar, f.jar]
                    args: [sink]
                """, "test.yaml");
        assertThat(map.commandFor("streamops/sidecar:0.1.0")).contains(
                new ImageMap.ImageCommand(List.of("java", "-jar", "sidecar/target/sidecar.jar"), List.of()));
        assertThat(map.commandFor("streamops/example-sink:0.1.0").orElseThrow().args()).containsExactly("sink");
        assertThat(map.commandFor("nginx:latest")).isEmpty();
    }

    @Test
    void theRepositoryMapCoversTheSidecarAndTheExampleImages() {
        ImageMap map = ImageMap.load(Path.of(System.getProperty("streamops.repo", ".."), "examples/local-images.yaml"));
        assertThat(map.images()).containsKeys("streamops/sidecar:0.1.0", "streamops/example-source:0.1.0",
                "streamops/example-transform:0.1.0", "streamops/example-sink:0.1.0");
    }

    @Test
    void theSidecarRunsWithTheJvmFlagsOfItsImage() throws Exception {
        Path repo = Path.of(System.getProperty("streamops.repo", ".."));
        String entrypoint = java.nio.file.Files.readAllLines(repo.resolve("Dockerfile.sidecar")).stream()
                .filter(line -> line.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        List<String> imageFlags = java.util.Arrays.stream(entrypoint.replaceAll("^ENTRYPOINT\\s*\\[|\\]\\s*$", "").split(","))
                .map(s -> s.trim().replaceAll("^\"|\"$", "")).toList();
        List<String> localCommand = ImageMap.load(repo.resolve("examples/local-images.yaml"))
                .commandFor("streamops/sidecar:0.1.0").orElseThrow().command();
        assertThat(localCommand.subList(0, localCommand.indexOf("-jar")))
                .isEqualTo(imageFlags.subList(0, imageFlags.indexOf("-jar")));
        assertThat(localCommand.get(localCommand.indexOf("-jar") + 1)).isEqualTo("sidecar/target/sidecar.jar");
    }

    @Test
    void pullingCopiesTheFilesAnImageRunsSoRebuildsDoNotChangeRunningContainers(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path repo = java.nio.file.Files.createDirectories(tmp.resolve("repo"));
        java.nio.file.Files.createDirectories(repo.resolve("x/target"));
        java.nio.file.Files.writeString(repo.resolve("x/target/app.jar"), "v1");
        ImageMap map = ImageMap.parse("images:\n  a:1:\n    command: [java, -Xmx1m, -jar, x/target/app.jar]\n    args: [run, missing.jar]\n", "m.yaml");

        ImageMap pulled = map.pulled(repo, tmp.resolve("pulled"));
        java.nio.file.Files.writeString(repo.resolve("x/target/app.jar"), "v2");

        ImageMap.ImageCommand command = pulled.commandFor("a:1").orElseThrow();
        Path copy = tmp.resolve("pulled/x/target/app.jar");
        assertThat(command.command()).containsExactly("java", "-Xmx1m", "-jar", copy.toString());
        assertThat(command.args()).containsExactly("run", "missing.jar");
        assertThat(java.nio.file.Files.readString(copy)).isEqualTo("v1");
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> ImageMap.parse("images: {}", "m.yaml")).hasMessageContaining("m.yaml: expected a non-empty map");
        assertThatThrownBy(() -> ImageMap.parse("images:\n  a:1:\n    args: [x]\n", "m.yaml"))
                .hasMessage("m.yaml: image 'a:1' needs a non-empty list 'command'");
        assertThatThrownBy(() -> ImageMap.parse("images:\n  a:1:\n    command: java -jar x\n", "m.yaml"))
                .hasMessage("m.yaml: image 'a:1' needs a non-empty list 'command'");
        assertThatThrownBy(() -> ImageMap.parse("images: [", "m.yaml")).hasMessageStartingWith("m.yaml is not valid YAML");
    }
}
