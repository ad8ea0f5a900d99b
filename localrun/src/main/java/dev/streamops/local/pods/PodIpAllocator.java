package dev.streamops.local.pods;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out pod IPs from one /16 of the loopback network 127.0.0.0/8, which Linux routes to the
 * loopback interface as a whole: every pod gets an address of its own, so two pods can both
 * listen on 4321 like in separate network namespaces. Each runtime takes its own /16 (second
 * octet chosen by the caller, never 0, where 127.0.0.1 lives), so runtimes running side by side
 * never collide. Released addresses are reused last, after the pool's fresh ones, so a new pod
 * does not inherit an old pod's lingering connections.
 */
public final class PodIpAllocator {
    private static final int HOSTS = 256 * 254;
    private final int secondOctet;
    private final Deque<String> released = new ArrayDeque<>();
    private final Set<String> inUse = new HashSet<>();
    private int next;

    public PodIpAllocator(int secondOctet) {
        if (secondOctet < 1 || secondOctet > 255) {
            throw new IllegalArgumentException("second octet of the pod network must be 1..255 (127.0.x.x holds the host's own services), got " + secondOctet);
        }
        this.secondOctet = secondOctet;
    }

    public synchronized String allocate() {
        String ip;
        if (next < HOSTS) {
            ip = "127." + secondOctet + "." + (next / 254) + "." + (next % 254 + 1);
            next++;
        } else if (!released.isEmpty()) {
            ip = released.removeFirst();
        } else {
            throw new IllegalStateException("pod network 127." + secondOctet + ".0.0/16 is exhausted");
        }
        inUse.add(ip);
        return ip;
    }

    public synchronized void release(String ip) {
        if (inUse.remove(ip)) {
            released.addLast(ip);
        }
    }

    public String network() {
        return "127." + secondOctet + ".0.0/16";
    }
}
