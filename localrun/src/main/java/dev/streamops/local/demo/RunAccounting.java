package dev.streamops.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's final tally, reading by reading. What the source sent is the union of everything it
 * ever reported (every {@code /stats} seen and its {@code POST /stop} answer), so an answer that
 * never comes can only make "sent" smaller than the truth by what was sent since the last look,
 * never zero. What the sink holds is collected the same way. After the pipeline has stopped, the
 * messages left in the topics and their dead-letter queues are read one by one: a reading is
 * lost only when it was sent and is neither in the sink nor in any of those queues.
 */
final class RunAccounting {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReadingSet sent = new ReadingSet();
    private final ReadingSet delivered = new ReadingSet();
    private final ReadingSet queued = new ReadingSet();
    private final ReadingSet deadLettered = new ReadingSet();
    /** Per sink pod, its last reported duplicates (its stop answer, when it gave one). */
    private final Map<String, Long> duplicatesBySink = new HashMap<>();
    private boolean sourceAnswered;
    private boolean sinkAnswered;
    private long otherMessages;
    private long unreadMessages;

    /** What {@code make demo} prints at the end; {@link #finalLine()} is its last line. */
    record Summary(long sent, long received, long lost, long duplicates, long stillQueued, long deadLettered,
                   long notReportedSent, long unreadMessages, boolean sourceAnswered, boolean sinkAnswered, String lostExample) {
        String finalLine() {
            return String.format("sent %d, received %d, lost %d, duplicates %d", sent, received, lost, duplicates);
        }

        /** The lines that explain the final one: what is not lost but did not arrive, and what the tally could not see. */
        List<String> notes() {
            List<String> notes = new ArrayList<>();
            if (!sourceAnswered) {
                notes.add("the source could not be asked for its final count (POST /stop got no answer): 'sent' counts the "
                        + "readings it had reported by its last GET /stats; any sent after that are not counted");
            }
            if (!sinkAnswered) {
                notes.add("the sink could not be asked for its final count (POST /stop got no answer): 'received' counts the "
                        + "readings it had reported by its last GET /stats; any received after that count as lost");
            }
            if (stillQueued > 0) {
                notes.add(stillQueued + " reading(s) had not reached the sink when the run stopped: they were still queued "
                        + "(not lost; deleted with the vhost)");
            }
            if (deadLettered > 0) {
                notes.add(deadLettered + " reading(s) were dead-lettered (in a .dlq queue: refused or failed too often; "
                        + "not lost, deleted with the vhost)");
            }
            if (notReportedSent > 0) {
                notes.add(notReportedSent + " reading(s) were in the pipeline that the source never reported as sent");
            }
            if (unreadMessages > 0) {
                notes.add(unreadMessages + " message(s) left in the queues could not be read in the time allowed: "
                        + "'lost' may count readings that were still queued");
            }
            if (lost > 0) {
                notes.add(lost + " reading(s) sent but neither received nor in any queue, e.g. " + lostExample);
            }
            return notes;
        }
    }

    /** Everything a snapshot shows about the source's sent readings and the sink's ledger. */
    void observe(PipelineObserver.Snapshot snapshot, String source, String sink) {
        snapshot.stage(source).ifPresent(stage -> stage.functionStats().forEach(this::observeSource));
        snapshot.stage(sink).ifPresent(stage -> stage.functionStats().forEach(this::observeSink));
    }

    void observeSource(JsonNode stats) {
        sent.addAll(ReadingSet.sentBy(stats));
    }

    void observeSink(JsonNode stats) {
        delivered.addAll(ReadingSet.heldBy(stats));
        duplicatesBySink.put(stats.path("pod").asText(""), stats.path("duplicates").asLong(0));
    }

    void sourceStopped(PipelineObserver.StopAnswers answers) {
        answers.answers().forEach(this::observeSource);
        sourceAnswered = answers.complete();
    }

    void sinkStopped(PipelineObserver.StopAnswers answers) {
        answers.answers().forEach(this::observeSink);
        sinkAnswered = answers.complete();
    }

    /** One message read from a topic (or, {@code deadLetterQueue}, from its {@code .dlq}) after the pipeline stopped. */
    void leftInQueue(byte[] body, boolean deadLetterQueue) {
        try {
            JsonNode message = JSON.readTree(body);
            String producer = message.path("producer").asText("");
            long sequence = message.path("sequence").asLong(0);
            if (!producer.isEmpty() && sequence >= 1 && sequence <= Integer.MAX_VALUE) {
                (deadLetterQueue ? deadLettered : queued).add(producer, sequence);
                return;
            }
        } catch (IOException notJson) {
            // counted below
        }
        otherMessages++;
    }

    void unread(long messages) {
        unreadMessages += messages;
    }

    /** Readings sent so far that the sink does not hold (yet). */
    long undelivered() {
        return sent.without(delivered).size();
    }

    long sentSoFar() {
        return sent.size();
    }

    Summary summary() {
        ReadingSet lost = sent.without(delivered, queued, deadLettered);
        ReadingSet anywhere = new ReadingSet();
        anywhere.addAll(delivered);
        anywhere.addAll(queued);
        anywhere.addAll(deadLettered);
        return new Summary(sent.size(), delivered.size(), lost.size(),
                duplicatesBySink.values().stream().mapToLong(Long::longValue).sum(),
                queued.without(delivered).size(), deadLettered.without(delivered, queued).size(),
                anywhere.without(sent).size(), unreadMessages, sourceAnswered, sinkAnswered, lost.example());
    }

    long otherMessages() {
        return otherMessages;
    }
}
