package dev.streamops.local.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {
    @Test
    void defaultsAndFlags() {
        assertThat(DemoOptions.parse(new String[0])).isEqualTo(new DemoOptions(5000, 500, 300, 2, Optional.empty()));
        assertThat(DemoOptions.parse(new String[]{"--messages", "0", "--rate", "0", "--duration", "30", "--refresh", "1", "--repo", "/x"}))
                .isEqualTo(new DemoOptions(0, 0, 30, 1, Optional.of(Path.of("/x"))));
    }

    @Test
    void badFlagsAreNamed() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[]{"--messages", "many"})).hasMessage("--messages 'many' is not a whole number");
        assertThatThrownBy(() -> DemoOptions.parse(new String[]{"--duration", "0"})).hasMessage("--duration 0 is out of range: expected 1..86400");
        assertThatThrownBy(() -> DemoOptions.parse(new String[]{"--rate"})).hasMessage("--rate needs a value");
        assertThatThrownBy(() -> DemoOptions.parse(new String[]{"--speed", "3"})).hasMessageStartingWith("unknown flag '--speed'");
    }
}
