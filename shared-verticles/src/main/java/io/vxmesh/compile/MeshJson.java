package io.vxmesh.compile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON forms of compiled output: the whole mesh (golden files, config dumps, and the form the
 * cluster carries) and a proxy's table. Deterministic: map keys sorted, lists in compiled order.
 */
public final class MeshJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private MeshJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String toPrettyJson(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static CompiledMesh parseMesh(String json) {
    try {
      return MAPPER.readValue(json, CompiledMesh.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a compiled mesh: " + e.getOriginalMessage(), e);
    }
  }

  /** The mesh with {@code digest} set to a hash of its content. */
  static CompiledMesh withDigest(CompiledMesh draft) {
    CompiledMesh blank = new CompiledMesh("", draft.settings(), draft.services(), draft.pods(), draft.gateways(),
        draft.virtualServices(), draft.destinations(), draft.access(), draft.egress(), draft.findings());
    String digest = sha256(toJson(blank)).substring(0, 16);
    return new CompiledMesh(digest, draft.settings(), draft.services(), draft.pods(), draft.gateways(),
        draft.virtualServices(), draft.destinations(), draft.access(), draft.egress(), draft.findings());
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A proxy's table as an operator reads it: per listener or destination, the rules in order with
   * their conditions and resolved endpoints.
   */
  public static ObjectNode table(ProxyTable t) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", t.version());
    root.set("identity", MAPPER.valueToTree(t.identity()));
    root.set("settings", MAPPER.valueToTree(t.settings()));
    root.set("access", MAPPER.valueToTree(t.access()));
    if (t.identity().role() == ProxyIdentity.Role.GATEWAY) {
      ArrayNode listeners = root.putArray("listeners");
      for (ProxyTable.Listener l : t.listeners()) {
        ObjectNode ln = listeners.addObject();
        ln.put("port", l.port());
        ln.set("gateways", MAPPER.valueToTree(l.gateways()));
        ln.set("routes", routeTable(t.gatewayRoutes().get(l.port())));
      }
    } else {
      ObjectNode dests = root.putObject("destinations");
      Map<String, Map<Integer, RouteTable>> sorted = new TreeMap<>();
      t.serviceRoutes().forEach((ip, ports) -> sorted.put(ip.toString(), ports));
      sorted.forEach((ip, ports) -> {
        ObjectNode byPort = dests.putObject(ip);
        new TreeMap<>(ports).forEach((port, rt) -> byPort.set(Integer.toString(port), routeTable(rt)));
      });
      ObjectNode egress = root.putObject("egress");
      new TreeMap<>(t.egress().byPort()).forEach((port, rules) -> {
        ArrayNode rn = egress.putArray(Integer.toString(port));
        for (EgressTable.Rule r : rules) {
          ObjectNode o = rn.addObject();
          o.put("policy", r.policy());
          o.put("protocol", r.protocol());
          o.set("hosts", MAPPER.valueToTree(r.hosts()));
          o.set("ipAddresses", MAPPER.valueToTree(r.ipAddresses()));
          o.set("routes", r.restricted()
              ? MAPPER.valueToTree(r.routes().stream().map(m -> m.route()).toList()) : MAPPER.getNodeFactory().textNode("any"));
        }
      });
    }
    return root;
  }

  private static ObjectNode routeTable(RouteTable rt) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", rt.name());
    n.put("protocol", rt.protocol().wire());
    ArrayNode rules = n.putArray("rules");
    for (CompiledRule r : rt.rules()) {
      ObjectNode rn = rules.addObject();
      rn.put("rule", r.ref().toString());
      rn.set("conditions", MAPPER.valueToTree(r.conditions()));
      rn.set("route", route(r.route()));
    }
    if (rt.fallback() != null) {
      n.set("default", route(rt.fallback()));
    }
    return n;
  }

  private static ArrayNode route(Route route) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Target t : route.targets()) {
      ObjectNode tn = a.addObject();
      tn.put("destination", t.describe());
      tn.put("weight", t.weight());
      tn.set("policy", MAPPER.valueToTree(t.policy()));
      tn.set("endpoints", MAPPER.valueToTree(List.copyOf(t.endpoints().stream().map(Upstream::toString).toList())));
    }
    return a;
  }
}
