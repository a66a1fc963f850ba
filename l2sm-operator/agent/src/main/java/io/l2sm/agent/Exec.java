package io.l2sm.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a system command (ip, ovs-vsctl, nsenter...) and returns its output or fails clearly. */
public final class Exec {
  /** The command failed; the message holds the command line and what it printed on stderr. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exit;
    private final String stderr;

    Failure(List<String> cmd, int exit, String stderr) {
      super(String.join(" ", cmd) + " failed (exit " + exit + "): " + stderr.strip());
      this.exit = exit;
      this.stderr = stderr;
    }

    public int exit() {
      return exit;
    }

    public String stderr() {
      return stderr;
    }
  }

  private Exec() {}

  public static String run(String... cmd) {
    return run(List.of(cmd), null);
  }

  public static String run(List<String> cmd) {
    return run(cmd, null);
  }

  /** Runs the command, feeding {@code stdin} if not null; 30 s at most. */
  public static String run(List<String> cmd, String stdin) {
    Process p;
    try {
      p = new ProcessBuilder(cmd).start();
    } catch (IOException e) {
      throw new Failure(cmd, 127, "cannot start: " + e.getMessage());
    }
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = read(p.getInputStream());
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new Failure(cmd, -1, "timed out after 30 s");
      }
      if (p.exitValue() != 0) {
        throw new Failure(cmd, p.exitValue(), err.join());
      }
      return out;
    } catch (IOException e) {
      throw new Failure(cmd, -1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new Failure(cmd, -1, "interrupted");
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
