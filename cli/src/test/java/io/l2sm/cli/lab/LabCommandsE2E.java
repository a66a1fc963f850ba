package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.l2sm.cli.Main;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every documented {@code l2sm lab} subcommand, run as a user runs it (a process of its own, stdout
 * and stderr apart) and judged by what it prints: tables by their rows, {@code -o yaml} by parsing
 * the stream, actions by the state they leave. A command that exits 0 and prints the wrong thing
 * fails here.
 */
class LabCommandsE2E {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Set<String> used = new TreeSet<>();

  record Out(int exit, String stdout, String stderr) {}

  /** {@code l2sm lab ARGS...} as a separate process. */
  static Out lab(String... args) throws Exception {
    used.add(args[0]);
    List<String> cmd = new ArrayList<>(Testbed.program());
    cmd.add("lab");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getErrorStream().readAllBytes();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("lab %s finished", List.of(args)).isTrue();
    Out o = new Out(p.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    System.out.println("$ l2sm lab " + String.join(" ", args) + "\n" + o.stdout() + o.stderr());
    return o;
  }

  static Out ok(String... args) throws Exception {
    Out o = lab(args);
    assertThat(o.exit()).as("lab %s: %s", List.of(args), o.stderr()).isZero();
    return o;
  }

  /** The documents of a YAML stream. */
  static List<JsonNode> docs(String yaml) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(yaml)) {
      for (JsonNode d : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (d != null && !d.isNull() && !d.isEmpty()) {
          out.add(d);
        }
      }
    }
    return out;
  }

  static List<String> names(List<JsonNode> docs) {
    return docs.stream().map(d -> d.path("metadata").path("name").asText()).toList();
  }

  /** The table's rows as cells (header first), split on runs of two or more spaces. */
  static List<List<String>> rows(String table) {
    return table
        .lines()
        .filter(l -> !l.isBlank())
        .map(l -> List.of(l.strip().split("\\s{2,}")))
        .toList();
  }

  static final String OBJECTS =
      String.join(
          "\n",
          "apiVersion: k8s.cni.cncf.io/v1",
          "kind: NetworkAttachmentDefinition",
          "metadata:",
          "  name: cmd-net",
          "spec:",
          "  config: '{\"cniVersion\": \"0.3.0\", \"type\": \"l2sm\", \"device\": \"l2sm-vNet\"}'",
          "---",
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: cmd-a",
          "  annotations:",
          "    k8s.v1.cni.cncf.io/networks: '[{\"name\": \"cmd-net\", \"ips\": [\"10.39.0.1/24\"]}]'",
          "spec:",
          "  nodeName: n1",
          "  containers: [{name: c, image: probe:1, command: [sleep, infinity]}]",
          "---",
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: cmd-b",
          "  annotations:",
          "    k8s.v1.cni.cncf.io/networks: '[{\"name\": \"cmd-net\", \"ips\": [\"10.39.0.2/24\"]}]'",
          "spec:",
          "  nodeName: n2",
          "  containers: [{name: c, image: probe:1, command: [sleep, infinity]}]",
          "---",
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: cmd-waits",
          "  annotations:",
          "    k8s.v1.cni.cncf.io/networks: no-such-net",
          "spec:",
          "  containers: [{name: c, image: probe:1, command: [sleep, infinity]}]",
          "");

  static Path objects;

  @BeforeAll
  static void clean() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    objects = Files.createTempFile("lab-commands", ".yaml");
    Files.writeString(objects, OBJECTS);
  }

  @AfterAll
  static void down() {
    Lab.down();
  }

  @Test
  void everyLabSubcommandPrintsWhatItSays() throws Exception {
    assertThat(ok("status").stdout()).isEqualTo("No lab is up.\n");

    Out up = ok("up", "--clusters", "2", "--nodes", "2");
    assertThat(up.stdout())
        .containsPattern("Lab up in [0-9.]+ s: 2 cluster\\(s\\) of 2 node\\(s\\)");
    List<LabInfo> clusters = Lab.clusters();
    assertThat(clusters).extracting(LabInfo::cluster).containsExactly("c1", "c2");
    for (LabInfo c : clusters) {
      assertThat(up.stdout()).contains(c.cluster() + ": API " + c.apiUrl());
      assertThat(up.stdout()).contains("kubeconfig " + c.kubeconfig());
      assertThat(Path.of(c.kubeconfig())).exists();
    }
    LabInfo c1 = clusters.get(0);

    List<List<String>> status = rows(ok("status").stdout());
    assertThat(status.get(0)).containsExactly("CLUSTER", "PART", "STATE", "DETAIL");
    for (String cluster : List.of("c1", "c2")) {
      for (String part : List.of("apiserver", "controller", "operator", "kubelet")) {
        assertThat(status)
            .anyMatch(
                r -> r.size() >= 3 && r.subList(0, 3).equals(List.of(cluster, part, "running")));
      }
      for (String node : List.of("n1", "n2")) {
        assertThat(status)
            .anyMatch(
                r ->
                    r.size() >= 3
                        && r.subList(0, 3).equals(List.of(cluster, "node " + node, "ready")));
      }
    }
    assertThat(status)
        .anyMatch(r -> r.size() >= 3 && r.subList(0, 3).equals(List.of("idco", "idco", "running")));

    // nodes: the table and the YAML agree with the lab's own record of its nodes.
    List<List<String>> nodes = rows(ok("get", "nodes").stdout());
    assertThat(nodes.get(0)).containsExactly("NAME", "STATUS", "INTERNAL-IP", "POD-CIDR");
    for (LabInfo.Node n : c1.nodes()) {
      assertThat(nodes).contains(List.of(n.name(), "Ready", n.ip(), n.podCidr()));
    }
    List<JsonNode> nodeDocs = docs(ok("get", "nodes", "-o", "yaml").stdout());
    assertThat(nodeDocs).extracting(d -> d.path("kind").asText()).containsOnly("Node");
    assertThat(names(nodeDocs)).containsExactlyInAnyOrder("n1", "n2");
    assertThat(nodeDocs.get(0).path("status").path("addresses").get(0).path("address").asText())
        .isIn(c1.nodes().stream().map(LabInfo.Node::ip).toList());
    assertThat(names(docs(ok("get", "no", "-o", "yaml", "--cluster", "c2").stdout())))
        .containsExactlyInAnyOrder("n1", "n2");

    Out applied = ok("apply", "-f", objects.toString());
    assertThat(applied.stdout().lines())
        .containsExactly(
            "networkattachmentdefinition/cmd-net applied",
            "pod/cmd-a applied",
            "pod/cmd-b applied",
            "pod/cmd-waits applied");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                rows(lab("get", "pods").stdout()).stream()
                        .filter(r -> r.size() >= 4 && r.get(3).equals("Running"))
                        .count()
                    == 2);
    List<List<String>> pods = rows(ok("get", "pods").stdout());
    assertThat(pods.get(0)).containsExactly("NAMESPACE", "NAME", "NODE", "PHASE", "IP", "REASON");
    assertThat(pods)
        .anyMatch(r -> r.subList(0, 4).equals(List.of("default", "cmd-a", "n1", "Running")));
    assertThat(pods)
        .anyMatch(r -> r.subList(0, 4).equals(List.of("default", "cmd-b", "n2", "Running")));
    assertThat(pods)
        .anyMatch(
            r ->
                r.get(1).equals("cmd-waits")
                    && r.contains("Pending")
                    && r.contains("NetworkNotFound"));
    List<JsonNode> podDocs = docs(ok("get", "pods", "-o", "yaml").stdout());
    assertThat(names(podDocs)).containsExactlyInAnyOrder("cmd-a", "cmd-b", "cmd-waits");
    JsonNode a =
        podDocs.stream()
            .filter(d -> d.at("/metadata/name").asText().equals("cmd-a"))
            .findFirst()
            .orElseThrow();
    assertThat(a.at("/status/phase").asText()).isEqualTo("Running");
    assertThat(a.at("/metadata/annotations").path("k8s.v1.cni.cncf.io/network-status").asText())
        .contains("10.39.0.1");

    List<JsonNode> nads = docs(ok("get", "nads", "-o", "yaml").stdout());
    assertThat(names(nads)).contains("cmd-net");
    assertThat(nads.get(names(nads).indexOf("cmd-net")).at("/spec/config").asText())
        .contains("\"l2smNetwork\":\"default/cmd-net\"");
    assertThat(rows(ok("get", "nads").stdout()))
        .anyMatch(r -> r.subList(0, 2).equals(List.of("default", "cmd-net")));

    List<List<String>> nets = rows(ok("get", "l2networks").stdout());
    assertThat(nets.get(0))
        .containsExactly("NAMESPACE", "NAME", "TYPE", "VNI", "PODS", "READY", "REASON");
    List<String> net =
        nets.stream().filter(r -> r.get(1).equals("cmd-net")).findFirst().orElseThrow();
    assertThat(net.get(2)).isEqualTo("vnet");
    assertThat(net.get(3)).matches("[0-9]+");
    assertThat(net).contains("True", "NetworkReady");
    List<JsonNode> netDocs = docs(ok("get", "l2networks", "-o", "yaml").stdout());
    assertThat(netDocs)
        .anyMatch(
            d ->
                d.at("/kind").asText().equals("L2Network")
                    && d.at("/metadata/name").asText().equals("cmd-net")
                    && d.at("/status/vni").asText().equals(net.get(3)));

    List<List<String>> overlays = rows(ok("get", "overlays").stdout());
    assertThat(overlays.get(0))
        .containsExactly("NAMESPACE", "NAME", "NODES", "LINKS", "READY", "MESSAGE");
    assertThat(overlays)
        .anyMatch(r -> r.size() > 3 && r.get(2).equals("2") && r.get(3).equals("n1~n2"));
    assertThat(docs(ok("get", "overlays", "-o", "yaml").stdout()))
        .isNotEmpty()
        .allMatch(d -> d.at("/kind").asText().equals("Overlay"));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> lab("get", "events").stdout().contains("NetworkNotFound"));
    assertThat(rows(ok("get", "events").stdout()))
        .anyMatch(r -> r.contains("Pod/cmd-waits") && r.contains("NetworkNotFound"));
    assertThat(docs(ok("get", "events", "-o", "yaml").stdout()))
        .anyMatch(
            d ->
                d.at("/reason").asText().equals("NetworkNotFound")
                    && d.at("/regarding/name").asText().equals("cmd-waits"));

    Out bad = lab("get", "things");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.stderr())
        .contains("KIND must be nodes, pods, l2networks, nads, overlays or events, not things");
    assertThat(bad.stdout()).isEmpty();

    // exec: the command's own output, from the pod's namespace; ping proves the network forwards.
    assertThat(ok("exec", "cmd-a", "--", "ip", "-o", "-4", "addr", "show", "dev", "net1").stdout())
        .contains("10.39.0.1/24");
    Out ping = lab("exec", "cmd-a", "--", "ping", "-c", "3", "-i", "0.2", "-W", "1", "10.39.0.2");
    assertThat(Testbed.received(ping.stdout())).as(ping.stdout()).isGreaterThan(0);
    Out missing = lab("exec", "nobody", "--", "true");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stderr()).contains("pod default/nobody is not running in cluster c1");

    Out device = ok("device", "n1", "dev1", "--ip", "10.39.0.9/24");
    String endpoint = device.stdout().strip();
    assertThat(endpoint).matches("of:[0-9a-f]{16}/[0-9]+");
    assertThat(device.stderr()).contains("ip netns exec " + Lab.deviceNetns("c1", "dev1"));
    assertThat(ok("status").stdout()).contains(endpoint);

    Out restarted = ok("restart", "operator");
    assertThat(restarted.stdout()).containsPattern("operator of c1 restarted in [0-9.]+ s");
    assertThat(rows(ok("status").stdout()))
        .anyMatch(
            r -> r.size() >= 3 && r.subList(0, 3).equals(List.of("c1", "operator", "running")));

    List<List<String>> wan = rows(ok("wan").stdout());
    assertThat(wan.get(0)).containsExactly("LINK", "STATE", "ADDRESSES", "RATE");
    String link = wan.get(1).get(0);
    assertThat(wan.get(1).get(1)).isEqualTo("up");
    assertThat(ok("wan", "cut", link).stdout()).isEqualTo("wan " + link + ": cut\n");
    assertThat(rows(ok("wan").stdout()).get(1).get(1)).isEqualTo("CUT");
    assertThat(ok("wan", "restore", link).stdout()).isEqualTo("wan " + link + ": restore\n");
    assertThat(ok("wan", "rate", link, "40").stdout())
        .isEqualTo("wan " + link + ": rate 40.0 Mbit/s\n");
    assertThat(rows(ok("wan").stdout()).get(1))
        .containsSubsequence("up")
        .anyMatch(c -> c.contains("40"));

    Out deleted = ok("delete", "-f", objects.toString());
    assertThat(deleted.stdout().lines())
        .contains("networkattachmentdefinition/cmd-net deleted", "pod/cmd-a deleted");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> lab("get", "pods").stdout().equals("No pods.\n"));

    assertThat(ok("down").stdout())
        .isEqualTo("Lab down: no namespace, link, Open vSwitch or process left.\n");
    assertThat(Testbed.run("ip netns list | grep -c '^" + Lab.PREFIX + "' || true").out().strip())
        .isEqualTo("0");
    assertThat(ok("status").stdout()).isEqualTo("No lab is up.\n");

    // Nothing the command offers went unchecked.
    Set<String> offered =
        new TreeSet<>(Main.newCommandLine().getSubcommands().get("lab").getSubcommands().keySet());
    offered.remove("help");
    assertThat(used).containsAll(offered);
  }
}
