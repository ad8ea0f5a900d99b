package dev.streamops.sidecar.broker;

/** One message body bound for one topic; the body is published exactly as received. */
public record OutgoingMessage(String topic, byte[] body) {
}
