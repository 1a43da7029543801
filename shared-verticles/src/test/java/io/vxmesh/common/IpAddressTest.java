package io.vxmesh.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "10.1.2.3, 10.1.2.3",
      "127.0.0.1, 127.0.0.1",
      "::ffff:127.0.0.1, 127.0.0.1",   // IPv4-mapped is folded to IPv4
      "fd00::7, fd00:0:0:0:0:0:0:7",
      "::1, 0:0:0:0:0:0:0:1",
  })
  void convertsToAnInetAddressWithoutALookup(String literal, String expected) throws Exception {
    InetAddress a = IpAddress.parse(literal).toInetAddress();
    assertEquals(expected, a.getHostAddress());
    assertEquals(InetAddress.getByName(expected), a);
    assertEquals(IpAddress.parse(literal), IpAddress.of(a.getAddress()));
  }
}
