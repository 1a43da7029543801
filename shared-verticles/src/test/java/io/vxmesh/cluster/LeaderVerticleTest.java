package io.vxmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a new leader's generations start: after the cluster's latest, never below the clock. */
class LeaderVerticleTest {

  @ParameterizedTest(name = "latest {0}, clock {1} -> {2}")
  @CsvSource({
      // first leader of a fresh cluster: the clock
      "0, 1764660000000, 1764660000000",
      // a leader that published faster than the clock: continue after it
      "1764660000500, 1764660000100, 1764660000500",
      // a later leader: the clock has moved past everything published
      "1764660000005, 1764660090000, 1764660090000",
      // the map was lost with every data member: the clock still beats what sidecars hold
      "0, 1764660100000, 1764660100000",
  })
  void startGeneration(long latest, long clock, long expected) {
    assertEquals(expected, LeaderVerticle.startGeneration(latest, clock));
  }
}
