package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRecordTest {

  @Test
  void oneJsonLineWithEveryField() throws Exception {
    AccessRecord r = new AccessRecord(0, 12, "gateway:19000", "127.0.0.1:5000", "127.0.2.1:19000",
        List.of("istio-system/ingressgateway-1"), "istio-system/vs tcp[1]", "echo.default.svc.cluster.local:19000",
        "10.0.0.1:9000", 5, 11, 1, CloseReason.COMPLETED, "a \"quoted\"\nline");
    String line = r.toJson();
    assertEquals(-1, line.indexOf('\n'));
    JsonNode j = new ObjectMapper().readTree(line);
    assertEquals("1970-01-01T00:00:00Z", j.get("start").asText());
    assertEquals(12, j.get("duration_ms").asInt());
    assertEquals("gateway:19000", j.get("listener").asText());
    assertEquals("istio-system/ingressgateway-1", j.get("gateway").get(0).asText());
    assertEquals("istio-system/vs tcp[1]", j.get("route").asText());
    assertEquals("10.0.0.1:9000", j.get("upstream").asText());
    assertEquals(5, j.get("bytes_received").asInt());
    assertEquals(11, j.get("bytes_sent").asInt());
    assertEquals("completed", j.get("close_reason").asText());
    assertEquals("a \"quoted\"\nline", j.get("detail").asText());
  }
}
