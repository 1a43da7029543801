package io.vxmesh.proxy;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/** The random draws of the data path (weighted targets, endpoints), injectable so tests are exact. */
@FunctionalInterface
public interface RandomSource {

  /** A uniform int in {@code [0, bound)}. */
  int nextInt(int bound);

  static RandomSource threadLocal() {
    return bound -> ThreadLocalRandom.current().nextInt(bound);
  }

  /** A seeded, reproducible source; synchronized so it may be shared by event loops. */
  static RandomSource seeded(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return bound -> {
      synchronized (r) {
        return r.nextInt(bound);
      }
    };
  }
}
