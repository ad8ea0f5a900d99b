package dev.streamops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 4, sidecar footprint with exactly the image's JVM flags: time from process start to
 * /readyz 200 (median of several cold starts, each a new JVM), resident memory when idle, and
 * resident memory at the end of the publish run (measured by {@link PublishBench} on its sidecar,
 * which has just carried the heaviest load of the run).
 */
final class FootprintBench {
    private final BenchContext context;

    FootprintBench(BenchContext context) {
        this.context = context;
    }

    PartResult run(long rssAfterPublishBytes, long peakRssBytes) throws Exception {
        int starts = context.options().quick() ? 3 : 5;
        List<Double> readyMillis = new ArrayList<>();
        long idleRss = -1;
        long idleHeapFlagsRss = -1;
        try (BrokerVhost vhost = BrokerVhost.create("footprint")) {
            for (int i = 0; i < starts; i++) {
                try (SidecarProcess sidecar = SidecarProcess.start(context.sidecar(), "footprint-sidecar-" + i,
                        Map.of("RABBITMQ_URI", vhost.uri(), "OUTPUT_TOPIC", "bench.footprint"),
                        context.logDir())) {
                    Duration ready = sidecar.awaitReady(Duration.ofSeconds(30));
                    readyMillis.add(ready.toNanos() / 1e6);
                    if (i == starts - 1) {
                        Thread.sleep(3_000); // let start-up garbage settle: "idle" means after start-up, doing nothing
                        idleRss = sidecar.rssBytes();
                    }
                }
            }
        }
        double[] ready = readyMillis.stream().mapToDouble(Double::doubleValue).toArray();
        double medianReady = Rates.median(ready);
        double maxReady = readyMillis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        System.out.printf("  footprint: ready median %.0f ms (max %.0f ms over %d starts), idle RSS %.1f MiB%n",
                medianReady, maxReady, starts, ProcessMemory.mebibytes(idleRss));

        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("footprint", "start → /readyz 200, median of " + starts, "ms", medianReady, Double.NaN,
                new Target.Below(1500, "ms")).withNote("max " + Format.number(maxReady) + " ms"));
        rows.add(Row.of("footprint", "RSS idle", "MiB", ProcessMemory.mebibytes(idleRss), Double.NaN, null)
                .withCompanion("≈40 MB (Python/Flask process)"));
        Row afterPublish = Row.of("footprint", "RSS after the publish run", "MiB",
                rssAfterPublishBytes < 0 ? Double.NaN : ProcessMemory.mebibytes(rssAfterPublishBytes), Double.NaN,
                new Target.Below(96, "MiB"));
        rows.add(rssAfterPublishBytes < 0 ? afterPublish.withNote("publish part not run (use --only publish,footprint)")
                : afterPublish.withNote("peak during the run " + Format.number(ProcessMemory.mebibytes(peakRssBytes)) + " MiB"));

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("readyMillis", readyMillis);
        details.put("readyMedianMillis", medianReady);
        details.put("idleRssBytes", idleRss);
        details.put("rssAfterPublishBytes", rssAfterPublishBytes < 0 ? null : rssAfterPublishBytes);
        details.put("peakRssDuringPublishBytes", peakRssBytes < 0 ? null : peakRssBytes);
        details.put("jvmFlags", context.sidecar().entrypoint().jvmFlags());
        details.put("extraFlags", context.sidecar().extraFlags());
        return new PartResult(rows, details);
    }
}
