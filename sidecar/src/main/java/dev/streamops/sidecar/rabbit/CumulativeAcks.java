package dev.streamops.sidecar.rabbit;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Settles the deliveries of one consumer channel with as few acks as possible: one {@code basic.ack} with
 * {@code multiple=true} covers every delivery up to the highest tag below which all are done. That saves a
 * socket write per message in the sidecar and an ack frame per message in the broker.
 *
 * <p>When: {@link #flush} sends the ack at once when {@code idle} (nothing waits to be pushed, so no finished
 * message is ever left unacked while the consumer waits), otherwise once {@code batch} deliveries are waiting
 * for it, which keeps the broker's prefetch window open. Deliveries done behind one still being pushed
 * (parallel pushes) cannot be covered by a multiple ack; they are acked one by one at the same moments, so a
 * slow or retrying message never holds the others' prefetch slots and the stage keeps flowing around it.
 * A crash between a push's 2xx and its ack redelivers the message, which at-least-once delivery allows.
 *
 * <p>Deliveries are registered in the order the channel delivers them; a delivery settled otherwise (nacked
 * back to the queue) is {@link #skipped}: it no longer holds the others back, and a later multiple ack leaves
 * it alone because the broker no longer counts it as outstanding. The tag of a multiple ack is always one the
 * broker still holds: RabbitMQ closes the channel on a multiple ack whose own tag is unknown. One instance per
 * channel generation: after a channel is lost its deliveries are redelivered anyway, and acking their tags
 * would hit the wrong messages.
 */
final class CumulativeAcks {

    /** Sends {@code basic.ack(tag, multiple)}. */
    interface Sender {
        void ack(long deliveryTag, boolean multiple) throws IOException;
    }

    private final Sender sender;
    private final int batch;
    /** Delivered and not yet covered by a sent ack, in delivery order. */
    private final Deque<Long> outstanding = new ArrayDeque<>();
    /** Of those, the ones done (pushed and accepted, dead-lettered): they need an ack. */
    private final Set<Long> done = new HashSet<>();
    /** Of those, the ones nacked: settled, no ack. */
    private final Set<Long> skipped = new HashSet<>();
    /** Done deliveries that left the head of {@link #outstanding}: one multiple ack up to the last covers them. */
    private int ready;
    private long readyUpTo = -1;

    CumulativeAcks(Sender sender, int batch) {
        this.sender = sender;
        this.batch = Math.max(1, batch);
    }

    /** Registers a delivery; called in the channel's delivery order. */
    synchronized void delivered(long deliveryTag) {
        outstanding.addLast(deliveryTag);
    }

    /** The delivery is done: it will be acked by the next due flush. */
    synchronized void done(long deliveryTag) {
        done.add(deliveryTag);
        advance();
    }

    /** The delivery was settled otherwise (nacked): it no longer holds back the acks of the ones after it. */
    synchronized void skipped(long deliveryTag) {
        skipped.add(deliveryTag);
        advance();
    }

    private void advance() {
        while (!outstanding.isEmpty()) {
            Long head = outstanding.peekFirst();
            if (done.remove(head)) {
                readyUpTo = head;
                ready++;
            } else if (!skipped.remove(head)) {
                return; // Still being pushed: everything after it waits.
            }
            outstanding.pollFirst();
        }
    }

    /**
     * Sends the acks that are due, when {@code idle} or once {@code batch} finished deliveries wait for one: a
     * multiple ack up to the highest tag below which all are done, and single acks for those done behind an
     * unfinished one.
     */
    synchronized void flush(boolean idle) throws IOException {
        int waiting = ready + done.size();
        if (waiting == 0 || !idle && waiting < batch) {
            return;
        }
        if (ready > 0) {
            sender.ack(readyUpTo, true);
            ready = 0;
        }
        for (Iterator<Long> tags = outstanding.iterator(); tags.hasNext() && !done.isEmpty(); ) {
            Long tag = tags.next();
            if (done.remove(tag)) {
                sender.ack(tag, false);
                skipped.add(tag); // Settled: it no longer holds back the ones after it, and is never a multiple ack's tag.
            }
        }
    }
}
