package dev.streamops.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 4, sidecar footprint with exactly the image's JVM flags: time from process start to
 * /readyz 200 (median of several cold starts, each a new JVM), resident memory when idle, and
 * resident memory at the end of the publish run (measured by {@link PublishBench} on its sidecar,
 * which has just carried the heaviest load of the run). Two informational variants show the
 * image's surroundings that flags alone do not carry: the AppCDS archive the image records at
 * build time (when Dockerfile.sidecar does so) and the pod's memory limit (-XX:MaxRAM emulates
 * what a container limit does to percentage-based heap flags).
 */
final class FootprintBench {
    private static final String QUEUE = "bench.footprint";

    private final BenchContext context;

    FootprintBench(BenchContext context) {
        this.context = context;
    }

    PartResult run(long rssAfterPublishBytes, long peakRssBytes, Path dockerfile) throws Exception {
        int starts = context.options().quick() ? 3 : 5;
        List<Row> rows = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        try (BrokerVhost vhost = BrokerVhost.create("footprint")) {
            Map<String, String> env = Map.of("RABBITMQ_URI", vhost.uri(), "OUTPUT_TOPIC", QUEUE);
            Starts plain = coldStarts(context.sidecar(), "footprint-sidecar", env, starts);
            long idleRss = plain.idleRssBytes();
            System.out.printf("  footprint: ready median %.0f ms (max %.0f ms over %d starts), idle RSS %.1f MiB%n",
                    plain.median(), plain.max(), starts, ProcessMemory.mebibytes(idleRss));
            rows.add(Row.of("footprint", "start → /readyz 200, median of " + starts, "ms", plain.median(), Double.NaN,
                    new Target.Below(1500, "ms")).withNote("max " + Format.number(plain.max()) + " ms; ENTRYPOINT flags only"));
            details.put("readyMillis", plain.millis());
            details.put("readyMedianMillis", plain.median());

            if (Files.readString(dockerfile).contains("SharedArchiveFile")) {
                Path archive = context.outDir().resolve("sidecar.jsa");
                Files.deleteIfExists(archive);
                recordArchive(archive, env);
                Starts withArchive = coldStarts(context.sidecar().withExtraFlags(List.of("-XX:SharedArchiveFile=" + archive)),
                        "footprint-sidecar-cds", env, starts);
                System.out.printf("  footprint: with the image's AppCDS archive: ready median %.0f ms (max %.0f ms)%n",
                        withArchive.median(), withArchive.max());
                rows.add(Row.of("footprint", "start → /readyz 200 with the image's AppCDS archive, median of " + starts, "ms",
                        withArchive.median(), Double.NaN, null)
                        .withNote("Dockerfile.sidecar adds -XX:SharedArchiveFile via JDK_JAVA_OPTIONS; archive recorded here the same way"));
                details.put("readyWithCdsArchiveMillis", withArchive.millis());
            }

            rows.add(Row.of("footprint", "RSS idle", "MiB", ProcessMemory.mebibytes(idleRss), Double.NaN, null)
                    .withCompanion("≈40 MB (Python/Flask process)"));
            Row afterPublish = Row.of("footprint", "RSS after the publish run", "MiB",
                    rssAfterPublishBytes < 0 ? Double.NaN : ProcessMemory.mebibytes(rssAfterPublishBytes), Double.NaN,
                    new Target.Below(96, "MiB"));
            rows.add(rssAfterPublishBytes < 0
                    ? new Row("footprint", "RSS after the publish run", "MiB", Double.NaN, Double.NaN, null, "",
                            "not measured: the publish part did not run (use --only publish,footprint)")
                    : afterPublish.withNote("exact ENTRYPOINT flags outside a container, so percentage heap flags see "
                    + Format.number(ProcessMemory.mebibytes(physicalMemory()) / 1024) + " GiB; peak during the run "
                    + Format.number(ProcessMemory.mebibytes(peakRssBytes)) + " MiB"));

            long limit = context.options().podMemoryLimitBytes();
            long podRss = rssAfterLoad(context.sidecar().withExtraFlags(List.of("-XX:MaxRAM=" + limit)), vhost, env);
            System.out.printf("  footprint: RSS after publish load with the pod limit emulated (-XX:MaxRAM=%d MiB): %.1f MiB%n",
                    limit / (1024 * 1024), ProcessMemory.mebibytes(podRss));
            rows.add(Row.of("footprint", "RSS after publish load, pod memory limit emulated (-XX:MaxRAM=" + (limit / (1024 * 1024)) + "m)",
                    "MiB", ProcessMemory.mebibytes(podRss), Double.NaN, null)
                    .withNote("what percentage heap flags do inside the operator's sidecar limit; " + loadDescription()));
            details.put("idleRssBytes", idleRss);
            details.put("rssAfterPublishBytes", rssAfterPublishBytes < 0 ? null : rssAfterPublishBytes);
            details.put("peakRssDuringPublishBytes", peakRssBytes < 0 ? null : peakRssBytes);
            details.put("podMemoryLimitEmulatedBytes", limit);
            details.put("rssAfterLoadWithPodLimitBytes", podRss);
            details.put("jvmFlags", context.sidecar().entrypoint().jvmFlags());
            details.put("extraFlags", context.sidecar().extraFlags());
        }
        return new PartResult(rows, details);
    }

    record Starts(List<Double> millis, long idleRssBytes) {
        double median() {
            return Rates.median(millis.stream().mapToDouble(Double::doubleValue).toArray());
        }

        double max() {
            return millis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    private Starts coldStarts(JvmLauncher launcher, String name, Map<String, String> env, int starts) throws Exception {
        List<Double> millis = new ArrayList<>();
        long idleRss = -1;
        for (int i = 0; i < starts; i++) {
            try (SidecarProcess sidecar = SidecarProcess.start(launcher, name + "-" + i, env, context.logDir())) {
                millis.add(sidecar.awaitReady(Duration.ofSeconds(30)).toNanos() / 1e6);
                if (i == starts - 1) {
                    Thread.sleep(3_000); // "idle" means after start-up, doing nothing
                    idleRss = sidecar.rssBytes();
                }
            }
        }
        return new Starts(millis, idleRss);
    }

    /** A training run like the image build's: start, get ready, SIGTERM; the JVM writes the archive at exit. */
    private void recordArchive(Path archive, Map<String, String> env) throws Exception {
        try (SidecarProcess training = SidecarProcess.start(context.sidecar().withExtraFlags(List.of("-XX:ArchiveClassesAtExit=" + archive)),
                "footprint-cds-training", env, context.logDir())) {
            training.awaitReady(Duration.ofSeconds(30));
            Thread.sleep(1_000);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the CDS training run wrote no archive at " + archive);
        }
    }

    private String loadDescription() {
        return "4 s of per-message POSTs at N=64, then 4 s of batches at N=16";
    }

    private long rssAfterLoad(JvmLauncher launcher, BrokerVhost vhost, Map<String, String> env) throws Exception {
        PublishBench publish = new PublishBench(context);
        byte[][] bodies = new byte[256][];
        for (int i = 0; i < bodies.length; i++) bodies[i] = Messages.json(i);
        byte[][] batches = new byte[16][];
        for (int i = 0; i < batches.length; i++) batches[i] = Messages.jsonArray((long) i * context.options().batchSize(), context.options().batchSize());
        try (SidecarProcess sidecar = SidecarProcess.start(launcher, "footprint-sidecar-pod-limit", env, context.logDir());
             Connection admin = vhost.connect("bench-footprint-admin")) {
            sidecar.awaitReady(Duration.ofSeconds(30));
            Channel channel = admin.createChannel();
            for (boolean batch : new boolean[]{false, true}) {
                List<ClosedLoopLoad.Worker> workers = publish.sidecarWorkers(sidecar, batch ? 16 : 64, bodies, batches, batch);
                ClosedLoopLoad.run(workers, Duration.ZERO, Duration.ofSeconds(4), -1, -1);
                for (ClosedLoopLoad.Worker worker : workers) worker.close();
                channel.queuePurge(QUEUE);
            }
            return sidecar.rssBytes();
        }
    }

    private static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }
}
