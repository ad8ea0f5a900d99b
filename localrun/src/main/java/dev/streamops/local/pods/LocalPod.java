package dev.streamops.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One replica of a Deployment, started like the kubelet starts a pod: environment resolved from
 * the template (a missing Secret keeps the pod waiting and is retried), init containers in
 * order (native sidecars, {@code restartPolicy: Always}, keep running and gate the next
 * container on their startup probe; ordinary ones run to completion), then the app containers.
 * Ready when every running container is ready. Stopped in the kubelet's order: app containers
 * first, native sidecars afterwards in reverse order, each SIGTERM then SIGKILL after the grace
 * period.
 */
public final class LocalPod {
    /** The host side of a pod: how images become commands and where things live. */
    public record Host(ImageMap images, EnvResolver envResolver, Path workDir, Path logDir, String javaCommand,
                Map<String, String> baseEnvironment, ProcessLedger ledger) {
    }

    /** A container as seen from outside: for the demo, the tests and the logs. */
    public record ContainerView(String name, long pid, boolean ready, int restarts, Map<String, String> env, Path log) {
    }

    /** A pod as seen from outside. */
    public record View(String namespace, String name, String ip, String templateHash, boolean ready, String waitingReason,
                List<ContainerView> containers) {
        public Optional<ContainerView> container(String containerName) {
            return containers.stream().filter(c -> c.name().equals(containerName)).findFirst();
        }
    }

    private final String namespace;
    private final String name;
    private final String uid = UUID.randomUUID().toString();
    private final String ip;
    private final String templateHash;
    private final PodTemplateSpec template;
    private final Host host;
    private final Consumer<String> events;
    private final List<ContainerRunner> sidecars = new ArrayList<>();
    private final List<ContainerRunner> appContainers = new ArrayList<>();
    private volatile boolean stopping;
    private volatile String waitingReason = "ContainerCreating";
    private Thread lifecycle;

    LocalPod(String namespace, String name, String ip, String templateHash, PodTemplateSpec template, Host host,
             Consumer<String> events) {
        this.namespace = namespace;
        this.name = name;
        this.ip = ip;
        this.templateHash = templateHash;
        this.template = template;
        this.host = host;
        this.events = message -> events.accept(namespace + "/" + name + ": " + message);
    }

    String name() {
        return name;
    }

    String ip() {
        return ip;
    }

    String templateHash() {
        return templateHash;
    }

    boolean stopping() {
        return stopping;
    }

    synchronized void start() {
        lifecycle = Thread.ofPlatform().daemon().name("pod-" + name).start(this::run);
    }

    private void run() {
        PodSpec spec = template.getSpec();
        PodIdentity identity = new PodIdentity(name, namespace, uid, ip, "127.0.0.1", "localrun",
                spec.getServiceAccountName() == null ? "default" : spec.getServiceAccountName(),
                template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels(),
                template.getMetadata() == null || template.getMetadata().getAnnotations() == null ? Map.of() : template.getMetadata().getAnnotations());
        List<Container> initContainers = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
        for (Container init : initContainers) {
            boolean nativeSidecar = "Always".equals(init.getRestartPolicy());
            ContainerRunner runner = prepare(init, identity, !nativeSidecar);
            if (runner == null) {
                return;
            }
            synchronized (this) {
                if (stopping) {
                    return;
                }
                (nativeSidecar ? sidecars : appContainers).add(runner);
                runner.start();
            }
            // The next container starts once a native sidecar has started (its startup probe
            // passed) or an ordinary init container has completed.
            while (!stopping && !(nativeSidecar ? runner.started() : runner.completed())) {
                if (!pause(Duration.ofMillis(100))) {
                    return;
                }
            }
            if (!nativeSidecar) {
                synchronized (this) {
                    appContainers.remove(runner);
                }
            }
        }
        for (Container container : spec.getContainers()) {
            ContainerRunner runner = prepare(container, identity, false);
            if (runner == null) {
                return;
            }
            synchronized (this) {
                if (stopping) {
                    return;
                }
                appContainers.add(runner);
                runner.start();
            }
        }
        waitingReason = null;
    }

    /** Resolves the command and environment, retrying while the configuration is missing. */
    private ContainerRunner prepare(Container container, PodIdentity identity, boolean runToCompletion) {
        Duration retry = Duration.ofSeconds(1);
        while (!stopping) {
            try {
                List<String> commandLine = commandLine(container);
                Map<String, String> env = new LinkedHashMap<>(host.baseEnvironment());
                env.put("HOSTNAME", name);
                // Stands for the pod's network namespace: the process binds its pod IP, not the host's.
                env.put("LISTEN_ADDRESS", ip);
                env.putAll(host.envResolver().resolve(container, identity));
                Path log = host.logDir().resolve(namespace + "_" + name).resolve(container.getName() + ".log");
                return new ContainerRunner(name, container, runToCompletion, commandLine, env, log, host.workDir(), ip, events,
                        host.ledger());
            } catch (EnvResolver.EnvResolutionException | IllegalArgumentException notYet) {
                String reason = notYet instanceof EnvResolver.EnvResolutionException ? "CreateContainerConfigError" : "InvalidImageName";
                if (!(reason + ": " + notYet.getMessage()).equals(waitingReason)) {
                    events.accept(reason + ": " + notYet.getMessage());
                }
                waitingReason = reason + ": " + notYet.getMessage();
                if (!pause(retry)) {
                    return null;
                }
                retry = retry.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : retry.multipliedBy(2);
            }
        }
        return null;
    }

    private List<String> commandLine(Container container) {
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            throw new IllegalArgumentException("container " + container.getName()
                    + " overrides the image's command; locally an image is only its entry in the image map");
        }
        ImageMap.ImageCommand image = host.images().commandFor(container.getImage()).orElseThrow(() ->
                new IllegalArgumentException("image " + container.getImage() + " of container " + container.getName()
                        + " has no local command in the image map"));
        List<String> line = new ArrayList<>(image.command());
        if ("java".equals(line.get(0))) {
            line.set(0, host.javaCommand());
        }
        // Kubernetes: the container's args replace the image's CMD.
        line.addAll(container.getArgs() != null && !container.getArgs().isEmpty() ? container.getArgs() : image.args());
        return line;
    }

    synchronized boolean ready() {
        if (stopping || waitingReason != null || appContainers.isEmpty()) {
            return false;
        }
        return sidecars.stream().allMatch(ContainerRunner::ready) && appContainers.stream().allMatch(ContainerRunner::ready);
    }

    /** Stops the pod in the kubelet's order and waits for every process to be gone. */
    void stop() {
        stop(null);
    }

    /**
     * Like {@link #stop()}, with the template's grace period cut to {@code graceCap} when that is
     * shorter (null: the template's), for a shutdown that must finish in a bounded time.
     */
    void stop(Duration graceCap) {
        List<ContainerRunner> apps;
        List<ContainerRunner> natives;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            apps = List.copyOf(appContainers);
            natives = new ArrayList<>(sidecars);
        }
        Duration templateGrace = Duration.ofSeconds(template.getSpec().getTerminationGracePeriodSeconds() == null ? 30
                : template.getSpec().getTerminationGracePeriodSeconds());
        Duration grace = graceCap != null && graceCap.compareTo(templateGrace) < 0 ? graceCap : templateGrace;
        events.accept("stopping");
        List<Thread> stoppers = new ArrayList<>();
        for (ContainerRunner app : apps) {
            stoppers.add(Thread.ofVirtual().start(() -> app.stop(grace)));
        }
        joinAll(stoppers);
        java.util.Collections.reverse(natives);
        for (ContainerRunner sidecar : natives) {
            sidecar.stop(grace);
        }
        Thread thread;
        synchronized (this) {
            thread = lifecycle;
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    synchronized View view() {
        List<ContainerView> containers = new ArrayList<>();
        for (ContainerRunner runner : sidecars) {
            containers.add(new ContainerView(runner.name(), runner.pid(), runner.ready(), runner.restarts(), runner.environment(), runner.logFile()));
        }
        for (ContainerRunner runner : appContainers) {
            containers.add(new ContainerView(runner.name(), runner.pid(), runner.ready(), runner.restarts(), runner.environment(), runner.logFile()));
        }
        return new View(namespace, name, ip, templateHash, ready(), waitingReason, containers);
    }

    private static void joinAll(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return !stopping;
        } catch (InterruptedException interrupted) {
            return false;
        }
    }
}
