/** Delivery to the function over HTTP: the target interface the consumer uses and its java.net.http client. */
package dev.streamops.sidecar.push;
