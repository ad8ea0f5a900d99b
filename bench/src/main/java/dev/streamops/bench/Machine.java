package dev.streamops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the numbers were measured on: they mean little without it. */
record Machine(int cpus, String cpuModel, long memoryBytes, String kernel, String jdk, String rabbitmq, double loadAverage) {

    static Machine describe(String rabbitmqVersion) {
        String model = "unknown";
        long memory = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memory = ProcessMemory.parseKilobytes(line, "MemTotal");
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: leave unknown
        }
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return new Machine(Runtime.getRuntime().availableProcessors(), model, memory, kernel, jdk, rabbitmqVersion, load);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cpus", cpus);
        json.put("cpuModel", cpuModel);
        json.put("memoryBytes", memory());
        json.put("kernel", kernel);
        json.put("jdk", jdk);
        json.put("rabbitmq", rabbitmq);
        json.put("loadAverageAtStart", loadAverage);
        return json;
    }

    private Long memory() {
        return memoryBytes < 0 ? null : memoryBytes;
    }

    String oneLine() {
        return String.format(java.util.Locale.ROOT, "%d CPUs (%s), %.1f GiB RAM, %s, JDK %s, RabbitMQ %s, load average at start %.2f",
                cpus, cpuModel, memoryBytes / (1024.0 * 1024 * 1024), kernel, jdk, rabbitmq, loadAverage);
    }
}
