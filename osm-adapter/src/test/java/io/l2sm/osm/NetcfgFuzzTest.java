package io.l2sm.osm;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l2sm.osm.vpls.InvalidConfigException;
import io.l2sm.osm.vpls.Netcfg;
import io.l2sm.osm.vpls.OnosVplsClient;
import java.util.ArrayList;
import java.util.List;

/**
 * ONOS network-configuration documents as any client may post them, at the root or at a part of the
 * document: applied or refused with {@link InvalidConfigException} (a 4xx), never another exception
 * (a 500). The documents are built from the words the VPLS app reads, so the fuzzer gets past JSON
 * syntax into the document's rules; raw text is fuzzed too. Runs its seeds with the unit tests;
 * {@code scripts/fuzz.sh} fuzzes it.
 */
class NetcfgFuzzTest {
  static final String[] WORDS = {
    "ports", "apps", "org.onosproject.vpls", "vpls", "vplsList", "interfaces", "name", "vlan",
    "encapsulation", "NONE", "VLAN", "MPLS", "l2smKind", "vlink", "lastUpdateTime", "devices",
    "of:0000000000000011/1", "of:0000000000000022/7", "of:zz/1", "e1", "e2", ""
  };

  static JsonNode build(FuzzedDataProvider data, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (depth <= 0 ? data.consumeInt(0, 3) : data.consumeInt(0, 5)) {
      case 0:
        return f.textNode(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(12));
      case 1:
        return f.numberNode(data.consumeInt());
      case 2:
        return f.nullNode();
      case 3:
        return f.booleanNode(data.consumeBoolean());
      case 4:
        {
          ArrayNode a = f.arrayNode();
          int n = data.consumeInt(0, 4);
          for (int i = 0; i < n; i++) {
            a.add(build(data, depth - 1));
          }
          return a;
        }
      default:
        {
          ObjectNode o = f.objectNode();
          int n = data.consumeInt(0, 4);
          for (int i = 0; i < n; i++) {
            String key = data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(12);
            o.set(key, build(data, depth - 1));
          }
          return o;
        }
    }
  }

  @FuzzTest(maxDuration = "20s")
  void postedDocument(FuzzedDataProvider data) {
    List<String> at = new ArrayList<>();
    int depth = data.consumeInt(0, 4);
    for (int i = 0; i < depth; i++) {
      at.add(data.pickValue(WORDS));
    }
    JsonNode body;
    if (data.consumeBoolean()) {
      body = build(data, 6);
    } else {
      try {
        body = OnosVplsClient.JSON.readTree(data.consumeRemainingAsString());
      } catch (JsonProcessingException expected) {
        return; // the adapter answers 400 "malformed JSON"
      }
    }
    try {
      Netcfg merged = Netcfg.empty().merge(at, body);
      merged.view(0);
      merged.view(0, at);
      merged.removed(at);
      for (String vpls : merged.vpls().keySet()) {
        merged.without(vpls);
      }
      Netcfg.parse(merged.view(0));
    } catch (InvalidConfigException expected) {
      // refused with a status and a message
    }
  }
}
