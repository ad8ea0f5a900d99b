package dev.streamops.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Part 1, publish: N publishers that each wait for the broker's confirm of every message (or of
 * every batch), directly with the RabbitMQ Java client versus N keep-alive HTTP clients POSTing to
 * one sidecar. Same broker, vhost, queue (the sidecar's quorum queue with its exact arguments),
 * message and persistence; the queue is purged between runs so no run pays for another's backlog,
 * and the order of direct and sidecar alternates per level so drift on a shared machine does not
 * favour one side.
 */
final class PublishBench {
    static final String QUEUE = "bench.publish";
    private static final int BODIES = 256;

    private final BenchContext context;
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
                ClosedLoopLoad.run(sidecarWorkers(sidecar, 16, bodies, batches, false), options.publishWarmup(), options.publishWindow());
                ClosedLoopLoad.run(directWorkers(direct, 16, bodies, false), options.publishWarmup(), options.publishWindow());
                adminChannel.queuePurge(QUEUE);

                List<Map<String, Object>> runs = new ArrayList<>();
                int order = 0;
                for (boolean batch : new boolean[]{false, true}) {
                    for (int n : options.publishers()) {
                        ClosedLoopLoad.Outcome viaDirect;
                        ClosedLoopLoad.Outcome viaSidecar;
                        if (order++ % 2 == 0) {
                            viaDirect = measure(directWorkers(direct, n, bodies, batch), adminChannel);
                            viaSidecar = measure(sidecarWorkers(sidecar, n, bodies, batches, batch), adminChannel);
                        } else {
                            viaSidecar = measure(sidecarWorkers(sidecar, n, bodies, batches, batch), adminChannel);
                            viaDirect = measure(directWorkers(direct, n, bodies, batch), adminChannel);
                        }
                        String metric = (batch ? "batch of " + options.batchSize() + ", " : "per-message confirm, ") + "N=" + n;
                        Target target = n >= 16 ? new Target.AtLeastRatio(0.8) : null;
                        Row row = Row.of("publish", metric, "msg/s", viaSidecar.perSecond(), viaDirect.perSecond(), target);
                        if (!batch && n == 1) row = row.withCompanion("≈80 msg/s (new connection per message, no confirms)");
                        String errors = errorNote(viaSidecar, "sidecar") + errorNote(viaDirect, "direct");
                        if (!errors.isEmpty()) row = row.withNote(errors.strip());
                        rows.add(row);
                        runs.add(Map.of("mode", batch ? "batch" : "single", "publishers", n,
                                "sidecar", outcomeJson(viaSidecar), "direct", outcomeJson(viaDirect)));
                        System.out.printf("  publish %-32s sidecar %,10.0f msg/s   direct %,10.0f msg/s   ratio %.2f%n",
                                metric, viaSidecar.perSecond(), viaDirect.perSecond(), row.ratio());
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
            }
        }
        return new PartResult(rows, details);
    }

    private ClosedLoopLoad.Outcome measure(List<? extends ClosedLoopLoad.Worker> workers, Channel admin) throws Exception {
        try {
            return ClosedLoopLoad.run(workers, context.options().publishWarmup(), context.options().publishWindow());
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
                ClosedLoopLoad.Outcome outcome = ClosedLoopLoad.run(workers, context.options().publishWarmup(), context.options().publishWindow());
                for (ClosedLoopLoad.Worker worker : workers) worker.close();
                ceiling.put("N=" + level, outcome.perSecond());
                rows.add(Row.of("harness", "HTTP load generator → null server, N=" + level, "req/s", outcome.perSecond(), Double.NaN, null)
                        .withNote("ceiling of the load generator itself; sidecar figures far below it are not limited by it"));
                System.out.printf("  harness: load generator → null server, N=%d: %,.0f req/s%n", level, outcome.perSecond());
            }
        }
        return ceiling;
    }

    private List<ClosedLoopLoad.Worker> sidecarWorkers(SidecarProcess sidecar, int n, byte[][] bodies, byte[][] batches, boolean batch) {
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
                        channel.basicPublish("", QUEUE, false, properties(), bodies[next++ & (BODIES - 1)]);
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

    /** What the sidecar puts on each message, so both sides send the same bytes to the broker. */
    static AMQP.BasicProperties properties() {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType("application/json")
                .messageId(UUID.randomUUID().toString())
                .timestamp(new Date())
                .headers(Map.of("pod", "publish-direct", "namespace", "bench"))
                .build();
    }

    private static String errorNote(ClosedLoopLoad.Outcome outcome, String side) {
        return outcome.errors() == 0 ? "" : side + ": " + outcome.errors() + " failed requests (first: " + outcome.firstError() + ") ";
    }

    static Map<String, Object> outcomeJson(ClosedLoopLoad.Outcome outcome) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("messagesPerSecond", outcome.perSecond());
        json.put("messages", outcome.messages());
        json.put("seconds", outcome.nanos() / 1e9);
        json.put("errors", outcome.errors());
        if (outcome.firstError() != null) json.put("firstError", outcome.firstError());
        return json;
    }
}
