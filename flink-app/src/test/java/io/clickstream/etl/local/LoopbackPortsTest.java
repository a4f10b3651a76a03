package io.clickstream.etl.local;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackPortsTest {

    /** What a Flink process binds to port 0 while the test holds ports it named: never one of them. */
    @Test
    void portsComeFromBelowTheEphemeralRangeFreeAndNeverTwice() throws Exception {
        Set<Integer> named = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = LoopbackPorts.unused();
            assertThat(port).isBetween(10_000, LoopbackPorts.ephemeralStart() - 1);
            assertThat(named.add(port)).as("port %d given twice", port).isTrue();
            try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(bound.getLocalPort()).isEqualTo(port);
            }
        }
        for (int i = 0; i < 200; i++) {
            try (ServerSocket any = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                assertThat(any.getLocalPort()).isGreaterThanOrEqualTo(LoopbackPorts.ephemeralStart());
            }
        }
    }
}
