package io.l2sm.cli;

import io.l2sm.api.grpc.Credentials;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The TLS options of the processes. Credentials are a folder as a Kubernetes TLS Secret with its CA
 * is mounted: {@code tls.crt}, {@code tls.key}, {@code ca.crt}.
 */
final class TlsOptions {
  private TlsOptions() {}

  /** {@code --tls-dir} / {@code --allow-unauthenticated} of the controller and the IDCO. */
  static final class Server {
    @Option(
        names = "--tls-dir",
        paramLabel = "DIR",
        description =
            "The controller's credentials: tls.crt, tls.key and the L2S-M ca.crt. gRPC and OpenFlow"
                + " are served over mutual TLS (switches dial ssl:HOST:PORT with a certificate the"
                + " CA signed); each gRPC call is authorized by the role in its client"
                + " certificate's common name. Files are re-read when they change.")
    Path dir;

    @Option(
        names = "--allow-unauthenticated",
        description =
            "Development only: without --tls-dir, serve plaintext and let any client do"
                + " anything. Logged as a warning at every start.")
    boolean allowUnauthenticated;

    void check(CommandSpec spec) {
      if (dir == null && !allowUnauthenticated) {
        throw new ParameterException(
            spec.commandLine(),
            "no credentials: --tls-dir DIR (tls.crt, tls.key, ca.crt) is required;"
                + " --allow-unauthenticated runs an open controller for development");
      }
      if (dir != null && allowUnauthenticated) {
        throw new ParameterException(
            spec.commandLine(), "--tls-dir and --allow-unauthenticated exclude each other");
      }
      if (dir != null) {
        // Fail before binding anything: precise errors on a bad folder.
        try (Credentials c = Credentials.load(dir)) {
          c.commonName();
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "--tls-dir " + e.getMessage());
        }
      }
    }
  }

  /** {@code --controller-credentials} of the controller's clients. */
  static final class Client {
    @Option(
        names = "--controller-credentials",
        paramLabel = "DIR",
        description =
            "This process's identity towards the controller: tls.crt and tls.key (common name"
                + " agent:NODE, operator, adapter, reader or admin; an agent also takes NODE.crt and"
                + " NODE.key) and the ca.crt that signed the controller's certificate. Without it the channel is plaintext, which only a"
                + " controller run with --allow-unauthenticated takes.")
    Path dir;

    /**
     * Checks a node's credentials (a bad folder is a usage error) for the agent, which loads them.
     */
    Path checkedFor(CommandSpec spec, String node) {
      if (dir == null) {
        return null;
      }
      try (Credentials c = Credentials.forNode(dir, node)) {
        return dir;
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--controller-credentials " + e.getMessage());
      }
    }

    /** The credentials, or null for plaintext; a bad folder is a usage error. */
    Credentials load(CommandSpec spec) {
      if (dir == null) {
        return null;
      }
      try {
        return Credentials.load(dir);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--controller-credentials " + e.getMessage());
      }
    }
  }
}
