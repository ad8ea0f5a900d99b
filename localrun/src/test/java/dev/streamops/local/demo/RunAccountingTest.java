package dev.streamops.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The final tally, case by case: what must count as lost, and what must not hide a loss. */
class RunAccountingTest {
    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    private static JsonNode source(String producer, String sentSequences) throws Exception {
        return json("{\"role\":\"source\",\"pod\":\"source-a\",\"producer\":\"" + producer + "\",\"sentSequences\":\"" + sentSequences + "\"}");
    }

    private static JsonNode sink(String producer, String sequences, long duplicates) throws Exception {
        return json("{\"role\":\"sink\",\"pod\":\"sink-a\",\"duplicates\":" + duplicates
                + ",\"producers\":{\"" + producer + "\":{\"sequences\":\"" + sequences + "\"}}}");
    }

    private static byte[] reading(String producer, long sequence) {
        return ("{\"producer\":\"" + producer + "\",\"sequence\":" + sequence + ",\"value\":1}").getBytes(StandardCharsets.UTF_8);
    }

    private static PipelineObserver.StopAnswers answered(JsonNode... answers) {
        return new PipelineObserver.StopAnswers(answers.length, List.of(answers));
    }

    @Test
    void aCompleteRunLosesNothing() throws Exception {
        RunAccounting accounting = new RunAccounting();
        accounting.sourceStopped(answered(source("p/1", "1-100")));
        accounting.sinkStopped(answered(sink("p/1", "1-100", 3)));

        RunAccounting.Summary summary = accounting.summary();
        assertThat(summary.finalLine()).isEqualTo("sent 100, received 100, lost 0, duplicates 3");
        assertThat(summary.notes()).isEmpty();
    }

    @Test
    void duplicatesInTheQueuesDoNotMakeUpForAMissingReading() throws Exception {
        RunAccounting accounting = new RunAccounting();
        accounting.sourceStopped(answered(source("p/1", "1-10")));
        accounting.sinkStopped(answered(sink("p/1", "1-7", 0)));
        // 8 is still queued, twice; 9 is both in readings and in enriched; 10 is nowhere.
        accounting.leftInQueue(reading("p/1", 8), false);
        accounting.leftInQueue(reading("p/1", 8), false);
        accounting.leftInQueue(reading("p/1", 9), false);
        accounting.leftInQueue(reading("p/1", 9), false);

        RunAccounting.Summary summary = accounting.summary();
        assertThat(summary.finalLine()).isEqualTo("sent 10, received 7, lost 1, duplicates 0");
        assertThat(summary.stillQueued()).isEqualTo(2);
        assertThat(summary.notes()).anySatisfy(note -> assertThat(note).contains("e.g. p/1 #10"));
    }

    @Test
    void deadLetteredAndQueuedReadingsAreNotLostAndAreReportedApart() throws Exception {
        RunAccounting accounting = new RunAccounting();
        accounting.sourceStopped(answered(source("p/1", "1-10")));
        accounting.sinkStopped(answered(sink("p/1", "1-6", 0)));
        accounting.leftInQueue(reading("p/1", 7), false);
        accounting.leftInQueue(reading("p/1", 8), false);
        accounting.leftInQueue(reading("p/1", 9), true);
        accounting.leftInQueue(reading("p/1", 10), true);
        accounting.leftInQueue("{\"status\":\"ended\"}".getBytes(StandardCharsets.UTF_8), false);

        RunAccounting.Summary summary = accounting.summary();
        assertThat(summary.finalLine()).isEqualTo("sent 10, received 6, lost 0, duplicates 0");
        assertThat(summary.stillQueued()).isEqualTo(2);
        assertThat(summary.deadLettered()).isEqualTo(2);
        assertThat(accounting.otherMessages()).isEqualTo(1);
    }

    @Test
    void aRestartedSourceIsANewProducerWhoseReadingsCannotStandInForTheOldOnes() throws Exception {
        RunAccounting accounting = new RunAccounting();
        // The first process was seen having sent 1-50, then restarted; the new one sent 1-20.
        accounting.observeSource(source("p/first", "1-50"));
        accounting.sourceStopped(answered(source("p/second", "1-20")));
        accounting.sinkStopped(answered(json("{\"role\":\"sink\",\"pod\":\"sink-a\",\"duplicates\":0,\"producers\":{"
                + "\"p/first\":{\"sequences\":\"1-49\"},\"p/second\":{\"sequences\":\"1-20\"}}}")));

        assertThat(accounting.summary().finalLine()).isEqualTo("sent 70, received 69, lost 1, duplicates 0");
    }

    @Test
    void aSourceThatCannotBeAskedKeepsWhatItReportedBeforeAndTheSummarySaysSo() throws Exception {
        RunAccounting accounting = new RunAccounting();
        accounting.observeSource(source("p/1", "1-300"));
        accounting.sourceStopped(new PipelineObserver.StopAnswers(1, List.of()));
        accounting.sinkStopped(answered(sink("p/1", "1-250", 0)));

        RunAccounting.Summary summary = accounting.summary();
        assertThat(summary.sent()).as("the last observation, not 0").isEqualTo(300);
        assertThat(summary.lost()).isEqualTo(50);
        assertThat(summary.notes()).anySatisfy(note -> assertThat(note).startsWith("the source could not be asked"));
    }

    @Test
    void theStopAnswerAddsToWhatWasObservedAndNeverShrinksIt() throws Exception {
        RunAccounting accounting = new RunAccounting();
        accounting.observeSource(source("p/1", "1-80"));
        accounting.sourceStopped(answered(source("p/1", "1-100")));
        accounting.sinkStopped(answered(sink("p/1", "1-100", 0)));
        assertThat(accounting.summary().finalLine()).isEqualTo("sent 100, received 100, lost 0, duplicates 0");
    }

    @Test
    void messagesLeftUnreadAreNamedBecauseLostThenOnlyBoundsTheTruth() throws Exception {
        RunAccounting accounting = new RunAccounting();
        accounting.sourceStopped(answered(source("p/1", "1-10")));
        accounting.sinkStopped(answered(sink("p/1", "1-8", 0)));
        accounting.unread(2);
        RunAccounting.Summary summary = accounting.summary();
        assertThat(summary.lost()).isEqualTo(2);
        assertThat(summary.notes()).anySatisfy(note -> assertThat(note).startsWith("2 message(s) left in the queues could not be read"));
    }
}
