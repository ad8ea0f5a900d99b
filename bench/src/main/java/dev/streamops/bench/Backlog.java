package dev.streamops.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** Fills a queue with numbered messages, and counts which of them arrived (each once). */
final class Backlog {
    private final AtomicIntegerArray seen;
    private final AtomicInteger distinct = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger foreign = new AtomicInteger();
    private final int size;

    Backlog(int size) {
        this.size = size;
        this.seen = new AtomicIntegerArray(size);
    }

    /** Publishes messages 0..size-1, persistent, with confirms in windows of 1,000, and checks the queue holds them all. */
    void fill(Connection connection, String queue) throws Exception {
        Channel channel = connection.createChannel();
        try {
            channel.confirmSelect();
            for (int seq = 0; seq < size; seq++) {
                channel.basicPublish("", queue, false, PublishBench.properties(), Messages.json(seq));
                if (seq % 1000 == 999) channel.waitForConfirmsOrDie(30_000);
            }
            channel.waitForConfirmsOrDie(30_000);
            long ready = channel.queueDeclarePassive(queue).getMessageCount();
            if (ready != size) {
                throw new IllegalStateException("queue " + queue + " holds " + ready + " messages after filling " + size);
            }
        } finally {
            if (channel.isOpen()) channel.close();
        }
    }

    /** Records one received message; returns how many distinct messages have arrived, or -1 for a repeat or a stranger. */
    int received(byte[] body) {
        long seq = Messages.seqOf(body);
        if (seq < 0 || seq >= size) {
            foreign.incrementAndGet();
            return -1;
        }
        if (seen.getAndSet((int) seq, 1) != 0) {
            duplicates.incrementAndGet();
            return -1;
        }
        return distinct.incrementAndGet();
    }

    int distinct() {
        return distinct.get();
    }

    int duplicates() {
        return duplicates.get();
    }

    int foreign() {
        return foreign.get();
    }

    int size() {
        return size;
    }
}
