package io.l2sm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The TLS options of the processes: a server's certificate and key, a client's CA. */
final class TlsOptions {
  private TlsOptions() {}

  /** {@code --tls-cert} / {@code --tls-key} of the controller and the IDCO. */
  static final class Server {
    @Option(
        names = "--tls-cert",
        paramLabel = "PEM",
        description =
            "Serve gRPC and OpenFlow over TLS with this certificate chain (switches then dial"
                + " ssl:HOST:PORT).")
    Path cert;

    @Option(
        names = "--tls-key",
        paramLabel = "PEM",
        description = "The key of --tls-cert (PKCS#8).")
    Path key;

    void check(CommandSpec spec) {
      if ((cert == null) != (key == null)) {
        throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
      }
    }
  }

  /** {@code --controller-ca} of the controller's clients. */
  static final class ControllerCa {
    @Option(
        names = "--controller-ca",
        paramLabel = "PEM",
        description = "The CA of the controller's certificate: its gRPC API over TLS.")
    Path ca;
  }
}
