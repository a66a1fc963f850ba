package io.l2sm.lab;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.l2sm.api.k8s.Conditions;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import java.util.Map;

/** The objects the demo, the benchmarks and the tests put into a lab. */
public final class LabObjects {
  private LabObjects() {}

  /** An L2S-M network as a NAD in namespace default. */
  public static NetworkAttachmentDefinition nad(String name, String kind) {
    NetworkAttachmentDefinition n = new NetworkAttachmentDefinition();
    n.getMetadata().setName(name);
    n.getMetadata().setNamespace("default");
    n.getSpec()
        .setConfig(
            "{\"cniVersion\":\"1.0.0\",\"name\":\""
                + name
                + "\",\"type\":\"l2sm\",\"device\":\"l2sm-vNet\",\"kind\":\""
                + kind
                + "\"}");
    return n;
  }

  /**
   * The same network in the form the paper's and most public NADs take: no {@code "name"} in the
   * CNI config, which Multus fills in from the NAD's name.
   */
  public static NetworkAttachmentDefinition unnamedNad(String name, String kind) {
    NetworkAttachmentDefinition n = nad(name, kind);
    n.getSpec().setConfig(n.getSpec().getConfig().replace("\"name\":\"" + name + "\",", ""));
    return n;
  }

  /** An inter-cluster network (a vnet with the lab's provider) as a NAD in namespace default. */
  public static NetworkAttachmentDefinition interClusterNad(String name) {
    NetworkAttachmentDefinition n = nad(name, "vnet");
    n.getSpec()
        .setConfig(
            n.getSpec()
                .getConfig()
                .replace("}", ",\"provider\":{\"name\":\"" + InterDomain.PROVIDER + "\"}}"));
    return n;
  }

  /** A pod of namespace default bound to a node, with these annotations, running sleep. */
  public static Pod sleeper(String name, String node, Map<String, String> annotations) {
    Pod p = idle(name, node, annotations);
    p.getSpec().getContainers().get(0).setCommand(java.util.List.of("sleep", "3600"));
    return p;
  }

  /** As above with no command: the lab runs no process for it, the pod is its network only. */
  public static Pod idle(String name, String node, Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .build();
  }

  /** As {@link #idle}, a member of one network with a fixed address ({@code ip}/24). */
  public static Pod member(String name, String node, String network, String ip) {
    return idle(
        name,
        node,
        Map.of(
            "k8s.v1.cni.cncf.io/networks",
            "[{\"name\":\"" + network + "\",\"ips\":[\"" + ip + "/24\"]}]"));
  }

  /** Whether an L2Network's Ready condition is True. */
  public static boolean ready(L2Network n) {
    if (n == null || n.getStatus() == null) {
      return false;
    }
    var c = Conditions.find(n.getStatus().getConditions(), "Ready");
    return c != null && "True".equals(c.getStatus());
  }
}
