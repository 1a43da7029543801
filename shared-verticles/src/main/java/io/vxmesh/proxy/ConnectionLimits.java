package io.vxmesh.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** DestinationRule {@code maxConnections}: open upstream connections per destination, process-wide. */
public final class ConnectionLimits {
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  /** Takes a slot for {@code key}; false when {@code max} (0 = unlimited) are already open. */
  public boolean tryAcquire(String key, int max) {
    AtomicInteger n = open.computeIfAbsent(key, k -> new AtomicInteger());
    while (true) {
      int cur = n.get();
      if (max > 0 && cur >= max) {
        return false;
      }
      if (n.compareAndSet(cur, cur + 1)) {
        return true;
      }
    }
  }

  public void release(String key) {
    AtomicInteger n = open.get(key);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  public int open(String key) {
    AtomicInteger n = open.get(key);
    return n == null ? 0 : n.get();
  }
}
