package dev.streamops.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenLoopScheduleTest {

    @Test
    void messagesAreDueAtFixedIntervalsFromTheStart() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(5_000_000L, 1000, 3);
        assertThat(schedule.intendedNanos(0)).isEqualTo(5_000_000L);
        assertThat(schedule.intendedNanos(1)).isEqualTo(6_000_000L);
        assertThat(schedule.intendedNanos(2)).isEqualTo(7_000_000L);
        assertThatThrownBy(() -> schedule.intendedNanos(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void dueTimesDoNotDriftForRatesThatDoNotDivideASecond() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 3, 301);
        assertThat(schedule.intendedNanos(300)).isEqualTo(100_000_000_000L);
        assertThat(schedule.intendedNanos(1)).isEqualTo(333_333_333L);
    }

    @Test
    void countCoversTheDuration() {
        assertThat(OpenLoopSchedule.countFor(1000, Duration.ofSeconds(20))).isEqualTo(20_000);
        assertThat(OpenLoopSchedule.countFor(1000, Duration.ofMillis(2_500))).isEqualTo(2_500);
    }

    @Test
    void concurrentSendersClaimEveryMessageExactlyOnce() throws InterruptedException {
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 1000, 10_000);
        List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            senders.add(Thread.ofPlatform().start(() -> {
                long index;
                while ((index = schedule.claim()) >= 0) claimed.add(index);
            }));
        }
        for (Thread sender : senders) sender.join();
        assertThat(claimed).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(schedule.claim()).isEqualTo(-1);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> new OpenLoopSchedule(0, 0, 1)).hasMessageContaining("rate must be positive");
    }
}
