package io.l2sm.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.l2sm.api.grpc.GrpcControllerClient;
import io.l2sm.operator.NetworkReconciler;
import io.l2sm.operator.OverlayReconciler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code l2sm operator}: the Kubernetes operator process. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the L2S-M operator: it keeps every L2S-M NetworkAttachmentDefinition and its L2Network"
          + " in step, creates each network in the controller (VNI recorded in the L2Network's"
          + " status), reports Ready with a reason, and holds a network's deletion (finalizer)"
          + " while pods are attached. It also checks each Overlay and reports it in its status.",
      "",
      "All its state lives in the Kubernetes API: a restarted operator converges to the same"
          + " result."
    })
public class OperatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig of the cluster (default: $KUBECONFIG, ~/.kube/config or in-cluster).")
  Path kubeconfig;

  @Option(
      names = "--controller",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9650",
      description = "The controller's gRPC address (default: ${DEFAULT-VALUE}).")
  String controller;

  private io.l2sm.operator.ProviderClient providers() throws java.io.IOException {
    if (providerTokenFile == null) {
      return null;
    }
    if (!Files.isReadable(providerTokenFile)) {
      throw new ParameterException(
          spec.commandLine(), "--provider-token-file " + providerTokenFile + " is not readable");
    }
    String token = Files.readString(providerTokenFile).strip();
    if (token.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--provider-token-file " + providerTokenFile + " is empty");
    }
    javax.net.ssl.SSLContext tls = null;
    if (providerCa != null) {
      try {
        tls = io.l2sm.api.grpc.Credentials.trusting(providerCa);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--provider-ca " + e.getMessage());
      }
    }
    return new io.l2sm.operator.ProviderClient(token, tls);
  }

  @Option(
      names = "--provider-ca",
      paramLabel = "PEM",
      description =
          "The CA certificates of the providers' (IDCOs') HTTPS certificates (default: the JVM's"
              + " trusted CAs).")
  Path providerCa;

  @picocli.CommandLine.Mixin TlsOptions.Client controllerCredentials = new TlsOptions.Client();

  @Option(
      names = "--provider-token-file",
      paramLabel = "FILE",
      description =
          "The bearer token the operator presents to inter-domain providers (IDCOs). Without it"
              + " inter-cluster networks (those with a provider) are not Ready: UnknownProvider.")
  Path providerTokenFile;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = ":9652",
      description =
          "Probes: /healthz (the informers watch), /readyz (they have listed their objects and the"
              + " controller is reachable); /metrics (Prometheus text) (default: ${DEFAULT-VALUE}).")
  String http;

  @Option(
      names = "--webhook",
      paramLabel = "HOST:PORT",
      description =
          "Serve the pod admission webhook over HTTPS here (path "
              + io.l2sm.operator.PodWebhook.PATH
              + "): it writes a pod's upstream l2sm/networks requests into"
              + " k8s.v1.cni.cncf.io/networks, which Multus reads. Needs --webhook-tls.")
  String webhook;

  @Option(
      names = "--webhook-tls",
      paramLabel = "DIR",
      description =
          "The webhook's certificate: a folder with tls.crt (naming the webhook's Service),"
              + " tls.key and ca.crt.")
  Path webhookTls;

  /** The first problem named, or null. */
  static String first(String... problems) {
    for (String p : problems) {
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  @picocli.CommandLine.Mixin Logging.Options logging = new Logging.Options();

  @Override
  public Integer call() throws Exception {
    // First: a class's logger made before would keep the short commands' level.
    Logging.part(spec, logging, "operator", java.util.Map.of());
    // Before anything logs: the first logger fixes the level.
    Config config;
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        throw new ParameterException(
            spec.commandLine(), "--kubeconfig " + kubeconfig + " is not a readable file");
      }
      config = Config.fromKubeconfig(Files.readString(kubeconfig));
    } else {
      config = Config.autoConfigure(null);
    }
    if ((webhook == null) != (webhookTls == null)) {
      throw new ParameterException(
          spec.commandLine(), "--webhook and --webhook-tls go together: give both or neither");
    }
    InetSocketAddress webhookAddress =
        webhook == null ? null : Daemons.address(spec, "--webhook", webhook);
    io.l2sm.api.grpc.Credentials loaded = null;
    if (webhookTls != null) {
      try {
        loaded = io.l2sm.api.grpc.Credentials.load(webhookTls);
      } catch (RuntimeException e) {
        throw new ParameterException(spec.commandLine(), "--webhook-tls: " + e.getMessage());
      }
    }
    try (io.l2sm.api.grpc.Credentials webhookCredentials = loaded;
        io.l2sm.api.grpc.Credentials credentials = controllerCredentials.load(spec);
        io.l2sm.operator.PodWebhook pods =
            webhookAddress == null
                ? null
                : io.l2sm.operator.PodWebhook.start(
                    webhookAddress, webhookCredentials.serverContext());
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        GrpcControllerClient grpc = GrpcControllerClient.open(controller, credentials);
        NetworkReconciler networks = new NetworkReconciler(client, grpc, providers());
        OverlayReconciler overlays = new OverlayReconciler(client);
        HealthServer health =
            HealthServer.start(
                Daemons.address(spec, "--http", http),
                () -> first(networks.notLive(), overlays.notLive()),
                () -> first(networks.notReady(), overlays.notReady(), grpc.unreachable()))) {
      networks.start();
      overlays.start();
      System.err.println(
          "l2sm operator: watching networks on "
              + config.getMasterUrl()
              + ", controller "
              + controller);
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return ExitCodes.OK;
  }
}
