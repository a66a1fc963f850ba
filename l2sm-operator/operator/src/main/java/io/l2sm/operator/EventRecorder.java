package io.l2sm.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events about the objects the operator handles (events.k8s.io/v1). */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient client;
  private final String reporter;

  /**
   * @param reporter the reporting controller's name, e.g. {@code l2sm-operator}
   */
  public EventRecorder(KubernetesClient client, String reporter) {
    this.client = client;
    this.reporter = reporter;
  }

  /**
   * The API's MicroTime: always six fractional digits (kube-apiserver refuses an Event whose time
   * has nanoseconds, as {@link Instant#toString} gives them).
   */
  static MicroTime microTime(Instant at) {
    return new MicroTime(MICROS.format(at));
  }

  private static final java.time.format.DateTimeFormatter MICROS =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
          .withZone(java.time.ZoneOffset.UTC);

  /** Records an Event; a failure to record is logged, never fatal. */
  public void emit(HasMetadata about, boolean warning, String reason, String message) {
    String ns = about.getMetadata().getNamespace();
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(about.getMetadata().getName() + ".")
            .withNamespace(ns)
            .endMetadata()
            .withEventTime(microTime(Instant.now()))
            .withReportingController(reporter)
            .withReportingInstance(reporter)
            .withAction("Reconcile")
            .withType(warning ? "Warning" : "Normal")
            .withReason(reason)
            .withNote(message)
            .withRegarding(
                new ObjectReferenceBuilder()
                    .withApiVersion(about.getApiVersion())
                    .withKind(about.getKind())
                    .withNamespace(ns)
                    .withName(about.getMetadata().getName())
                    .withUid(about.getMetadata().getUid())
                    .build())
            .build();
    try {
      client.events().v1().events().inNamespace(ns).resource(e).create();
    } catch (KubernetesClientException ex) {
      LOG.warn(
          "cannot record event {} on {}: {}",
          reason,
          about.getMetadata().getName(),
          ex.getMessage());
    }
    LOG.info(
        "{} {}/{}: {}: {}",
        warning ? "Warning" : "Normal",
        ns,
        about.getMetadata().getName(),
        reason,
        message);
  }
}
