package io.l2sm.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code l2sm lab up} built of one cluster, as {@code cluster.json} in the cluster's folder:
 * the other lab commands and the cluster's lab kubelet read it.
 *
 * @param cluster the cluster's name
 * @param dir its folder (logs, kubelet state, agent sockets)
 * @param apiUrl its API server
 * @param kubeconfig a kubeconfig file for it
 * @param controllerGrpc the controller's gRPC address
 * @param cniPlugin the installed CNI plugin
 * @param nodes the nodes
 * @param processes each long-running part's command line, by part name ({@code apiserver}, {@code
 *     controller}, {@code operator}, {@code kubelet}, {@code agent-<node>})
 */
public record LabInfo(
    String cluster,
    String dir,
    String apiUrl,
    String kubeconfig,
    String controllerGrpc,
    String cniPlugin,
    List<Node> nodes,
    java.util.Map<String, List<String>> processes) {

  /**
   * A lab node.
   *
   * @param name node name
   * @param netns its network namespace
   * @param ip its underlay address
   * @param agentSocket its agent's CNI socket
   * @param podCidr the subnet of its pods' eth0 (the flat network)
   * @param gateway the node's address in that subnet
   */
  public record Node(
      String name, String netns, String ip, String agentSocket, String podCidr, String gateway) {}

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static Path file(Path dir) {
    return dir.resolve("cluster.json");
  }

  public static LabInfo read(Path dir) throws IOException {
    return JSON.readValue(file(dir).toFile(), LabInfo.class);
  }

  public void write(Path dir) throws IOException {
    io.l2sm.files.AtomicFiles.replace(file(dir), JSON.writeValueAsBytes(this));
  }

  /** A Kubernetes client of the cluster at this kubeconfig file. */
  public static io.fabric8.kubernetes.client.KubernetesClient client(Path kubeconfig)
      throws IOException {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(
            io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(kubeconfig)))
        .build();
  }

  /** A Kubernetes client of this cluster. */
  public io.fabric8.kubernetes.client.KubernetesClient client() throws IOException {
    return client(Path.of(kubeconfig));
  }

  public Node node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
  }
}
