package dev.streamops.bench;

import java.nio.charset.StandardCharsets;

/**
 * The benchmark message: a JSON object of exactly {@value #SIZE} bytes carrying a sequence number
 * (so the receiver can tell which message arrived and when it was due). It has no {@code status}
 * field, so the sidecar treats it as data, not as a termination report.
 */
final class Messages {
    static final int SIZE = 200;
    private static final String PREFIX = "{\"seq\":";
    private static final String MIDDLE = ",\"sensor\":\"bench-sensor-0042\",\"unit\":\"celsius\",\"reading\":21.5,\"pad\":\"";
    private static final String SUFFIX = "\"}";

    private Messages() {
    }

    static byte[] json(long seq) {
        String head = PREFIX + seq + MIDDLE;
        int padding = SIZE - head.length() - SUFFIX.length();
        if (padding < 0) throw new IllegalArgumentException("sequence number too long for a " + SIZE + "-byte message: " + seq);
        return (head + "x".repeat(padding) + SUFFIX).getBytes(StandardCharsets.US_ASCII);
    }

    /** A JSON array of {@code size} messages numbered from {@code firstSeq}, for the batch endpoint. */
    static byte[] jsonArray(long firstSeq, int size) {
        StringBuilder array = new StringBuilder(size * (SIZE + 1) + 2).append('[');
        for (int i = 0; i < size; i++) {
            if (i > 0) array.append(',');
            array.append(new String(json(firstSeq + i), StandardCharsets.US_ASCII));
        }
        return array.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The sequence number of a message built by {@link #json}; -1 when the body is not one of ours. */
    static long seqOf(byte[] body) {
        int length = PREFIX.length();
        if (body.length < length) return -1;
        for (int i = 0; i < length; i++) {
            if (body[i] != PREFIX.charAt(i)) return -1;
        }
        long seq = 0;
        int i = length;
        int digits = 0;
        while (i < body.length && body[i] >= '0' && body[i] <= '9') {
            seq = seq * 10 + (body[i] - '0');
            i++;
            digits++;
        }
        return digits == 0 ? -1 : seq;
    }
}
