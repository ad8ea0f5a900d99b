/**
 * The HTTP layer: the function-facing API (port 4321) and the management port (health, metrics).
 * {@link dev.streamops.sidecar.http.SidecarApps} builds both Javalin apps from their dependencies
 * without starting them; it knows the broker only through {@link dev.streamops.sidecar.broker}.
 */
package dev.streamops.sidecar.http;
