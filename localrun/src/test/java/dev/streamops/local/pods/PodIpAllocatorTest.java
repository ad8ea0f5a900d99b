package dev.streamops.local.pods;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodIpAllocatorTest {
    @Test
    void handsOutDistinctLoopbackAddressesInItsOwnNetwork() {
        PodIpAllocator ips = new PodIpAllocator(42);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            String ip = ips.allocate();
            assertThat(ip).startsWith("127.42.");
            assertThat(ip).doesNotEndWith(".0").doesNotEndWith(".255");
            assertThat(seen.add(ip)).as("unique: " + ip).isTrue();
        }
        assertThat(seen).contains("127.42.0.1", "127.42.0.254", "127.42.1.1");
        assertThat(ips.network()).isEqualTo("127.42.0.0/16");
    }

    @Test
    void reusesReleasedAddressesOnlyWhenTheFreshOnesAreGone() {
        PodIpAllocator ips = new PodIpAllocator(7);
        String first = ips.allocate();
        ips.release(first);
        assertThat(ips.allocate()).isNotEqualTo(first);
    }

    @Test
    void keepsAwayFromTheHostsOwnLoopbackNetwork() {
        assertThatThrownBy(() -> new PodIpAllocator(0)).hasMessageContaining("127.0.x.x");
        assertThatThrownBy(() -> new PodIpAllocator(256)).hasMessageContaining("1..255");
    }
}
