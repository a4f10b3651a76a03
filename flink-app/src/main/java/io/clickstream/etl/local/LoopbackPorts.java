package io.clickstream.etl.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports to name in another process's configuration (Trino's HTTP port, a test cluster's REST and
 * RPC ports) before that process binds them. A port the kernel handed out for
 * {@code new ServerSocket(0)} is free only until the next bind to port 0: a Flink process binds its
 * blob server, RPC and data ports that way, and once took the very port a test had named for its
 * REST endpoint ("Could not start rest endpoint on any port in port range 41905"). These come from
 * below the kernel's ephemeral range, which a bind to port 0 never uses, and never twice from one
 * JVM.
 */
public final class LoopbackPorts {
    private static final Path EPHEMERAL_RANGE = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    /** A port free on loopback now, below the ephemeral range. */
    public static int unused() {
        int end = ephemeralStart();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, end);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // another process has it: try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + end + " after 200 tries");
    }

    /** The first port of the kernel's ephemeral range (Linux: 32768 unless changed; IANA's is 49152). */
    static int ephemeralStart() {
        // Read as a stream: Files.readString trusts /proc's reported size and returned "3" of "32768\t60999".
        try (java.io.BufferedReader range = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            int start = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 49_152;
        } catch (IOException | RuntimeException notLinux) {
            return 32_768;
        }
    }
}
