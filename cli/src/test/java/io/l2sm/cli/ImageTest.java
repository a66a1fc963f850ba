package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The container image's recipe (images/), checked without a Docker engine (none can run here): its
 * instructions are well formed, what it copies exists or is what the build produces, its entrypoint
 * is the launcher the chart's containers call, and its scripts parse.
 */
class ImageTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The Dockerfile as instructions: continuation lines joined, comments dropped. */
  static List<String> instructions() throws Exception {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : Files.readAllLines(ROOT.resolve("images/Dockerfile"))) {
      if (line.startsWith("#") || (line.isBlank() && cur.isEmpty())) {
        continue;
      }
      String t = line.strip();
      if (t.endsWith("\\")) {
        cur.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      cur.append(t);
      out.add(cur.toString().replaceAll("\\s+", " "));
      cur.setLength(0);
    }
    assertThat(cur).as("a continued line at the end").isEmpty();
    return out;
  }

  @Test
  void theDockerfileIsWellFormedAndCopiesWhatExists() throws Exception {
    List<String> ins = instructions();
    assertThat(ins.get(0)).startsWith("FROM eclipse-temurin:17-");
    List<String> known =
        List.of("FROM", "RUN", "COPY", "ENTRYPOINT", "CMD", "ENV", "USER", "WORKDIR", "LABEL");
    for (String i : ins) {
      assertThat(known).as(i).contains(i.split(" ", 2)[0]);
      if (i.startsWith("COPY ")) {
        String src = i.split(" ")[1];
        if (src.startsWith("cli/target/")) {
          // Made by the build: the CLI module's jar name and its dependency folder.
          String pom = Files.readString(ROOT.resolve("cli/pom.xml"));
          assertThat(pom)
              .contains("<finalName>l2sm-cli</finalName>")
              .contains("${project.build.directory}/lib");
        } else {
          assertThat(ROOT.resolve(src)).as(i).exists();
        }
      }
      if (i.startsWith("RUN apt-get")) {
        assertThat(i).contains("--no-install-recommends").contains("rm -rf /var/lib/apt/lists/*");
      }
    }
    assertThat(ins).contains("ENTRYPOINT [\"l2sm\"]");
    assertThat(ins).anyMatch(i -> i.equals("COPY images/l2sm /usr/local/bin/l2sm"));
  }

  @Test
  void theConformanceProbeImageHasTheToolsTheSuiteRunsInPods() throws Exception {
    String d = Files.readString(ROOT.resolve("images/conformance-probe/Dockerfile"));
    String suite =
        Files.readString(ROOT.resolve("conformance/src/main/java/io/l2sm/conformance/Suite.java"));
    // Each tool the suite's pod commands start, and the Debian package that brings it.
    for (String[] tool :
        new String[][] {
          {"ping -", "iputils-ping"},
          {"arping ", "arping"},
          {"tcpdump ", "tcpdump"},
          {"timeout ", "coreutils"},
          {"/usr/bin/python3 ", "python3-scapy"}
        }) {
      assertThat(suite).as("the suite runs " + tool[0]).contains(tool[0]);
      assertThat(d).as(tool[1]).contains(" " + tool[1]);
    }
    assertThat(d).contains("--no-install-recommends").contains("rm -rf /var/lib/apt/lists/*");
    assertThat(Files.readString(ROOT.resolve("docs/conformance.md")))
        .contains("images/conformance-probe/Dockerfile");
  }

  @Test
  void theChartRunsTheImagesLauncherAndItsBundledOvsScript() throws Exception {
    Path templates = ROOT.resolve("helm-charts/l2sm/templates");
    // The agents (and the edge device) get the bundled Open vSwitch containers from one helper.
    assertThat(Files.readString(templates.resolve("agent.yaml")))
        .contains("include \"l2sm.bundledOvs\"");
    assertThat(Files.readString(templates.resolve("edge-device.yaml")))
        .contains("include \"l2sm.bundledOvs\"");
    List<String> ins = instructions();
    assertThat(Files.readString(templates.resolve("_helpers.tpl")))
        .contains("command: [\"/usr/share/l2sm/ovs-bundled.sh\"");
    assertThat(ins).contains("COPY images/ovs-bundled.sh /usr/share/l2sm/ovs-bundled.sh");
    String launcher = Files.readString(ROOT.resolve("images/l2sm"));
    assertThat(launcher).contains("-jar /opt/l2sm/l2sm-cli.jar \"$@\"");
    assertThat(ins).contains("COPY cli/target/l2sm-cli.jar /opt/l2sm/l2sm-cli.jar");
  }

  @Test
  void theScriptsParseAndTheBundledOvsScriptRefusesAnUnknownDaemon() throws Exception {
    for (String s : List.of("images/l2sm", "images/ovs-bundled.sh")) {
      Process p =
          new ProcessBuilder("sh", "-n", ROOT.resolve(s).toString())
              .redirectErrorStream(true)
              .start();
      assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
      assertThat(Files.isExecutable(ROOT.resolve(s))).as(s).isTrue();
    }
    Process p =
        new ProcessBuilder("sh", ROOT.resolve("images/ovs-bundled.sh").toString(), "nope").start();
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(new String(p.getErrorStream().readAllBytes()))
        .contains("usage: ovs-bundled.sh ovsdb-server|ovs-vswitchd");
  }
}
