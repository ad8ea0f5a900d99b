/**
 * The parts of Kubernetes that run pods, played on one machine: {@link dev.streamops.local.pods.PodRunner}
 * (Deployment controller and garbage collector) and {@link dev.streamops.local.pods.LocalPod} with
 * {@link dev.streamops.local.pods.ContainerRunner} (the kubelet: env resolution, probes, restarts, stop order),
 * plus the image map, the pod IP allocator and the ledger of started processes. Knows nothing about StreamOps.
 */
package dev.streamops.local.pods;
