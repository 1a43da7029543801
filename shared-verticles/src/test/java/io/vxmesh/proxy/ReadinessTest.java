package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The first-ready signal the start-up JIT priority waits for. */
class ReadinessTest {

  @Test
  void firstReadyCompletesOnlyWhenEveryRequiredConditionIsMet() {
    Readiness r = new Readiness();
    var first = r.firstReady().toCompletableFuture();
    r.met("never-required");
    assertFalse(first.isDone(), "meeting a condition nobody required is not readiness");
    r.require("config", "no mesh yet");
    r.require("listeners", "not bound");
    r.met("config");
    assertFalse(first.isDone());
    assertFalse(r.isReady());
    r.met("listeners");
    assertTrue(first.isDone());
    assertTrue(r.isReady());
    r.unmet("listeners", "cannot bind");
    assertFalse(r.isReady());
    assertTrue(first.isDone(), "first ready stays done");
  }
}
