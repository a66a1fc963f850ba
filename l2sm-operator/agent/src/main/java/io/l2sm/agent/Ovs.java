package io.l2sm.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's Open vSwitch, through ovs-vsctl on its database socket. */
public final class Ovs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(Ovs.class);

  /** An interface of the bridge with its OpenFlow port and our external ids. */
  public record Port(String name, int ofport, Map<String, String> externalIds, String error) {}

  private final String db;
  private final Function<List<String>, String> run;

  /**
   * @param db the OVSDB target, e.g. {@code unix:/var/run/openvswitch/db.sock}
   */
  public Ovs(String db) {
    this(db, Exec::run);
  }

  /** As above, running commands with {@code run} (their output, or an {@link Exec.Failure}). */
  Ovs(String db, Function<List<String>, String> run) {
    this.db = db;
    this.run = run;
  }

  public String vsctl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=" + db, "--timeout=20"));
    cmd.addAll(List.of(args));
    return run.apply(cmd);
  }

  public String vsctl(List<String> args) {
    return vsctl(args.toArray(String[]::new));
  }

  /** Changes waiting for the next shared transaction. Guarded by {@code this}. */
  private final List<Change> queued = new ArrayList<>();

  /** Whether {@link #committer} has rounds to commit. Guarded by {@code this}. */
  private boolean committing;

  /** Commits the queued changes, round after round. */
  private final ExecutorService committer =
      Executors.newSingleThreadExecutor(NodeAgent.daemon("ovsdb-commit"));

  /** Commands in one shared transaction at most. */
  static final int MAX_ROUND = 100;

  private record Change(List<String> args, CompletableFuture<Void> done) {}

  /**
   * Runs one ovs-vsctl command (its words, e.g. {@code add-port br0 p1 -- set Interface p1 ...}),
   * sharing the transaction with the commands other threads ask for meanwhile (a group commit):
   * ovs-vswitchd reconsiders every port of the bridge once per transaction, so with hundreds of
   * ports one transaction for many new ports costs about what one for a single port does. Returns
   * when the change is applied. While a transaction runs, the next callers' commands queue and go
   * together in the next one; if a shared transaction fails (nothing of it is applied), its
   * commands are run one by one, so each caller gets its own outcome.
   */
  public void change(List<String> args) {
    Change c = new Change(List.copyOf(args), new CompletableFuture<>());
    synchronized (this) {
      queued.add(c);
      if (!committing) {
        committing = true;
        committer.execute(this::commitQueued);
      }
    }
    try {
      c.done().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** How many changes wait for the next transaction (for tests that line callers up). */
  synchronized int waiting() {
    return queued.size();
  }

  /** Commits rounds of queued changes until none is left. */
  private void commitQueued() {
    while (true) {
      List<Change> round;
      synchronized (this) {
        if (queued.isEmpty()) {
          committing = false;
          return;
        }
        List<Change> next = queued.subList(0, Math.min(queued.size(), MAX_ROUND));
        round = List.copyOf(next);
        next.clear();
      }
      commit(round);
    }
  }

  private void commit(List<Change> round) {
    if (round.size() > 1) {
      List<String> all = new ArrayList<>();
      for (Change c : round) {
        if (!all.isEmpty()) {
          all.add("--");
        }
        all.addAll(c.args());
      }
      try {
        vsctl(all);
        LOG.debug("{} changes in one OVSDB transaction", round.size());
        round.forEach(c -> c.done().complete(null));
        return;
      } catch (RuntimeException e) {
        // The transaction is all or nothing: nothing was applied. Each on its own tells which.
      }
    }
    for (Change c : round) {
      try {
        vsctl(c.args());
        c.done().complete(null);
      } catch (RuntimeException e) {
        c.done().completeExceptionally(e);
      }
    }
  }

  /** All interfaces of the database (one bridge per agent), with external ids parsed. */
  public List<Port> ports() {
    String out =
        vsctl(
            "--format=json", "--", "--columns=name,ofport,external_ids,error", "list", "Interface");
    try {
      JsonNode root = JSON.readTree(out);
      List<String> headings = new ArrayList<>();
      root.get("headings").forEach(h -> headings.add(h.asText()));
      List<Port> ports = new ArrayList<>();
      for (JsonNode row : root.get("data")) {
        Map<String, JsonNode> cols = new HashMap<>();
        for (int i = 0; i < headings.size(); i++) {
          cols.put(headings.get(i), row.get(i));
        }
        Map<String, String> ids = map(cols.get("external_ids"));
        JsonNode of = cols.get("ofport");
        int ofport = of != null && of.isInt() ? of.asInt() : -1;
        JsonNode err = cols.get("error");
        String error = err != null && err.isTextual() ? err.asText() : null;
        ports.add(new Port(cols.get("name").asText(), ofport, ids, error));
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse ovs-vsctl output: " + out, e);
    }
  }

  /** A tunnel's BFD session: its state and the last diagnostic. */
  public record Bfd(String state, String diagnostic) {
    /** Up, or never established (so no failure is known: the tunnel is presumed usable). */
    public boolean usable() {
      return state.isEmpty() || state.equals("up") || diagnostic.equals("No Diagnostic");
    }
  }

  /**
   * The BFD session of each VXLAN interface that runs one, by the value of its external id {@code
   * peerKey} (the peer it leads to): one query.
   */
  public Map<String, Bfd> tunnelBfd(String peerKey) {
    String out =
        vsctl(
            "--format=json",
            "--",
            "--columns=bfd_status,external_ids",
            "find",
            "Interface",
            "type=vxlan");
    try {
      Map<String, Bfd> result = new HashMap<>();
      for (JsonNode row : JSON.readTree(out).get("data")) {
        Map<String, String> status = map(row.get(0));
        String peer = map(row.get(1)).get(peerKey);
        if (peer != null && !status.isEmpty()) {
          result.put(
              peer,
              new Bfd(status.getOrDefault("state", ""), status.getOrDefault("diagnostic", "")));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse ovs-vsctl output: " + out, e);
    }
  }

  /** An OVSDB map column in ovs-vsctl's JSON ({@code ["map", [[k, v]...]]}); empty otherwise. */
  private static Map<String, String> map(JsonNode column) {
    Map<String, String> out = new HashMap<>();
    if (column != null && column.isArray() && "map".equals(column.get(0).asText())) {
      for (JsonNode kv : column.get(1)) {
        out.put(kv.get(0).asText(), kv.get(1).asText());
      }
    }
    return out;
  }

  /** The OpenFlow port number OVS gave an interface, or -1 if it has none (yet). */
  public int ofport(String iface) {
    String v = vsctl("get", "Interface", iface, "ofport").strip();
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
