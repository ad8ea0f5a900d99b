package dev.streamops.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerfileEntrypointTest {

    @Test
    void takesTheFlagsBetweenJavaAndJarOfTheLastEntrypoint() {
        String dockerfile = """
                FROM maven:3 AS build
                ENTRYPOINT ["mvn"]
                FROM eclipse-temurin:25-jre
                USER 10001
                ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-Xss512k", "-jar", "/app/sidecar.jar"]
                """;
        DockerfileEntrypoint entrypoint = DockerfileEntrypoint.parse(dockerfile, "Dockerfile.sidecar");
        assertThat(entrypoint.jvmFlags()).containsExactly("-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-Xss512k");
        assertThat(entrypoint.jarPath()).isEqualTo("/app/sidecar.jar");
    }

    @Test
    void acceptsNoFlagsAnAbsoluteJavaAndEscapedQuotes() {
        assertThat(DockerfileEntrypoint.parse("entrypoint [\"/opt/java/bin/java\",\"-jar\",\"/app/x.jar\"]", "f").jvmFlags()).isEmpty();
        assertThat(DockerfileEntrypoint.parse("ENTRYPOINT [\"java\", \"-Dgreeting=\\\"hi\\\"\", \"-jar\", \"/a.jar\"]", "f").jvmFlags())
                .containsExactly("-Dgreeting=\"hi\"");
    }

    @Test
    void refusesWhatItCannotRunExactly() {
        assertThatThrownBy(() -> DockerfileEntrypoint.parse("FROM x\nCMD [\"java\"]\n", "Dockerfile.sidecar"))
                .hasMessageContaining("Dockerfile.sidecar has no ENTRYPOINT");
        assertThatThrownBy(() -> DockerfileEntrypoint.parse("ENTRYPOINT java -Xmx64m -jar /app/s.jar", "D"))
                .hasMessageContaining("not in exec form");
        assertThatThrownBy(() -> DockerfileEntrypoint.parse("ENTRYPOINT [\"sh\", \"-c\", \"java -jar x\"]", "D"))
                .hasMessageContaining("does not start with java");
        assertThatThrownBy(() -> DockerfileEntrypoint.parse("ENTRYPOINT [\"java\", \"-Xmx64m\", \"-jar\"]", "D"))
                .hasMessageContaining("must end with");
        assertThatThrownBy(() -> DockerfileEntrypoint.parse("ENTRYPOINT [\"java\", \"oops\", \"-jar\", \"/a.jar\"]", "D"))
                .hasMessageContaining("non-flag word");
    }

    @Test
    void aMissingDockerfileIsAClearError() {
        assertThatThrownBy(() -> DockerfileEntrypoint.read(java.nio.file.Path.of("/nonexistent/Dockerfile.sidecar")))
                .hasMessageContaining("/nonexistent/Dockerfile.sidecar is missing");
    }
}
