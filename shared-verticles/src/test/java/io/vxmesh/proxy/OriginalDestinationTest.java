package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The sockaddr layouts the kernel returns (the socket option itself is proven in network namespaces). */
class OriginalDestinationTest {

  @Test
  void parsesSockaddrIn() throws Exception {
    ByteBuffer b = ByteBuffer.wrap(new byte[] {2, 0, 0x4A, 0x38, 10, 96, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0});
    InetSocketAddress a = OriginalDestination.parseV4(b);
    assertEquals("10.96.0.12", a.getAddress().getHostAddress());
    assertEquals(19000, a.getPort());
  }

  @Test
  void parsesSockaddrIn6() throws Exception {
    byte[] raw = new byte[28];
    raw[0] = 10;
    raw[2] = 0x23;
    raw[3] = 0x28;
    raw[8] = (byte) 0xfd;
    raw[23] = 7;
    InetSocketAddress a = OriginalDestination.parseV6(ByteBuffer.wrap(raw));
    assertEquals("fd00:0:0:0:0:0:0:7", a.getAddress().getHostAddress());
    assertEquals(9000, a.getPort());
  }
}
