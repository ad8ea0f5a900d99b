package dev.streamops.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Part 1, publish: N publishers that each wait for the broker's confirm of every message (or of
 * every batch), directly with the RabbitMQ Java client versus N keep-alive HTTP clients POSTing to
 * one sidecar. Same broker, vhost, queue (the sidecar's quorum queue with its exact arguments),
 * message, properties and persistence; the queue is purged between runs so no run pays for
 * another's backlog, and the order of direct and sidecar alternates per level so drift on a
 * shared machine does not favour one side. CPU of the sidecar, the broker and the load generator
 * is metered over every window.
 */
final class PublishBench {
    static final String QUEUE = "bench.publish";
    private static final int BODIES = 256;

    private final BenchContext context;
    private final long brokerPid = CpuTime.brokerPid().orElse(-1);
    private long rssAfterPublishBytes = -1;
    private long peakRssBytes = -1;

    PublishBench(BenchContext context) {
        this.context = context;
    }

    /** VmRSS of the sidecar at the end of the publish run; -1 before it ran. */
    long rssAfterPublishBytes() {
        return rssAfterPublishBytes;
    }

    long peakRssBytes() {
        return peakRssBytes;
    }

    PartResult run() throws Exception {
        BenchOptions options = context.options();
        List<Row> rows = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        byte[][] bodies = new byte[BODIES][];
        for (int i = 0; i < BODIES; i++) bodies[i] = Messages.json(i);
        byte[][] batches = new byte[16][];
        for (int i = 0; i < batches.length; i++) batches[i] = Messages.jsonArray((long) i * options.batchSize(), options.batchSize());

        details.put("loadGeneratorCeiling", loadGeneratorCeiling(bodies, rows));

        try (BrokerVhost vhost = BrokerVhost.create("publish");
             Connection admin = vhost.connect("bench-publish-admin")) {
            Channel adminChannel = admin.createChannel();
            BrokerVhost.declareTopic(adminChannel, QUEUE);
            try (SidecarProcess sidecar = SidecarProcess.start(context.sidecar(), "publish-sidecar",
                    Map.of("RABBITMQ_URI", vhost.uri(), "OUTPUT_TOPIC", QUEUE), context.logDir());
                 Connection direct = vhost.connect("bench-publish-direct")) {
                sidecar.awaitReady(java.time.Duration.ofSeconds(30));
                // Warm the sidecar's JIT before anything is measured; the direct client warms in the bench JVM the same way.
                measure(sidecarWorkers(sidecar, 16, bodies, batches, true), -1, adminChannel);
                measure(sidecarWorkers(sidecar, 16, bodies, batches, false), -1, adminChannel);
                measure(directWorkers(direct, 16, bodies, false), -1, adminChannel);

                List<Map<String, Object>> runs = new ArrayList<>();
                int order = 0;
                for (boolean batch : new boolean[]{false, true}) {
                    for (int n : options.publishers()) {
                        ClosedLoopLoad.Outcome viaDirect;
                        ClosedLoopLoad.Outcome viaSidecar;
                        if (order++ % 2 == 0) {
                            viaDirect = measure(directWorkers(direct, n, bodies, batch), -1, adminChannel);
                            viaSidecar = measure(sidecarWorkers(sidecar, n, bodies, batches, batch), sidecar.pid(), adminChannel);
                        } else {
                            viaSidecar = measure(sidecarWorkers(sidecar, n, bodies, batches, batch), sidecar.pid(), adminChannel);
                            viaDirect = measure(directWorkers(direct, n, bodies, batch), -1, adminChannel);
                        }
                        String metric = (batch ? "batch of " + options.batchSize() + ", " : "per-message confirm, ") + "N=" + n;
                        Target target = n >= 16 ? new Target.AtLeastRatio(0.8) : null;
                        Row row = Row.of("publish", metric, "msg/s", viaSidecar.perSecond(), viaDirect.perSecond(), target);
                        if (!batch && n == 1) row = row.withCompanion("≈80 msg/s (new connection per message, no confirms)");
                        String errors = errorNote(viaSidecar, "sidecar") + errorNote(viaDirect, "direct");
                        double cpuBound = CpuTime.Window.cpuBoundRatio(viaSidecar.cpu(), viaSidecar.messages(), viaDirect.cpu(), viaDirect.messages());
                        String cpu = "CPU µs/msg: sidecar " + Format.number(micros(viaSidecar.cpu().sidecarSeconds(), viaSidecar))
                                + ", broker " + Format.number(micros(viaSidecar.cpu().brokerSeconds(), viaSidecar))
                                + ", all " + Format.number(micros(viaSidecar.cpu().totalSeconds(), viaSidecar))
                                + " vs direct all " + Format.number(micros(viaDirect.cpu().totalSeconds(), viaDirect))
                                + " → CPU-bound ratio " + Format.ratio(cpuBound);
                        rows.add(row.withNote((errors + cpu).strip()));
                        Map<String, Object> run = new LinkedHashMap<>();
                        run.put("mode", batch ? "batch" : "single");
                        run.put("publishers", n);
                        run.put("sidecar", outcomeJson(viaSidecar));
                        run.put("direct", outcomeJson(viaDirect));
                        run.put("ratio", row.ratio());
                        run.put("ratioIfCpuBound", cpuBound);
                        if (!batch && n >= 16 && options.sharedChannels() > 0) {
                            // Diagnostic: the direct client with the sidecar's channel pool size, to split
                            // a broker per-channel limit from the sidecar's HTTP overhead.
                            ClosedLoopLoad.Outcome shared = measure(sharedChannelWorkers(direct, n, options.sharedChannels(), bodies), -1, adminChannel);
                            run.put("directSharingChannels", Map.of("channels", options.sharedChannels(), "result", outcomeJson(shared)));
                            rows.add(Row.of("publish", "diagnostic: direct, N=" + n + " sharing " + options.sharedChannels() + " channels", "msg/s",
                                    shared.perSecond(), viaDirect.perSecond(), null)
                                    .withNote("direct client with the sidecar's channel pool size (ConfirmingPublisher.CHANNELS)"));
                            System.out.printf("  publish %-32s direct sharing %d channels %,10.0f msg/s%n", metric,
                                    options.sharedChannels(), shared.perSecond());
                        }
                        runs.add(run);
                        System.out.printf("  publish %-32s sidecar %,10.0f msg/s   direct %,10.0f msg/s   ratio %.2f   %s%n",
                                metric, viaSidecar.perSecond(), viaDirect.perSecond(), row.ratio(), cpu);
                    }
                }
                rssAfterPublishBytes = sidecar.rssBytes();
                peakRssBytes = ProcessMemory.peakRssBytes(sidecar.pid());
                details.put("runs", runs);
                details.put("sidecarRssAfterPublishBytes", rssAfterPublishBytes);
                details.put("sidecarPeakRssBytes", peakRssBytes);
                details.put("windowSeconds", options.publishWindow().toMillis() / 1000.0);
                details.put("warmupSeconds", options.publishWarmup().toMillis() / 1000.0);
                details.put("messageBytes", Messages.SIZE);
                details.put("batchSize", options.batchSize());
            }
        }
        return new PartResult(rows, details);
    }

    private static double micros(double cpuSeconds, ClosedLoopLoad.Outcome outcome) {
        return CpuTime.Window.microsPerMessage(cpuSeconds, outcome.messages());
    }

    private ClosedLoopLoad.Outcome measure(List<? extends ClosedLoopLoad.Worker> workers, long sidecarPid, Channel admin) throws Exception {
        try {
            return ClosedLoopLoad.run(workers, context.options().publishWarmup(), context.options().publishWindow(), sidecarPid, brokerPid);
        } finally {
            for (ClosedLoopLoad.Worker worker : workers) worker.close();
            admin.queuePurge(QUEUE);
        }
    }

    /** The HTTP load generator against a server that does nothing: the most it can measure. */
    private Map<String, Object> loadGeneratorCeiling(byte[][] bodies, List<Row> rows) throws Exception {
        Map<String, Object> ceiling = new LinkedHashMap<>();
        try (BenchFunction nullServer = BenchFunction.start(body -> { })) {
            int n = context.options().publishers().stream().mapToInt(Integer::intValue).max().orElse(16);
            for (int level : List.of(16, n).stream().distinct().toList()) {
                List<ClosedLoopLoad.Worker> workers = new ArrayList<>();
                for (int i = 0; i < level; i++) {
                    HttpConnection http = new HttpConnection("127.0.0.1", nullServer.port(), 30_000);
                    int offset = i;
                    workers.add(new ClosedLoopLoad.Worker() {
                        int next = offset;

                        public int sendOnce() throws Exception {
                            return http.post("/post_message", bodies[next++ & (BODIES - 1)]).status() == 200 ? 1 : 0;
                        }

                        public void close() {
                            http.close();
                        }
                    });
                }
                ClosedLoopLoad.Outcome outcome = ClosedLoopLoad.run(workers, context.options().publishWarmup(),
                        context.options().publishWindow(), -1, -1);
                for (ClosedLoopLoad.Worker worker : workers) worker.close();
                double benchMicros = micros(outcome.cpu().benchSeconds(), outcome);
                ceiling.put("N=" + level, Map.of("requestsPerSecond", outcome.perSecond(), "cpuMicrosPerRequestClientAndServer", benchMicros));
                rows.add(Row.of("harness", "HTTP load generator → null server, N=" + level, "req/s", outcome.perSecond(), Double.NaN, null)
                        .withNote("the load generator's ceiling (client + null server in one JVM: " + Format.number(benchMicros)
                                + " µs CPU per request); sidecar figures far below it are not limited by it"));
                System.out.printf("  harness: load generator → null server, N=%d: %,.0f req/s (%.1f µs CPU/request)%n",
                        level, outcome.perSecond(), benchMicros);
            }
        }
        return ceiling;
    }

    List<ClosedLoopLoad.Worker> sidecarWorkers(SidecarProcess sidecar, int n, byte[][] bodies, byte[][] batches, boolean batch) {
        int batchSize = context.options().batchSize();
        List<ClosedLoopLoad.Worker> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpConnection http = new HttpConnection("127.0.0.1", sidecar.apiPort(), 30_000);
            int offset = i;
            workers.add(new ClosedLoopLoad.Worker() {
                int next = offset;

                public int sendOnce() throws Exception {
                    if (batch) {
                        HttpConnection.Response response = http.post("/post_messages", batches[next++ & (batches.length - 1)]);
                        if (response.status() != 200) throw new IllegalStateException("POST /post_messages answered " + response.status() + ": " + response.text());
                        return batchSize;
                    }
                    HttpConnection.Response response = http.post("/post_message", bodies[next++ & (BODIES - 1)]);
                    if (response.status() != 200) throw new IllegalStateException("POST /post_message answered " + response.status() + ": " + response.text());
                    return 1;
                }

                public void close() {
                    http.close();
                }
            });
        }
        return workers;
    }

    /** N publishers, each on its own confirm channel, each waiting for its confirm: the plain direct client. */
    private List<ClosedLoopLoad.Worker> directWorkers(Connection connection, int n, byte[][] bodies, boolean batch) throws Exception {
        int batchSize = context.options().batchSize();
        List<ClosedLoopLoad.Worker> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            int offset = i;
            workers.add(new ClosedLoopLoad.Worker() {
                int next = offset;

                public int sendOnce() throws Exception {
                    int count = batch ? batchSize : 1;
                    for (int m = 0; m < count; m++) {
                        channel.basicPublish("", QUEUE, true, properties(), bodies[next++ & (BODIES - 1)]);
                    }
                    channel.waitForConfirmsOrDie(5_000);
                    return count;
                }

                public void close() throws Exception {
                    if (channel.isOpen()) channel.close();
                }
            });
        }
        return workers;
    }

    /**
     * N publishers sharing {@code channels} confirm channels, each waiting for its own message's
     * confirm through a listener (the sidecar's scheme, without HTTP).
     */
    private List<ClosedLoopLoad.Worker> sharedChannelWorkers(Connection connection, int n, int channels, byte[][] bodies) throws Exception {
        List<Channel> pool = new ArrayList<>();
        List<NavigableMap<Long, CompletableFuture<Void>>> pending = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            NavigableMap<Long, CompletableFuture<Void>> waiting = new ConcurrentSkipListMap<>();
            channel.addConfirmListener((tag, multiple) -> settle(waiting, tag, multiple, true),
                    (tag, multiple) -> settle(waiting, tag, multiple, false));
            pool.add(channel);
            pending.add(waiting);
        }
        List<ClosedLoopLoad.Worker> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Channel channel = pool.get(i % channels);
            NavigableMap<Long, CompletableFuture<Void>> waiting = pending.get(i % channels);
            int offset = i;
            boolean owner = i < channels;
            workers.add(new ClosedLoopLoad.Worker() {
                int next = offset;

                public int sendOnce() throws Exception {
                    CompletableFuture<Void> confirmed = new CompletableFuture<>();
                    synchronized (channel) {
                        waiting.put(channel.getNextPublishSeqNo(), confirmed);
                        channel.basicPublish("", QUEUE, true, properties(), bodies[next++ & (BODIES - 1)]);
                    }
                    confirmed.get(5, TimeUnit.SECONDS);
                    return 1;
                }

                public void close() throws Exception {
                    if (owner && channel.isOpen()) channel.close();
                }
            });
        }
        return workers;
    }

    private static void settle(NavigableMap<Long, CompletableFuture<Void>> waiting, long tag, boolean multiple, boolean ack) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        if (multiple) {
            NavigableMap<Long, CompletableFuture<Void>> head = waiting.headMap(tag, true);
            done.addAll(head.values());
            head.clear();
        } else {
            CompletableFuture<Void> one = waiting.remove(tag);
            if (one != null) done.add(one);
        }
        for (CompletableFuture<Void> future : done) {
            if (ack) future.complete(null);
            else future.completeExceptionally(new IllegalStateException("nack"));
        }
    }

    /** What the sidecar puts on each message, so both sides send the same bytes to the broker. */
    static AMQP.BasicProperties properties() {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType("application/json")
                .messageId(UUID.randomUUID().toString())
                .timestamp(new Date())
                .headers(Map.of("streamops-pod", "publish-direct", "streamops-namespace", "bench"))
                .build();
    }

    private static String errorNote(ClosedLoopLoad.Outcome outcome, String side) {
        return outcome.errors() == 0 ? "" : side + ": " + outcome.errors() + " failed requests (first: " + outcome.firstError() + "); ";
    }

    static Map<String, Object> outcomeJson(ClosedLoopLoad.Outcome outcome) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("messagesPerSecond", outcome.perSecond());
        json.put("messages", outcome.messages());
        json.put("seconds", outcome.nanos() / 1e9);
        json.put("errors", outcome.errors());
        if (outcome.firstError() != null) json.put("firstError", outcome.firstError());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("sidecarMicrosPerMessage", micros(outcome.cpu().sidecarSeconds(), outcome));
        cpu.put("brokerMicrosPerMessage", micros(outcome.cpu().brokerSeconds(), outcome));
        cpu.put("benchJvmMicrosPerMessage", micros(outcome.cpu().benchSeconds(), outcome));
        cpu.put("allMeasuredMicrosPerMessage", micros(outcome.cpu().totalSeconds(), outcome));
        cpu.put("sidecarCores", outcome.cpu().sidecarSeconds() / outcome.cpu().wallSeconds());
        cpu.put("brokerCores", outcome.cpu().brokerSeconds() / outcome.cpu().wallSeconds());
        cpu.put("benchJvmCores", outcome.cpu().benchSeconds() / outcome.cpu().wallSeconds());
        json.put("cpu", cpu);
        return json;
    }
}
