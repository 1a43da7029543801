package io.vxmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --transport / VXMESH_TRANSPORT: how it is read, and what auto resolves to. */
class TransportChoiceTest {

  /** The same transport as Vert.x's constant of that name: same name, availability and implementation. */
  static void assertSame(Transport expected, Transport actual) {
    assertEquals(expected.name(), actual.name());
    assertEquals(expected.available(), actual.available());
    assertEquals(expected.implementation().getClass(), actual.implementation().getClass());
  }

  @ParameterizedTest
  @CsvSource({
      "auto, AUTO",
      "io_uring, IO_URING",
      "io-uring, IO_URING",
      "IO_URING, IO_URING",
      "' epoll ', EPOLL",
      "nio, NIO",
  })
  void parsesEveryName(String text, TransportChoice expected) {
    assertEquals(expected, TransportChoice.parse("--transport", text));
  }

  @ParameterizedTest
  @CsvSource({"uring", "kqueue", "''"})
  void rejectsOtherNamesNamingWhereTheyCameFrom(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TransportChoice.of(new JsonObject(), Map.of("VXMESH_TRANSPORT", text)));
    assertTrue(e.getMessage().startsWith("VXMESH_TRANSPORT must be auto, io_uring, epoll or nio"), e.getMessage());
  }

  @Test
  void theFlagWinsOverTheEnvironmentAndAutoIsTheDefault() {
    assertEquals(TransportChoice.NIO,
        TransportChoice.of(new JsonObject().put("transport", "nio"), Map.of("VXMESH_TRANSPORT", "epoll")));
    assertEquals(TransportChoice.EPOLL, TransportChoice.of(new JsonObject(), Map.of("VXMESH_TRANSPORT", "epoll")));
    assertEquals(TransportChoice.AUTO, TransportChoice.of(new JsonObject(), Map.of()));
  }

  @Test
  void autoTakesIoUringThenEpollThenNio() {
    TransportChoice.Resolved r = TransportChoice.AUTO.resolve();
    if (Transport.IO_URING.available()) {
      assertSame(Transport.IO_URING, r.transport());
      assertNull(r.fallback());
    } else if (Transport.EPOLL.available()) {
      assertSame(Transport.EPOLL, r.transport());
      assertTrue(r.fallback().startsWith("io_uring unavailable ("), r.fallback());
      assertTrue(r.fallback().endsWith("; using epoll"), r.fallback());
    } else {
      assertSame(Transport.NIO, r.transport());
      assertTrue(r.fallback().endsWith("); using NIO"), r.fallback());
    }
  }

  @Test
  void anInsistedTransportIsThatOneOrAnError() {
    assertSame(Transport.NIO, TransportChoice.NIO.resolve().transport());
    for (TransportChoice c : new TransportChoice[] {TransportChoice.IO_URING, TransportChoice.EPOLL}) {
      Transport t = c == TransportChoice.IO_URING ? Transport.IO_URING : Transport.EPOLL;
      if (t.available()) {
        assertSame(t, c.resolve().transport());
        assertNull(c.resolve().fallback());
      } else {
        IllegalStateException e = assertThrows(IllegalStateException.class, c::resolve);
        assertTrue(e.getMessage().startsWith("--transport " + c.wire() + ": unavailable here ("), e.getMessage());
      }
    }
  }
}
