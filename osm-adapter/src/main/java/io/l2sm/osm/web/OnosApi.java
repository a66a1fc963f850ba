package io.l2sm.osm.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.metrics.PartMetrics;
import io.l2sm.osm.vpls.InvalidConfigException;
import io.l2sm.osm.vpls.VplsBook;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The part of ONOS's REST API that OSM's {@code onos_vpls} connector uses (ARCHITECTURE §7), and
 * the adapter's own status.
 */
@RestController
public class OnosApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OnosApi.class);

  private final VplsBook book;
  private final AdapterSettings settings;
  private final PrometheusMeterRegistry metrics;

  public OnosApi(VplsBook book, AdapterSettings settings, PrometheusMeterRegistry metrics) {
    this.book = book;
    this.settings = settings;
    this.metrics = metrics;
  }

  static final String NETCFG = "/onos/v1/network/configuration";

  /**
   * The document, or the part of it at {@code /{subjectClass}[/{subject}[/{configKey}]]}: 404 when
   * there is none, as ONOS answers.
   */
  @GetMapping(
      value = {NETCFG, NETCFG + "/**"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Object> configuration(HttpServletRequest request) {
    List<String> at = ConfigPath.of(request, NETCFG);
    if (at.size() > 3) {
      return refuse(request, HttpStatus.NOT_FOUND, "no such configuration path");
    }
    JsonNode part = book.view(at);
    if (part == null) {
      return refuse(
          request, HttpStatus.NOT_FOUND, "Config for '" + String.join("/", at) + "' not found");
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(part);
  }

  /**
   * Applies a document, as ONOS's upload does: each config it carries replaces that config and
   * every other one stays (a POST of only {@code apps} leaves {@code ports} alone). At a subject
   * class, a subject or a config key, the body is that part.
   */
  @PostMapping(value = {NETCFG, NETCFG + "/**"})
  public ResponseEntity<Object> upload(HttpServletRequest request) throws IOException {
    List<String> at = ConfigPath.of(request, NETCFG);
    byte[] body;
    try {
      body = read(request.getInputStream(), settings.maxBodyBytes());
    } catch (TooLarge e) {
      return refuse(request, HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return refuse(request, HttpStatus.BAD_REQUEST, "malformed JSON: " + describe(e));
    }
    if (doc == null || doc.isMissingNode()) {
      return refuse(request, HttpStatus.BAD_REQUEST, "malformed JSON: the body is empty");
    }
    try {
      book.post(at, doc);
    } catch (InvalidConfigException e) {
      return refuse(request, HttpStatus.valueOf(e.status()), e.getMessage());
    }
    return ResponseEntity.ok().build();
  }

  /** Removes the document, a subject class, a subject or a config: 204, as ONOS answers. */
  @DeleteMapping(value = {NETCFG, NETCFG + "/**"})
  public ResponseEntity<Object> remove(HttpServletRequest request) {
    List<String> at = ConfigPath.of(request, NETCFG);
    try {
      book.deleteConfig(at);
    } catch (InvalidConfigException e) {
      return refuse(request, HttpStatus.valueOf(e.status()), e.getMessage());
    }
    return ResponseEntity.noContent().build();
  }

  /**
   * An error answer, logged with its reason: OSM's stock connector turns every non-2xx answer into
   * a status code of its own and drops the body, so the adapter's log is where an operator reads
   * why.
   */
  private static ResponseEntity<Object> refuse(
      HttpServletRequest request, HttpStatus status, String message) {
    LOG.warn(
        "{} {} refused with {}: {}",
        request.getMethod(),
        request.getRequestURI(),
        status.value(),
        message);
    return error(status, message);
  }

  /** ONOS forgets a learnt host; the adapter tracks none (members are ports), so: done. */
  @DeleteMapping({"/onos/v1/hosts/{id}", "/onos/v1/hosts/{mac}/{vlan}"})
  public ResponseEntity<Object> forgetHost() {
    return ResponseEntity.noContent().build();
  }

  /** Every service, its phase, cluster, VNI and problems. */
  @GetMapping(value = "/l2sm/v1/services", produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, VplsBook.ServiceState> services() {
    return book.services();
  }

  /**
   * The adapter's meters ({@link RequestMeter}, services by phase) and the JVM's, in the Prometheus
   * text format; like the probes, no credentials needed (it names no secret).
   */
  @GetMapping("/metrics")
  public ResponseEntity<String> metrics() {
    return ResponseEntity.ok()
        .header("Content-Type", PartMetrics.CONTENT_TYPE)
        .body(metrics.scrape());
  }

  @GetMapping("/healthz")
  public String health() {
    return "ok\n";
  }

  /** Readiness: every controller answers (no credentials needed, as for /healthz). */
  @GetMapping("/readyz")
  public org.springframework.http.ResponseEntity<String> ready() {
    String why = book.notReady();
    return why == null
        ? org.springframework.http.ResponseEntity.ok("ok\n")
        : org.springframework.http.ResponseEntity.status(503).body(why + "\n");
  }

  static String describe(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    // Jackson names the source as "[Source: REDACTED ...; line: L, column: C]": keep the place.
    String message =
        e.getOriginalMessage().replaceAll("\\[Source: .*?; (line: \\d+, column: \\d+)\\]", "$1");
    return message + where;
  }

  static ResponseEntity<Object> error(HttpStatus status, String message) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("code", status.value(), "message", message));
  }

  private static final class TooLarge extends IOException {
    TooLarge(String m) {
      super(m);
    }
  }

  private static byte[] read(InputStream in, int max) throws IOException {
    byte[] data = in.readNBytes(max + 1);
    if (data.length > max) {
      throw new TooLarge("the body is larger than " + max + " bytes");
    }
    return data;
  }
}
