package dev.streamops.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Part 2, push: drain the same backlog with a direct consumer (prefetch 10, one manual ack per message,
 * acked as soon as it arrives) and through a sidecar that POSTs every message to the minimal function and
 * acks on its 200, sequentially (PUSH_CONCURRENCY=1) and in parallel (PUSH_CONCURRENCY=10). The backlog is
 * a warm-up share (20,000) plus the measured messages (default 50,000): the clock starts when the last
 * warm-up message reaches the consumer and stops when the last of the backlog does, so neither side is
 * timed while its JIT is still compiling.
 */
final class PushBench {
    static final String QUEUE = "bench.push";

    private final BenchContext context;
    private final long brokerPid = CpuTime.brokerPid().orElse(-1);

    PushBench(BenchContext context) {
        this.context = context;
    }

    PartResult run() throws Exception {
        int measured = context.options().pushMessages();
        int warmup = context.options().pushWarmupMessages();
        int total = warmup + measured;
        Duration timeout = Duration.ofSeconds(context.options().quick() ? 90 : 240);
        List<Row> rows = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        try (BrokerVhost vhost = BrokerVhost.create("push");
             Connection connection = vhost.connect("bench-push")) {
            Channel admin = connection.createChannel();
            BrokerVhost.declareTopic(admin, QUEUE);
            for (int concurrency : new int[]{1, 10}) {
                Backlog directBacklog = new Backlog(total);
                directBacklog.fill(connection, QUEUE);
                Drain direct = drainDirect(connection, directBacklog, new DrainClock(warmup, total), timeout);
                admin.queuePurge(QUEUE);

                Backlog sidecarBacklog = new Backlog(total);
                sidecarBacklog.fill(connection, QUEUE);
                Drain viaSidecar = drainThroughSidecar(vhost, sidecarBacklog, new DrainClock(warmup, total), concurrency, timeout);
                admin.queuePurge(QUEUE);

                String mode = concurrency == 1 ? "sequential (PUSH_CONCURRENCY=1)" : "parallel (PUSH_CONCURRENCY=" + concurrency + ")";
                Row row = Row.of("push", "drain " + measured + ", " + mode, "msg/s", viaSidecar.perSecond(), direct.perSecond(),
                        new Target.AtLeastRatio(0.8));
                if (concurrency == 1) row = row.withCompanion("≈250 msg/s (new HTTP connection per message)");
                double cpuBound = CpuTime.Window.cpuBoundRatio(viaSidecar.cpu(), viaSidecar.delivered(), direct.cpu(), direct.delivered());
                String notes = viaSidecar.note("sidecar") + direct.note("direct")
                        + "CPU µs/msg: sidecar " + Format.number(CpuTime.Window.microsPerMessage(viaSidecar.cpu().sidecarSeconds(), viaSidecar.delivered()))
                        + ", broker " + Format.number(CpuTime.Window.microsPerMessage(viaSidecar.cpu().brokerSeconds(), viaSidecar.delivered()))
                        + ", all " + Format.number(CpuTime.Window.microsPerMessage(viaSidecar.cpu().totalSeconds(), viaSidecar.delivered()))
                        + " vs direct all " + Format.number(CpuTime.Window.microsPerMessage(direct.cpu().totalSeconds(), direct.delivered()))
                        + " → CPU-bound ratio " + Format.ratio(cpuBound);
                row = row.withNote(notes.strip());
                rows.add(row);
                runs.add(Map.of("pushConcurrency", concurrency, "sidecar", viaSidecar.toJson(), "direct", direct.toJson(),
                        "ratio", row.ratio(), "ratioIfCpuBound", cpuBound));
                System.out.printf("  push %-40s sidecar %,10.0f msg/s   direct %,10.0f msg/s   ratio %.2f   %s%n",
                        mode, viaSidecar.perSecond(), direct.perSecond(), row.ratio(), row.note());
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backlog", total);
        details.put("warmupMessages", warmup);
        details.put("measuredMessages", measured);
        details.put("clock", "from the arrival of the last warm-up message to the arrival of the last message of the backlog");
        details.put("prefetch", 10);
        details.put("runs", runs);
        return new PartResult(rows, details);
    }

    /**
     * The clock of one drain: it starts when the first {@code warmup} messages of the backlog have arrived (the
     * consumer is warm and at full speed) and stops when all {@code total} have; CPU is metered in between.
     */
    static final class DrainClock {
        private final int warmup;
        private final int total;
        private final CountDownLatch warm = new CountDownLatch(1);
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile long warmAt;
        private volatile long endAt;

        DrainClock(int warmup, int total) {
            this.warmup = warmup;
            this.total = total;
        }

        /** Called with the distinct count after each arrival (-1 for repeats). */
        void arrived(int distinct) {
            if (distinct == warmup) {
                warmAt = System.nanoTime();
                warm.countDown();
            }
            if (distinct == total) {
                endAt = System.nanoTime();
                done.countDown();
            }
        }

        int measuredMessages() {
            return total - warmup;
        }

        /** Waits for the warm-up share, meters the rest; the drain result, complete or timed out. */
        Drain measure(Backlog backlog, Duration timeout, Supplier<CpuTime.Meter> meterAtWarm) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!warm.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Drain(0, timeout.toNanos(), backlog.duplicates(), backlog.foreign(), false, CpuTime.Window.NONE);
            }
            CpuTime.Meter meter = meterAtWarm.get();
            boolean complete = done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long elapsed = (complete ? endAt : System.nanoTime()) - warmAt;
            CpuTime.Window cpu = meter.stop();
            int delivered = complete ? measuredMessages() : Math.max(0, backlog.distinct() - warmup);
            return new Drain(delivered, elapsed, backlog.duplicates(), backlog.foreign(), complete, cpu);
        }
    }

    record Drain(int delivered, long nanos, int duplicates, int foreign, boolean complete, CpuTime.Window cpu) {
        double perSecond() {
            return Rates.perSecond(delivered, nanos);
        }

        String note(String side) {
            String note = complete ? "" : side + ": timed out after " + delivered + " messages; ";
            if (duplicates > 0) note += side + ": " + duplicates + " redelivered; ";
            if (foreign > 0) note += side + ": " + foreign + " unexpected bodies; ";
            return note;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("messagesPerSecond", perSecond());
            json.put("delivered", delivered);
            json.put("seconds", nanos / 1e9);
            json.put("duplicates", duplicates);
            json.put("complete", complete);
            json.put("sidecarCpuMicrosPerMessage", CpuTime.Window.microsPerMessage(cpu.sidecarSeconds(), delivered));
            json.put("brokerCpuMicrosPerMessage", CpuTime.Window.microsPerMessage(cpu.brokerSeconds(), delivered));
            json.put("benchJvmCpuMicrosPerMessage", CpuTime.Window.microsPerMessage(cpu.benchSeconds(), delivered));
            return json;
        }
    }

    private Drain drainDirect(Connection connection, Backlog backlog, DrainClock clock, Duration timeout) throws Exception {
        Channel channel = connection.createChannel();
        channel.basicQos(10);
        String tag = channel.basicConsume(QUEUE, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                clock.arrived(backlog.received(body));
                channel.basicAck(envelope.getDeliveryTag(), false);
            }
        });
        Drain drain = clock.measure(backlog, timeout, () -> CpuTime.start(-1, brokerPid));
        channel.basicCancel(tag);
        channel.close();
        return drain;
    }

    private Drain drainThroughSidecar(BrokerVhost vhost, Backlog backlog, DrainClock clock, int concurrency, Duration timeout) throws Exception {
        try (BenchFunction function = BenchFunction.start(body -> clock.arrived(backlog.received(body)));
             SidecarProcess sidecar = SidecarProcess.start(context.sidecar(), "push-sidecar-c" + concurrency, Map.of(
                     "RABBITMQ_URI", vhost.uri(),
                     "INPUT_TOPIC", QUEUE,
                     "FUNCTION_URL", function.url(),
                     "PREFETCH", "10",
                     "PUSH_CONCURRENCY", Integer.toString(concurrency),
                     "PUSH_AUTOSTART", "false"), context.logDir())) {
            sidecar.awaitReady(Duration.ofSeconds(30));
            sidecar.startPush();
            return clock.measure(backlog, timeout, () -> CpuTime.start(sidecar.pid(), brokerPid));
        }
    }
}
