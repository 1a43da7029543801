package io.vxmesh.compile;

import java.util.List;

/**
 * Weighted destinations. A connection goes to target i with probability weight_i / totalWeight;
 * targets of weight 0 never get one.
 */
public record Route(List<Target> targets, int totalWeight) {

  public Route {
    targets = List.copyOf(targets);
  }

  public static Route of(List<Target> targets) {
    int sum = 0;
    for (Target t : targets) {
      sum += t.weight();
    }
    return new Route(targets, sum);
  }

  /** The target for a uniform draw {@code r} in {@code [0, totalWeight)}. */
  public Target pick(int r) {
    int acc = 0;
    for (Target t : targets) {
      acc += t.weight();
      if (r < acc) {
        return t;
      }
    }
    throw new IllegalArgumentException("draw " + r + " outside [0, " + totalWeight + ")");
  }
}
