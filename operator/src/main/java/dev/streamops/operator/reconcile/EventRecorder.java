package dev.streamops.operator.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamops.operator.api.StreamOperator;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Records core/v1 Events on a StreamOperator, so `kubectl describe sop x` shows what went wrong
 * without reading the operator's log. Recording is best effort: a refused Event never fails a
 * reconciliation.
 */
public class EventRecorder {
    public static final String COMPONENT = "streamops-operator";
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void warning(StreamOperator sop, String reason, String message) {
        record(sop, "Warning", reason, message);
    }

    public void normal(StreamOperator sop, String reason, String message) {
        record(sop, "Normal", reason, message);
    }

    private void record(StreamOperator sop, String type, String reason, String message) {
        var now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        var meta = sop.getMetadata();
        var event = new EventBuilder()
                .withNewMetadata()
                    // Same naming scheme as client-go's recorder: <object>.<unique hex>.
                    .withName(meta.getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE))
                    .withNamespace(meta.getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(sop.getApiVersion())
                    .withKind(sop.getKind())
                    .withName(meta.getName())
                    .withNamespace(meta.getNamespace())
                    .withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warn("Could not record {} event {} on {}/{}: {}", type, reason, meta.getNamespace(), meta.getName(),
                    e.getMessage());
        }
    }
}
