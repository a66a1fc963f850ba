package io.l2sm.osm.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l2sm.osm.vpls.InvalidConfigException;
import io.l2sm.osm.vpls.VplsBook;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
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

  private final VplsBook book;
  private final AdapterSettings settings;

  public OnosApi(VplsBook book, AdapterSettings settings) {
    this.book = book;
    this.settings = settings;
  }

  @GetMapping(value = "/onos/v1/network/configuration", produces = MediaType.APPLICATION_JSON_VALUE)
  public ObjectNode configuration() {
    return book.view();
  }

  /** Replaces the whole document, as ONOS does for a POST of the root. */
  @PostMapping(value = "/onos/v1/network/configuration")
  public ResponseEntity<Object> replace(HttpServletRequest request) throws IOException {
    byte[] body;
    try {
      body = read(request.getInputStream(), settings.maxBodyBytes());
    } catch (TooLarge e) {
      return error(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return error(HttpStatus.BAD_REQUEST, "malformed JSON: " + describe(e));
    }
    if (doc == null || doc.isMissingNode()) {
      return error(HttpStatus.BAD_REQUEST, "malformed JSON: the body is empty");
    }
    try {
      book.post(doc);
    } catch (InvalidConfigException e) {
      return error(HttpStatus.valueOf(e.status()), e.getMessage());
    }
    return ResponseEntity.ok().build();
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

  @GetMapping("/healthz")
  public String health() {
    return "ok\n";
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
