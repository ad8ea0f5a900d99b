/**
 * The RabbitMQ adapter: connections with automatic recovery, the quorum-queue topology, the
 * confirm-pipelining publisher, and the push consumer with dead-lettering. Knows nothing of the HTTP
 * server; reaches the function only through {@link dev.streamops.sidecar.push.PushTarget}.
 */
package dev.streamops.sidecar.rabbit;
