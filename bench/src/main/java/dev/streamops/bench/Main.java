package dev.streamops.bench;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code make bench}: measures the sidecar and the operator against the clients they wrap, in one
 * run, and prints a table (also written as JSON and Markdown under target/bench/). See bench/README.md.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (List.of(args).contains("--help")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        try {
            System.exit(run(options, args));
        } catch (IllegalStateException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static int run(BenchOptions options, String[] args) throws Exception {
        long started = System.nanoTime();
        Path root = options.root().toAbsolutePath().normalize();
        Path out = options.outDir().toAbsolutePath().normalize();
        Path logs = out.resolve("logs");
        Files.createDirectories(logs);

        List<String> profileFlags = new ArrayList<>();
        if (options.profile()) {
            Files.createDirectories(out.resolve("jfr"));
            profileFlags.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + out.resolve("jfr") + "/");
        }
        JvmLauncher sidecar = null;
        boolean needsSidecar = options.parts().stream().anyMatch(p -> !p.equals("operator"));
        if (needsSidecar) {
            DockerfileEntrypoint entrypoint = DockerfileEntrypoint.read(root.resolve("Dockerfile.sidecar"));
            sidecar = new JvmLauncher(JvmLauncher.currentJava(), root.resolve("sidecar/target/sidecar.jar"), entrypoint, profileFlags);
        }
        Machine machine = Machine.describe(rabbitmqVersion());
        LatencySummary fsync = DiskSync.probe(out, 200);
        String command = "java -jar bench/target/bench.jar" + (args.length == 0 ? "" : " " + String.join(" ", args));
        System.out.println("StreamOps benchmark — " + command);
        System.out.println("machine: " + machine.oneLine());
        System.out.printf("disk: synchronous 4 KiB write p50 %.2f ms, p99 %.2f ms (the floor under every quorum-queue confirm)%n",
                fsync.p50Ms(), fsync.p99Ms());
        if (sidecar != null) {
            System.out.println("sidecar JVM flags (from Dockerfile.sidecar ENTRYPOINT): " + String.join(" ", sidecar.entrypoint().jvmFlags())
                    + (profileFlags.isEmpty() ? "" : "  + profiling: " + String.join(" ", profileFlags)));
        }
        BenchContext context = new BenchContext(options, out, logs, sidecar);

        List<Row> rows = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        PublishBench publish = new PublishBench(context);
        for (String part : options.parts()) {
            System.out.println("== " + part);
            long partStarted = System.nanoTime();
            try {
                PartResult result = switch (part) {
                    case "publish" -> publish.run();
                    case "push" -> new PushBench(context).run();
                    case "latency" -> new LatencyBench(context).run();
                    case "footprint" -> new FootprintBench(context).run(publish.rssAfterPublishBytes(), publish.peakRssBytes(),
                            root.resolve("Dockerfile.sidecar"));
                    case "operator" -> new OperatorScaleBench(context, root, profileFlags).run();
                    default -> throw new IllegalStateException("unknown part " + part);
                };
                rows.addAll(result.rows());
                Map<String, Object> partDetails = new LinkedHashMap<>(result.details());
                partDetails.put("partSeconds", (System.nanoTime() - partStarted) / 1e9);
                details.put(part, partDetails);
            } catch (Exception e) {
                String message = part + " failed: " + e.getMessage();
                System.err.println("bench: " + message);
                e.printStackTrace();
                failures.add(message);
                rows.add(new Row(part, "part failed", "", Double.NaN, Double.NaN, new Target.AtLeastRatio(1), "",
                        String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
            }
        }

        double seconds = (System.nanoTime() - started) / 1e9;
        String table = ResultTable.text(rows);
        System.out.println();
        System.out.println("Results (" + command + ", " + Format.number(seconds) + " s)");
        System.out.println("machine: " + machine.oneLine());
        System.out.printf("disk: synchronous 4 KiB write p50 %.2f ms, p99 %.2f ms; load average now %.2f%n", fsync.p50Ms(), fsync.p99Ms(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.print(table);
        System.out.println("The old companion column is quoted from ../shared/companion-contract.md, not measured in this run.");

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("finishedAt", Instant.now().toString());
        json.put("command", command);
        json.put("seconds", seconds);
        json.put("machine", machine.toJson());
        json.put("diskSyncWrite4KiBMs", LatencyBench.summaryJson(fsync));
        json.put("sidecarJvmFlags", sidecar == null ? null : sidecar.entrypoint().jvmFlags());
        json.put("profiling", options.profile());
        json.put("oldCompanionNote", "figures in oldCompanionQuotedFromContract are quoted from ../shared/companion-contract.md, not measured here");
        List<Object> jsonRows = new ArrayList<>();
        for (Row row : rows) jsonRows.add(row.toJson());
        json.put("rows", jsonRows);
        json.put("details", details);
        json.put("failures", failures);
        Files.writeString(out.resolve("results.json"), JsonWriter.write(json));
        Files.writeString(out.resolve("results.md"), "Command: `" + command + "`  \nMachine: " + machine.oneLine()
                + String.format(java.util.Locale.ROOT, "; disk synchronous 4 KiB write p50 %.2f ms, p99 %.2f ms", fsync.p50Ms(), fsync.p99Ms())
                + "  \nDuration: "
                + Format.number(seconds) + " s\n\n" + ResultTable.markdown(rows));
        System.out.println("written: " + out.resolve("results.json") + ", " + out.resolve("results.md"));
        return failures.isEmpty() ? 0 : 1;
    }

    private static String rabbitmqVersion() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(BrokerVhost.HOST);
        factory.setPort(BrokerVhost.PORT);
        try (Connection connection = factory.newConnection("bench-version-probe")) {
            return String.valueOf(connection.getServerProperties().get("version"));
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ does not answer on " + BrokerVhost.HOST + ":" + BrokerVhost.PORT
                    + " (`make bench` starts it via .ci/ensure-rabbitmq): " + e.getMessage());
        }
    }
}
