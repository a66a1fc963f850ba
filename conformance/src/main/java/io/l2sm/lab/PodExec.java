package io.l2sm.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod {@code exec} subresource for the lab's API server, in the Kubernetes channel protocol
 * over a WebSocket ({@code v4.channel.k8s.io}): the command runs in the pod's network namespace
 * (found in the lab kubelet's state), its stdout and stderr go out as channel 1 and 2 frames as
 * they come, and a Status on channel 3 carries the exit code. No stdin, no TTY: what a client needs
 * to run commands in pods, as {@code kubectl exec} without {@code -i}.
 */
final class PodExec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/exec$");
  private static final long TIMEOUT_S = 600;

  private final Path podState;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "apiserver-exec");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param podState the lab kubelet's folder (its {@code kubelet-state.json})
   */
  PodExec(Path podState) {
    this.podState = podState;
  }

  /** The namespace and pod of an exec path, or null for any other path. */
  static String[] target(String path) {
    Matcher m = PATH.matcher(path);
    return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
  }

  /** The {@code command} parameters of the query string, in order, decoded. */
  static List<String> command(String query) {
    List<String> out = new ArrayList<>();
    for (String p : query.split("&")) {
      if (p.startsWith("command=")) {
        out.add(URLDecoder.decode(p.substring("command=".length()), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** The response to an exec request: a WebSocket that runs the command, or an error. */
  MockResponse respond(String namespace, String pod, String query) {
    List<String> command = command(query);
    if (command.isEmpty()) {
      return error(400, "BadRequest", "exec needs at least one command parameter");
    }
    if (query.contains("stdin=true") || query.contains("tty=true")) {
      return error(400, "BadRequest", "the lab's exec has no stdin and no TTY");
    }
    Kubelet.PodRecord r;
    try {
      r = Kubelet.readState(podState).get(namespace + "/" + pod);
    } catch (IOException e) {
      return error(500, "InternalError", "cannot read the kubelet's state: " + e.getMessage());
    }
    if (r == null || r.ended() != null) {
      return error(
          404, "NotFound", "pod " + namespace + "/" + pod + " is not running on the lab's nodes");
    }
    String netns = r.netns();
    return new MockResponse()
        .withWebSocketUpgrade(
            new WebSocketListener() {
              @Override
              public void onOpen(WebSocket ws, Response response) {
                workers.execute(() -> run(ws, netns, command));
              }
            });
  }

  private static void run(WebSocket ws, String netns, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    full.addAll(command);
    int exit;
    try {
      Process p =
          new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(devNull())).start();
      Thread err = new Thread(() -> pump(p.getErrorStream(), ws, 2), "apiserver-exec-err");
      err.start();
      pump(p.getInputStream(), ws, 1);
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      err.join(5000);
      exit = p.exitValue();
    } catch (IOException e) {
      send(ws, 2, ("cannot run " + command.get(0) + ": " + e.getMessage() + "\n").getBytes());
      exit = 126;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = 130;
    }
    send(ws, 3, status(exit).toString().getBytes(StandardCharsets.UTF_8));
    ws.close(1000, "");
  }

  private static java.io.File devNull() {
    return new java.io.File("/dev/null");
  }

  /** Copies a stream to a channel, frame by frame as it is read. */
  private static void pump(InputStream in, WebSocket ws, int channel) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        byte[] chunk = new byte[n];
        System.arraycopy(buf, 0, chunk, 0, n);
        send(ws, channel, chunk);
      }
    } catch (IOException e) {
      // The process ended: its exit code tells the rest.
    }
  }

  /** One frame; stdout's and stderr's threads take turns per socket. */
  private static void send(WebSocket ws, int channel, byte[] data) {
    byte[] frame = new byte[data.length + 1];
    frame[0] = (byte) channel;
    System.arraycopy(data, 0, frame, 1, data.length);
    synchronized (ws) {
      ws.send(frame);
    }
  }

  /** The Status the API server sends on channel 3: Success, or the non-zero exit code. */
  static ObjectNode status(int exit) {
    ObjectNode s = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    if (exit == 0) {
      return s.put("status", "Success");
    }
    s.put("status", "Failure")
        .put("reason", "NonZeroExitCode")
        .put("message", "command terminated with non-zero exit code: " + exit);
    s.putObject("details")
        .putArray("causes")
        .addObject()
        .put("reason", "ExitCode")
        .put("message", Integer.toString(exit));
    return s;
  }

  private static MockResponse error(int code, String reason, String message) {
    return DiscoveryDispatcher.json(code, DiscoveryDispatcher.status(code, reason, message));
  }

  void close() {
    workers.shutdownNow();
  }
}
