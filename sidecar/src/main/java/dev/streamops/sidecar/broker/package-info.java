/**
 * The broker port: what the HTTP layer needs from a message broker, and nothing about AMQP.
 * The RabbitMQ adapter implements it; HTTP-layer tests implement it with small fakes.
 */
package dev.streamops.sidecar.broker;
