package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays, for Deployments, the parts of Kubernetes that run pods: the Deployment controller
 * (replicas of the current template, rolling replacement when the template changes, status
 * written back), the kubelet ({@link LocalPod}: processes, probes, restarts) and the garbage
 * collector (a Deployment whose owners are all gone is deleted). It watches Deployments through
 * an informer and knows nothing about StreamOps: any Deployment whose images are in the image
 * map runs.
 */
public final class PodRunner implements AutoCloseable {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final KubernetesClient client;
    private final LocalPod.Host host;
    private final PodIpAllocator ips;
    private final Consumer<String> events;
    private final Map<String, List<LocalPod>> podsByDeployment = new ConcurrentHashMap<>();
    private final Map<String, Integer> terminating = new ConcurrentHashMap<>();
    /** The threads stopping pods in the background (scale down, rollout, deletion), so close() can wait for them. */
    private final Set<Thread> stoppers = ConcurrentHashMap.newKeySet();
    /** Per Deployment: the last rollout state seen and since when, for progressDeadlineSeconds. */
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();

    private record Progress(String state, Instant since) {
    }
    private final LinkedBlockingQueue<Boolean> wakeUps = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private SharedIndexInformer<Deployment> informer;
    private Thread loop;
    private long lastGarbageCollection;

    public PodRunner(KubernetesClient client, LocalPod.Host host, PodIpAllocator ips, Consumer<String> events) {
        this.client = client;
        this.host = host;
        this.ips = ips;
        this.events = events;
    }

    public void start() {
        informer = client.apps().deployments().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment deployment) {
                wakeUps.offer(true);
            }

            @Override
            public void onUpdate(Deployment before, Deployment after) {
                wakeUps.offer(true);
            }

            @Override
            public void onDelete(Deployment deployment, boolean finalStateUnknown) {
                wakeUps.offer(true);
            }
        }, 30_000);
        loop = Thread.ofPlatform().daemon().name("pod-runner").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                wakeUps.poll(500, TimeUnit.MILLISECONDS);
                wakeUps.clear();
                reconcileAll();
            } catch (InterruptedException interrupted) {
                return;
            } catch (RuntimeException unexpected) {
                events.accept("pod runner: " + unexpected);
            }
        }
    }

    private void reconcileAll() {
        List<Deployment> deployments = informer.getStore().list();
        Map<String, Deployment> byKey = new HashMap<>();
        for (Deployment deployment : deployments) {
            if (deployment.getMetadata().getDeletionTimestamp() == null) {
                byKey.put(key(deployment), deployment);
            }
        }
        for (Deployment deployment : byKey.values()) {
            reconcile(deployment);
        }
        for (String key : List.copyOf(podsByDeployment.keySet())) {
            if (!byKey.containsKey(key)) {
                List<LocalPod> pods = podsByDeployment.remove(key);
                progress.remove(key);
                events.accept("deployment " + key + " is gone: stopping its " + pods.size() + " pod(s)");
                pods.forEach(pod -> stopInBackground(key, pod));
            }
        }
        if (System.nanoTime() - lastGarbageCollection > TimeUnit.SECONDS.toNanos(2)) {
            lastGarbageCollection = System.nanoTime();
            collectOrphans(byKey.values());
        }
    }

    private void reconcile(Deployment deployment) {
        String key = key(deployment);
        List<LocalPod> pods = podsByDeployment.computeIfAbsent(key, k -> new ArrayList<>());
        String hash = templateHash(deployment);
        int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        List<LocalPod> current = pods.stream().filter(p -> p.templateHash().equals(hash)).toList();
        List<LocalPod> old = pods.stream().filter(p -> !p.templateHash().equals(hash)).toList();
        boolean paused = Boolean.TRUE.equals(deployment.getSpec().getPaused());
        boolean recreate = deployment.getSpec().getStrategy() != null
                && "Recreate".equals(deployment.getSpec().getStrategy().getType());
        if (!paused) {
            if (recreate && !old.isEmpty()) {
                old.forEach(pod -> remove(key, pods, pod));
            } else if (!recreate || terminating.getOrDefault(key, 0) == 0) {
                for (int i = current.size(); i < wanted && !closed; i++) {
                    LocalPod pod = new LocalPod(deployment.getMetadata().getNamespace(), podName(deployment, hash), ips.allocate(),
                            hash, deployment.getSpec().getTemplate(), host, events);
                    pods.add(pod);
                    events.accept("deployment " + key + ": starting pod " + pod.name() + " at " + pod.ip());
                    pod.start();
                }
                // Scale down: not-ready pods first, then the newest, as the ReplicaSet controller does.
                current.stream()
                        .sorted(Comparator.comparing(LocalPod::ready).thenComparing(Comparator.comparing(LocalPod::name).reversed()))
                        .limit(Math.max(0, current.size() - wanted))
                        .forEach(pod -> remove(key, pods, pod));
                long readyCurrent = pods.stream().filter(p -> p.templateHash().equals(hash)).filter(LocalPod::ready).count();
                long oldAllowed = Math.max(0, wanted - readyCurrent);
                old.stream()
                        .sorted(Comparator.comparing(LocalPod::ready))
                        .limit(Math.max(0, old.size() - oldAllowed))
                        .forEach(pod -> remove(key, pods, pod));
            }
        }
        writeStatus(deployment, pods, hash);
    }

    private void remove(String key, List<LocalPod> pods, LocalPod pod) {
        pods.remove(pod);
        stopInBackground(key, pod);
    }

    private void stopInBackground(String key, LocalPod pod) {
        terminating.merge(key, 1, Integer::sum);
        Thread stopper = Thread.ofVirtual().name("stop-" + pod.name()).unstarted(() -> {
            try {
                pod.stop();
            } finally {
                ips.release(pod.ip());
                terminating.merge(key, -1, Integer::sum);
                events.accept("pod " + pod.name() + " stopped");
                wakeUps.offer(true);
                stoppers.remove(Thread.currentThread());
            }
        });
        stoppers.add(stopper);
        stopper.start();
    }

    private void writeStatus(Deployment deployment, List<LocalPod> pods, String hash) {
        int updated = (int) pods.stream().filter(p -> p.templateHash().equals(hash)).count();
        int ready = (int) pods.stream().filter(LocalPod::ready).count();
        Instant now = Instant.now();
        // Like the Deployment controller: any change of the rollout counts as progress and restarts the clock.
        String state = hash + "/" + pods.size() + "/" + updated + "/" + ready;
        Progress last = progress.compute(key(deployment), (k, old) -> old != null && old.state().equals(state) ? old : new Progress(state, now));
        int deadline = deployment.getSpec().getProgressDeadlineSeconds() == null ? 600 : deployment.getSpec().getProgressDeadlineSeconds();
        boolean exceeded = Duration.between(last.since(), now).getSeconds() >= deadline;
        DeploymentStatus desired = DeploymentStatusCalculator.desired(deployment,
                new DeploymentStatusCalculator.PodCounts(pods.size(), updated, ready, exceeded), now);
        if (!DeploymentStatusCalculator.differs(deployment.getStatus(), desired)) {
            return;
        }
        try {
            client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
                    .resource(new DeploymentBuilder(deployment).withStatus(desired).build())
                    .updateStatus();
        } catch (KubernetesClientException conflictOrGone) {
            // A newer version is on its way through the informer; the next pass writes again.
            wakeUps.offer(true);
        }
    }

    /** Deletes Deployments whose owners (custom resources known through their CRD) all no longer exist. */
    private void collectOrphans(Iterable<Deployment> deployments) {
        Map<String, ResourceDefinitionContext> kinds = null;
        for (Deployment deployment : deployments) {
            List<OwnerReference> owners = deployment.getMetadata().getOwnerReferences();
            if (owners == null || owners.isEmpty()) {
                continue;
            }
            if (kinds == null) {
                kinds = customKinds();
            }
            boolean anyOwnerAlive = false;
            boolean allOwnersKnown = true;
            for (OwnerReference owner : owners) {
                ResourceDefinitionContext context = kinds.get(owner.getApiVersion() + "/" + owner.getKind());
                if (context == null) {
                    allOwnersKnown = false;
                    continue;
                }
                GenericKubernetesResource found = client.genericKubernetesResources(context)
                        .inNamespace(deployment.getMetadata().getNamespace()).withName(owner.getName()).get();
                if (found != null && (owner.getUid() == null || owner.getUid().equals(found.getMetadata().getUid()))) {
                    anyOwnerAlive = true;
                }
            }
            if (!anyOwnerAlive && allOwnersKnown) {
                events.accept("garbage collector: owner of deployment " + key(deployment) + " is gone, deleting it");
                client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
                        .withName(deployment.getMetadata().getName()).delete();
            }
        }
    }

    private Map<String, ResourceDefinitionContext> customKinds() {
        Map<String, ResourceDefinitionContext> kinds = new HashMap<>();
        for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
            for (var version : crd.getSpec().getVersions()) {
                kinds.put(crd.getSpec().getGroup() + "/" + version.getName() + "/" + crd.getSpec().getNames().getKind(),
                        new ResourceDefinitionContext.Builder()
                                .withGroup(crd.getSpec().getGroup())
                                .withVersion(version.getName())
                                .withKind(crd.getSpec().getNames().getKind())
                                .withPlural(crd.getSpec().getNames().getPlural())
                                .withNamespaced("Namespaced".equals(crd.getSpec().getScope()))
                                .build());
            }
        }
        return kinds;
    }

    /** The pods of one Deployment as they run now. */
    public List<LocalPod.View> pods(String namespace, String deployment) {
        List<LocalPod> pods = podsByDeployment.getOrDefault(namespace + "/" + deployment, List.of());
        return List.copyOf(pods).stream().map(LocalPod::view).toList();
    }

    public List<LocalPod.View> allPods() {
        return podsByDeployment.values().stream().flatMap(pods -> List.copyOf(pods).stream()).map(LocalPod::view).toList();
    }

    /** How many pods are still shutting down. */
    public int terminatingPods() {
        return terminating.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void close() {
        close(null);
    }

    /**
     * Stops every pod, those already shutting down included, and returns when all their processes
     * are gone. {@code graceCap} shortens the pods' grace periods (null: each template's).
     */
    public void close(Duration graceCap) {
        closed = true;
        if (loop != null) {
            loop.interrupt();
            // The loop may be in the middle of a reconcile that starts pods: let it finish first, or a
            // pod started after the list below was taken would outlive the runner.
            // Bounded: a reconcile makes a few API calls, each with the client's own timeout.
            try {
                loop.join(Duration.ofSeconds(30));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (informer != null) {
            informer.close();
            informer = null;
        }
        List<Thread> running = new ArrayList<>();
        for (List<LocalPod> pods : podsByDeployment.values()) {
            for (LocalPod pod : List.copyOf(pods)) {
                running.add(Thread.ofVirtual().start(() -> pod.stop(graceCap)));
            }
        }
        podsByDeployment.clear();
        // Pods removed earlier (scale down, rollout, deletion) may still be in their grace period.
        running.addAll(stoppers);
        for (Thread stopper : running) {
            try {
                stopper.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String templateHash(Deployment deployment) {
        String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(deployment.getSpec().getTemplate());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                out.append(ALPHABET.charAt((digest[i] & 0xff) % ALPHABET.length()));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String podName(Deployment deployment, String hash) {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
        }
        return deployment.getMetadata().getName() + "-" + hash + "-" + suffix;
    }

    private static String key(HasMetadata resource) {
        return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    Optional<LocalPod.View> pod(String name) {
        return allPods().stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
