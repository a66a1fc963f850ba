package io.l2sm.cli;

import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of a lab's processes, read from {@code /proc}: each part's own time plus that of the
 * children it waited for (the {@code ip}, {@code ovs-vsctl} and CNI plugin runs it started), and
 * the machine's busy time. Two snapshots around an interval say which part used the cores in it.
 *
 * @param seconds per part, CPU seconds since it started (the machine's: since boot)
 */
record CpuUse(Map<String, Double> seconds) {
  static final String MACHINE_BUSY = "machine, all cores busy";

  /** Snapshot of every part of {@code lab}, both Open vSwitch daemons of all nodes, the machine. */
  static CpuUse of(LabInfo lab) throws IOException {
    double tick = Double.parseDouble(Testbed.run("getconf CLK_TCK").out().strip());
    Map<String, Double> s = new LinkedHashMap<>();
    for (String part : lab.processes().keySet()) {
      s.put(part, sum(Testbed.run("pgrep -f -- '" + Lab.pattern(lab, part) + "'").out(), tick));
    }
    s.put("ovs-vswitchd, all nodes", sum(Testbed.run("pgrep -x ovs-vswitchd").out(), tick));
    s.put("ovsdb-server, all nodes", sum(Testbed.run("pgrep -x ovsdb-server").out(), tick));
    // cpu  user nice system idle iowait irq softirq steal ...
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i <= 8 && i < f.length; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    s.put(MACHINE_BUSY, busy / tick);
    return new CpuUse(s);
  }

  /** utime + stime + cutime + cstime of the listed processes, in seconds. */
  private static double sum(String pids, double tick) throws IOException {
    double total = 0;
    for (String pid : pids.strip().split("\\s+")) {
      if (pid.isEmpty()) {
        continue;
      }
      Path stat = Path.of("/proc", pid, "stat");
      List<String> lines;
      try {
        lines = Files.readAllLines(stat);
      } catch (IOException e) {
        continue; // exited between pgrep and now
      }
      String line = lines.get(0);
      // After "pid (comm) ": state is field 3, utime..cstime are fields 14..17.
      String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
      for (int i = 11; i <= 14; i++) {
        total += Long.parseLong(f[i]) / tick;
      }
    }
    return total;
  }

  /** Per part, the CPU seconds used since {@code earlier}. */
  Map<String, Double> since(CpuUse earlier) {
    Map<String, Double> out = new LinkedHashMap<>();
    seconds.forEach((k, v) -> out.put(k, v - earlier.seconds.getOrDefault(k, 0.0)));
    return out;
  }
}
