package dev.streamops.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MeasurementPiecesTest {

    @Test
    void percentilesComeFromTheRecordedDistributionInMilliseconds() {
        Histogram histogram = LatencySummary.newHistogram();
        for (int i = 1; i <= 1000; i++) histogram.recordValue(i * 1_000_000L); // 1..1000 ms
        LatencySummary summary = LatencySummary.of(histogram);
        assertThat(summary.count()).isEqualTo(1000);
        assertThat(summary.p50Ms()).isCloseTo(500, within(1.0));
        assertThat(summary.p99Ms()).isCloseTo(990, within(1.0));
        assertThat(summary.p999Ms()).isCloseTo(999, within(1.0));
        assertThat(summary.maxMs()).isCloseTo(1000, within(1.0));
        assertThat(LatencySummary.of(LatencySummary.newHistogram()).p99Ms()).isNaN();
    }

    @Test
    void benchmarkMessagesAre200BytesOfJsonWithTheirSequenceNumber() {
        byte[] message = Messages.json(123_456);
        assertThat(message).hasSize(Messages.SIZE);
        String text = new String(message, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("{\"seq\":123456,").endsWith("\"}").doesNotContain("status");
        assertThat(Messages.seqOf(message)).isEqualTo(123_456);
        assertThat(Messages.seqOf("{\"other\":1}".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        String array = new String(Messages.jsonArray(10, 3), StandardCharsets.US_ASCII);
        assertThat(array).startsWith("[{\"seq\":10,").contains("},{\"seq\":11,").endsWith("}]");
        assertThat(array.length()).isEqualTo(3 * Messages.SIZE + 2 + 2);
    }

    @Test
    void residentMemoryAndPeakAreReadFromProcStatus() {
        String status = "Name:\tjava\nVmHWM:\t  120000 kB\nVmRSS:\t   81234 kB\nThreads:\t30\n";
        assertThat(ProcessMemory.parseKilobytes(status, "VmRSS")).isEqualTo(81_234L * 1024);
        assertThat(ProcessMemory.parseKilobytes(status, "VmHWM")).isEqualTo(120_000L * 1024);
        assertThat(ProcessMemory.rssBytes(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void heapUseSumsTopLevelHeapLinesAndSkipsMetaspace() {
        String g1 = """
                4242:
                 garbage-first heap   total reserved 393216K, committed 24576K, used 6380K [0x00000000e8000000, 0x0000000100000000)
                  region size 1024K, 5 young (5120K), 0 survivors (0K)
                 Metaspace       used 20480K, committed 20800K, reserved 1114112K
                  class space    used 2048K, committed 2240K, reserved 1048576K
                """;
        assertThat(HeapInfo.parseUsedBytes(g1)).isEqualTo(6380L * 1024);
        String serial = """
                4242:
                 def new generation   total 4928K, used 1225K [0x00000000f0000000, 0x00000000f0550000, 0x00000000f5000000)
                  eden space 4416K,  27% used [0x00000000f0000000, 0x00000000f0132710, 0x00000000f0450000)
                 tenured generation   total 10944K, used 3000K [0x00000000f5000000, 0x00000000f5ab0000, 0x0000000100000000)
                 Metaspace       used 20480K, committed 20800K, reserved 1114112K
                """;
        assertThat(HeapInfo.parseUsedBytes(serial)).isEqualTo((1225L + 3000L) * 1024);
        String serialJdk25 = """
                13029:
                DefNew     total 116160K, used 31021K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
                 eden space 103296K,  30% used [0x0000000687400000, 0x000000068924b578, 0x000000068d8e0000)
                 from space 12864K,   0% used [0x000000068d8e0000, 0x000000068d8e0000, 0x000000068e570000)
                Tenured    total 258048K, used 1166K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
                 the  space 258048K,   0% used [0x0000000704d50000, 0x0000000704e73ab8, 0x0000000714950000)
                """;
        assertThat(HeapInfo.parseUsedBytes(serialJdk25)).isEqualTo((31021L + 1166L) * 1024);
    }

    @Test
    void resultsAreWrittenAsJsonWithNaNAsNull() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "say \"hi\"\n");
        tree.put("ratio", 0.8123456);
        tree.put("missing", Double.NaN);
        tree.put("list", List.of(1, 2.0, true));
        tree.put("empty", Map.of());
        assertThat(JsonWriter.write(tree)).isEqualTo("""
                {
                  "name": "say \\"hi\\"\\n",
                  "ratio": 0.812,
                  "missing": null,
                  "list": [
                    1,
                    2,
                    true
                  ],
                  "empty": {}
                }
                """);
    }

    @Test
    void optionsPickPartsAndRefuseUnknownOnes() {
        BenchOptions options = BenchOptions.parse(new String[]{"--quick", "--only", "publish,latency", "--publishers", "2,8"});
        assertThat(options.parts()).containsExactly("publish", "latency");
        assertThat(options.publishers()).containsExactly(2, 8);
        assertThat(options.pushMessages()).isEqualTo(10_000);
        assertThat(BenchOptions.parse(new String[0]).pushMessages()).isEqualTo(50_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--only", "publsh"}))
                .hasMessageContaining("unknown part 'publsh'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--rate", "-5"}))
                .hasMessageContaining("--rate: expected a positive whole number");
    }
}
