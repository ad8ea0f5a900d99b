package dev.streamops.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Part 3, end-to-end latency at a fixed offered rate, open loop: from a message's due send time
 * to its receipt by the consumer. StreamOps path: POST to sidecar A (OUTPUT_TOPIC=T) → quorum
 * queue T → sidecar B (INPUT_TOPIC=T, default sequential push) → POST to the function. Direct path:
 * publish with a confirm per message → same kind of queue → consumer (prefetch 10, manual ack).
 * Producer and receiver live in this JVM, so both ends read the same System.nanoTime clock.
 */
final class LatencyBench {
    static final String DIRECT_QUEUE = "bench.e2e.direct";
    static final String SIDECAR_QUEUE = "bench.e2e.sidecar";
    private static final int SENDERS = 32;

    private final BenchContext context;
    private final long brokerPid = CpuTime.brokerPid().orElse(-1);

    LatencyBench(BenchContext context) {
        this.context = context;
    }

    /** What the receiving end saw: due-time→receipt latencies of the measured messages. */
    static final class Receipts {
        private final OpenLoopSchedule schedule;
        private final long firstRecorded;
        private final Histogram latency = LatencySummary.newHistogram();
        private final AtomicIntegerArray seen;
        private final LongAdder distinct = new LongAdder();
        private final LongAdder duplicates = new LongAdder();

        Receipts(OpenLoopSchedule schedule, long firstRecorded) {
            this.schedule = schedule;
            this.firstRecorded = firstRecorded;
            this.seen = new AtomicIntegerArray((int) schedule.count());
        }

        void received(byte[] body) {
            long now = System.nanoTime();
            long seq = Messages.seqOf(body);
            if (seq < 0 || seq >= schedule.count()) return;
            if (seen.getAndSet((int) seq, 1) != 0) {
                duplicates.increment();
                return;
            }
            distinct.increment();
            if (seq >= firstRecorded) {
                synchronized (latency) {
                    latency.recordValue(Math.max(1_000, now - schedule.intendedNanos(seq)));
                }
            }
        }

        long distinct() {
            return distinct.sum();
        }

        LatencySummary summary() {
            synchronized (latency) {
                return LatencySummary.of(latency);
            }
        }
    }

    record PathResult(LatencySummary endToEnd, LatencySummary accepted, long offered, long received, long duplicates,
                      long sendErrors, String firstError, Map<String, Object> cpuCores) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("endToEndMs", summaryJson(endToEnd));
            json.put("publishAcceptedMs", summaryJson(accepted));
            json.put("offered", offered);
            json.put("received", received);
            json.put("notArrivedWithin15sAfterTheLastSend", offered - received);
            json.put("duplicates", duplicates);
            json.put("sendErrors", sendErrors);
            if (firstError != null) json.put("firstError", firstError);
            json.put("cpuCoresDuringRun", cpuCores);
            return json;
        }
    }

    PartResult run() throws Exception {
        BenchOptions options = context.options();
        Duration warmup = Duration.ofSeconds(options.quick() ? 2 : 5);
        PathResult direct;
        PathResult viaSidecars;
        try (BrokerVhost vhost = BrokerVhost.create("latency");
             Connection admin = vhost.connect("bench-latency-admin")) {
            Channel channel = admin.createChannel();
            BrokerVhost.declareTopic(channel, DIRECT_QUEUE);
            BrokerVhost.declareTopic(channel, SIDECAR_QUEUE);
            direct = runDirect(vhost, warmup);
            System.out.printf("  latency direct:   p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  (%d/%d received)%n",
                    direct.endToEnd().p50Ms(), direct.endToEnd().p99Ms(), direct.endToEnd().p999Ms(), direct.received(), direct.offered());
            viaSidecars = runThroughSidecars(vhost, warmup);
            System.out.printf("  latency sidecars: p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  (%d/%d received)%n",
                    viaSidecars.endToEnd().p50Ms(), viaSidecars.endToEnd().p99Ms(), viaSidecars.endToEnd().p999Ms(),
                    viaSidecars.received(), viaSidecars.offered());
        }
        String at = " at " + Format.number(options.latencyRate()) + " msg/s";
        List<Row> rows = new ArrayList<>();
        String loss = viaSidecars.offered() == viaSidecars.received() && direct.offered() == direct.received() ? ""
                : "not arrived 15 s after the last send (backlog, not loss): sidecars " + (viaSidecars.offered() - viaSidecars.received())
                + ", direct " + (direct.offered() - direct.received());
        rows.add(Row.of("latency", "end-to-end p50" + at, "ms", viaSidecars.endToEnd().p50Ms(), direct.endToEnd().p50Ms(), null));
        Row p99 = Row.of("latency", "end-to-end p99" + at, "ms", viaSidecars.endToEnd().p99Ms(), direct.endToEnd().p99Ms(),
                new Target.Below(20, "ms"));
        rows.add(loss.isEmpty() ? p99 : p99.withNote(loss));
        rows.add(Row.of("latency", "end-to-end p99.9" + at, "ms", viaSidecars.endToEnd().p999Ms(), direct.endToEnd().p999Ms(), null));
        rows.add(Row.of("latency", "publish accepted p50 (POST→200 vs publish→confirm)", "ms",
                viaSidecars.accepted().p50Ms(), direct.accepted().p50Ms(), null).withCompanion("≈96 ms median, and its 200 did not mean stored"));
        rows.add(Row.of("latency", "publish accepted p99 (POST→200 vs publish→confirm)", "ms",
                viaSidecars.accepted().p99Ms(), direct.accepted().p99Ms(), null));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("offeredRatePerSecond", options.latencyRate());
        details.put("measuredSeconds", options.latencyDuration().toSeconds());
        details.put("warmupSeconds", warmup.toSeconds());
        details.put("senders", SENDERS);
        details.put("latencyMeasuredFrom", "intended (scheduled) send time: open loop, coordinated omission not hidden");
        details.put("sidecars", viaSidecars.toJson());
        details.put("direct", direct.toJson());
        return new PartResult(rows, details);
    }

    private OpenLoopSchedule schedule(Duration warmup) {
        BenchOptions options = context.options();
        long count = OpenLoopSchedule.countFor(options.latencyRate(), warmup.plus(options.latencyDuration()));
        // Start a little in the future so every sender is parked and ready when the first message is due.
        return new OpenLoopSchedule(System.nanoTime() + 50_000_000L, options.latencyRate(), count);
    }

    private long firstRecorded(Duration warmup) {
        return OpenLoopSchedule.countFor(context.options().latencyRate(), warmup);
    }

    private PathResult runDirect(BrokerVhost vhost, Duration warmup) throws Exception {
        try (Connection publisherConnection = vhost.connect("bench-latency-direct-publish");
             Connection consumerConnection = vhost.connect("bench-latency-direct-consume")) {
            List<OpenLoopDriver.Sender> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                Channel channel = publisherConnection.createChannel();
                channel.confirmSelect();
                senders.add((seq, body) -> {
                    channel.basicPublish("", DIRECT_QUEUE, true, PublishBench.properties(), body);
                    channel.waitForConfirmsOrDie(5_000);
                });
            }
            OpenLoopSchedule schedule = schedule(warmup);
            Receipts receipts = new Receipts(schedule, firstRecorded(warmup));
            Channel consumer = consumerConnection.createChannel();
            consumer.basicQos(10);
            consumer.basicConsume(DIRECT_QUEUE, false, new DefaultConsumer(consumer) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws IOException {
                    receipts.received(body);
                    consumer.basicAck(envelope.getDeliveryTag(), false);
                }
            });
            CpuTime.Meter meter = CpuTime.start(-1, brokerPid);
            OpenLoopDriver.Outcome outcome = OpenLoopDriver.drive(schedule, senders, firstRecorded(warmup));
            awaitArrivals(receipts, outcome.sent());
            CpuTime.Window cpu = meter.stop();
            return new PathResult(receipts.summary(), LatencySummary.of(outcome.acceptLatencyNanos()), schedule.count(),
                    receipts.distinct(), receipts.duplicates.sum(), outcome.errors(), outcome.firstError(),
                    Map.of("broker", cpu.brokerSeconds() / cpu.wallSeconds(), "benchJvm", cpu.benchSeconds() / cpu.wallSeconds()));
        }
    }

    private PathResult runThroughSidecars(BrokerVhost vhost, Duration warmup) throws Exception {
        Receipts[] receipts = new Receipts[1];
        try (BenchFunction function = BenchFunction.start(body -> {
            Receipts current = receipts[0];
            if (current != null) current.received(body);
        });
             SidecarProcess publisher = SidecarProcess.start(context.sidecar(), "latency-sidecar-publish",
                     Map.of("RABBITMQ_URI", vhost.uri(), "OUTPUT_TOPIC", SIDECAR_QUEUE), context.logDir());
             SidecarProcess pusher = SidecarProcess.start(context.sidecar(), "latency-sidecar-push",
                     Map.of("RABBITMQ_URI", vhost.uri(), "INPUT_TOPIC", SIDECAR_QUEUE, "FUNCTION_URL", function.url(),
                             "PUSH_AUTOSTART", "false"), context.logDir())) {
            publisher.awaitReady(Duration.ofSeconds(30));
            pusher.awaitReady(Duration.ofSeconds(30));
            pusher.startPush();
            List<OpenLoopDriver.Sender> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                HttpConnection http = new HttpConnection("127.0.0.1", publisher.apiPort(), 30_000);
                senders.add(new OpenLoopDriver.Sender() {
                    public void send(long seq, byte[] body) throws Exception {
                        HttpConnection.Response response = http.post("/post_message", body);
                        if (response.status() != 200) {
                            throw new IllegalStateException("POST /post_message answered " + response.status() + ": " + response.text());
                        }
                    }

                    public void close() {
                        http.close();
                    }
                });
            }
            // The schedule starts only now, with both sidecars ready and pushing.
            OpenLoopSchedule schedule = schedule(warmup);
            receipts[0] = new Receipts(schedule, firstRecorded(warmup));
            CpuTime.Meter publisherCpu = CpuTime.start(publisher.pid(), brokerPid);
            CpuTime.Meter pusherCpu = CpuTime.start(pusher.pid(), -1);
            OpenLoopDriver.Outcome outcome = OpenLoopDriver.drive(schedule, senders, firstRecorded(warmup));
            for (OpenLoopDriver.Sender sender : senders) sender.close();
            awaitArrivals(receipts[0], outcome.sent());
            CpuTime.Window publishing = publisherCpu.stop();
            CpuTime.Window pushing = pusherCpu.stop();
            double wall = publishing.wallSeconds();
            return new PathResult(receipts[0].summary(), LatencySummary.of(outcome.acceptLatencyNanos()), schedule.count(),
                    receipts[0].distinct(), receipts[0].duplicates.sum(), outcome.errors(), outcome.firstError(),
                    Map.of("publishingSidecar", publishing.sidecarSeconds() / wall, "pushingSidecar", pushing.sidecarSeconds() / wall,
                            "broker", publishing.brokerSeconds() / wall, "benchJvm", publishing.benchSeconds() / wall));
        }
    }

    /** Waits (at most 15 s) until everything that was accepted has arrived. */
    private static void awaitArrivals(Receipts receipts, long accepted) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (receipts.distinct() < accepted && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    static Map<String, Object> summaryJson(LatencySummary summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", summary.count());
        json.put("p50", summary.p50Ms());
        json.put("p99", summary.p99Ms());
        json.put("p99.9", summary.p999Ms());
        json.put("max", summary.maxMs());
        return json;
    }
}
