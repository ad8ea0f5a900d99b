/**
 * Delivery to the function over HTTP: the target interface the consumer uses and its blocking HTTP/1.1
 * keep-alive client ({@code FunctionClient}, with one {@code FunctionConnection} per exchange in progress and
 * {@code HttpResponseReader} for the response framing).
 */
package dev.streamops.sidecar.push;
