package io.l2sm.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the lab's processes to listen on. A port the kernel hands out for {@code bind(0)} comes
 * from the ephemeral range, which is also where every outgoing connection's source port comes from:
 * between choosing it and the process binding it, a client (helm, kubectl, a part's own dialling)
 * may take it, and the process then fails with "address already in use" (seen with etcd in CI).
 * These ports come from below that range and above the well-known ones, are free when chosen, and
 * are never handed out twice by one program.
 */
public final class Ports {
  /** The lowest port chosen; Kubernetes' NodePorts (30000-32767) stay clear of it too. */
  static final int LOW = 20_000;

  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  /** One above the highest port chosen: below the ephemeral range, read once. */
  private static final int HIGH = Math.min(30_000, ephemeralLow());

  private Ports() {}

  /** A port no process listens on now, outside the kernel's ephemeral range. */
  public static int free() {
    for (int tries = 0; tries < 1000; tries++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (!GIVEN.contains(port) && bindable(port) && GIVEN.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port between " + LOW + " and " + HIGH);
  }

  /** The lowest port of {@code net.ipv4.ip_local_port_range}, 32768 when it cannot be read. */
  static int ephemeralLow() {
    try {
      // Files.readString sizes its buffer by the file's size, which /proc reports as 0, and then
      // returns the first byte only: read by lines.
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
      return Integer.parseInt(range.strip().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
