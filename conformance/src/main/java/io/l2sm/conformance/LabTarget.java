package io.l2sm.conformance;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.l2sm.lab.InterDomain;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** A cluster of the lab: pods' commands run in their network namespaces (nsenter-style). */
public final class LabTarget implements Target {
  private final LabInfo lab;
  private final KubernetesClient client;

  public LabTarget(LabInfo lab) {
    this.lab = lab;
    try {
      this.client = lab.client();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String describe() {
    return "lab cluster " + lab.cluster() + " (" + lab.nodes().size() + " nodes)";
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public List<String> nodes() {
    return lab.nodes().stream().map(LabInfo.Node::name).toList();
  }

  @Override
  public Exec exec(String namespace, String pod, String command) {
    Kubelet.PodRecord r;
    try {
      r = Kubelet.readState(Path.of(lab.dir())).get(namespace + "/" + pod);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (r == null) {
      throw new IllegalStateException("pod " + namespace + "/" + pod + " is not running");
    }
    Testbed.Result res =
        Testbed.run(
            "ip netns exec " + r.netns() + " sh -c '" + command.replace("'", "'\\''") + "'");
    return new Exec(res.exit(), res.out());
  }

  @Override
  public java.util.Set<Hook> hooks() {
    return java.util.EnumSet.allOf(Hook.class);
  }

  @Override
  public boolean restart(String part) throws Exception {
    if (part.startsWith("ovs-")) {
      Lab.restartSwitch(lab, part.substring("ovs-".length()));
    } else if (part.equals(InterDomain.NAME)) {
      LabInfo idco = Lab.idco();
      if (idco == null) {
        return false;
      }
      Lab.restart(idco, part);
    } else {
      Lab.restart(lab, part);
    }
    return true;
  }

  @Override
  public boolean setNodeLinked(String node, boolean linked) {
    Lab.setNodeLinked(lab, node, linked);
    return true;
  }

  @Override
  public boolean setWanUp(Target other, boolean up) throws Exception {
    LabInfo idco = Lab.idco();
    if (idco == null || !(other instanceof LabTarget o)) {
      return false;
    }
    String a = lab.cluster();
    String b = o.lab.cluster();
    InterDomain.WanLink link =
        InterDomain.wan(idco).stream()
            .filter(
                l -> (l.a().equals(a) && l.b().equals(b)) || (l.a().equals(b) && l.b().equals(a)))
            .findFirst()
            .orElse(null);
    if (link == null) {
      return false;
    }
    InterDomain.setWanUp(idco, link, up);
    return true;
  }

  @Override
  public void close() {
    client.close();
  }
}
