/**
 * The local runtime as a whole: the mock Kubernetes API server, the operator as its own process, the pod
 * runner, and the RabbitMQ vhost of a run. {@link dev.streamops.local.runtime.LocalRuntime} starts and stops them.
 */
package dev.streamops.local.runtime;
