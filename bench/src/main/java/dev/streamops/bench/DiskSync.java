package dev.streamops.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How long one synchronous 4 KiB write takes on the disk the run writes to: a quorum queue
 * confirms (and delivers) a message only after its Raft log write is synced, so this is the
 * floor under every confirm and every end-to-end latency on this machine.
 */
final class DiskSync {
    private DiskSync() {
    }

    static LatencySummary probe(Path directory, int writes) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve("fsync-probe.bin");
        Histogram nanos = LatencySummary.newHistogram();
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < writes; i++) {
                block.clear();
                long start = System.nanoTime();
                channel.write(block, (long) i * 4096);
                channel.force(false);
                nanos.recordValue(Math.max(1_000, System.nanoTime() - start));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return LatencySummary.of(nanos);
    }
}
