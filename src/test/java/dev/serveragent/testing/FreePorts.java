package dev.serveragent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free TCP port for an agent a test starts in a process of its own ({@code PORT=}), taken below
 * the kernel's ephemeral range. A port from {@code new ServerSocket(0)} is an ephemeral one: between
 * the test closing it and the child binding it, the kernel may hand it to any {@code bind(0)} or
 * outgoing connection, the child's own included (its MCP server took it once, and the child's HTTP
 * server then found its port in use). Ports below the range are never handed out that way.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;

    private FreePorts() {}

    public static int next() {
        int ephemeralStart = ephemeralStart();
        for (int tries = 0; tries < 200; tries++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port in " + LOWEST + "–" + (ephemeralStart - 1)));
    }

    /** The first port of {@code net.ipv4.ip_local_port_range} (32768 when it cannot be read). */
    private static int ephemeralStart() {
        try {
            int start = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
