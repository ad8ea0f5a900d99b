package dev.streamops.sidecar.rabbit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which acks go out when, for deliveries done in and out of order. */
class CumulativeAcksTest {

    /** An ack as the broker would receive it. */
    private record Ack(long tag, boolean multiple) {
    }

    private final List<Ack> sent = new ArrayList<>();

    private CumulativeAcks acks(int batch, long... delivered) {
        CumulativeAcks acks = new CumulativeAcks((tag, multiple) -> sent.add(new Ack(tag, multiple)), batch);
        for (long tag : delivered) {
            acks.delivered(tag);
        }
        return acks;
    }

    @Test
    void whileMoreWaitsAcksGoOutOncePerBatch() throws Exception {
        CumulativeAcks acks = acks(3, 1, 2, 3, 4, 5, 6, 7);
        for (long tag = 1; tag <= 7; tag++) {
            acks.done(tag);
            acks.flush(false);
        }
        assertThat(sent).containsExactly(new Ack(3, true), new Ack(6, true));
        // The stream goes quiet: what is done is acked at once.
        acks.flush(true);
        assertThat(sent).containsExactly(new Ack(3, true), new Ack(6, true), new Ack(7, true));
        acks.flush(true);
        assertThat(sent).hasSize(3);
    }

    @Test
    void anIdleConsumerAcksEveryDoneMessageAtOnce() throws Exception {
        CumulativeAcks acks = acks(5, 1);
        acks.done(1);
        acks.flush(true);
        assertThat(sent).containsExactly(new Ack(1, true));
    }

    @Test
    void deliveriesDoneBehindOneStillBeingPushedAreAckedSinglyAndNeverWaitForIt() throws Exception {
        CumulativeAcks acks = acks(3, 1, 2, 3, 4, 5);
        acks.done(1);
        acks.done(3); // 2 is still in flight (parallel pushes)
        acks.flush(false);
        assertThat(sent).isEmpty(); // below the batch and more waits: nothing due yet
        acks.done(4);
        acks.flush(false);
        // Their prefetch slots must not stay taken while 2 is retried: 1 by a multiple ack, 3 and 4 singly.
        assertThat(sent).containsExactly(new Ack(1, true), new Ack(3, false), new Ack(4, false));
        acks.done(5);
        acks.done(2);
        acks.flush(true);
        // 2 and 5 are all that is left; 3 and 4 are settled, so the multiple ack may cover them.
        assertThat(sent).containsExactly(new Ack(1, true), new Ack(3, false), new Ack(4, false), new Ack(5, true));
    }

    @Test
    void aNackedDeliveryNoLongerHoldsBackTheOthersAndIsNeverTheTagOfAMultipleAck() throws Exception {
        CumulativeAcks acks = acks(10, 1, 2, 3);
        acks.done(1);
        acks.done(2);
        acks.skipped(3); // requeued with basic.nack: the broker no longer knows tag 3
        acks.flush(true);
        // RabbitMQ closes the channel on a multiple ack whose own tag it does not hold.
        assertThat(sent).containsExactly(new Ack(2, true));

        CumulativeAcks onlySkipped = acks(10, 7);
        onlySkipped.skipped(7);
        onlySkipped.flush(true);
        assertThat(sent).containsExactly(new Ack(2, true));
    }

    @Test
    void whenIdleEveryDoneDeliveryIsAckedEvenBehindAnUnfinishedOneAndNothingTwice() throws Exception {
        CumulativeAcks acks = acks(10, 1, 2, 3, 4, 5);
        acks.done(1);
        acks.done(3);
        acks.skipped(4);
        acks.done(5); // 2 never finishes: it returns to the queue when the channel closes
        acks.flush(true);
        assertThat(sent).containsExactly(new Ack(1, true), new Ack(3, false), new Ack(5, false));
        acks.flush(true);
        assertThat(sent).hasSize(3);
    }

    @Test
    void tagsNeedNotStartAtOne() throws Exception {
        // After automatic recovery the client's tags continue from where the lost connection stopped.
        CumulativeAcks acks = acks(2, 1001, 1002, 1003);
        acks.done(1001);
        acks.flush(false);
        assertThat(sent).isEmpty();
        acks.done(1002);
        acks.flush(false);
        assertThat(sent).containsExactly(new Ack(1002, true));
    }
}
