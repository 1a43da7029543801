package io.vxmesh.proxy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Named conditions that must all hold before {@code /ready} answers 200. */
public final class Readiness {
  private final Map<String, String> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> firstReady = new CompletableFuture<>();

  /** Registers a condition, not yet met; {@code why} says what is awaited. */
  public void require(String name, String why) {
    pending.put(name, why);
  }

  public void met(String name) {
    if (pending.remove(name) != null && pending.isEmpty()) {
      firstReady.complete(null);
    }
  }

  /** Completes the first time every required condition is met (never before one is required). */
  public CompletionStage<Void> firstReady() {
    return firstReady.minimalCompletionStage();
  }

  public void unmet(String name, String why) {
    pending.put(name, why);
  }

  public boolean isReady() {
    return pending.isEmpty();
  }

  /** What is still awaited, for the 503 body. */
  public Map<String, String> pending() {
    return Map.copyOf(pending);
  }
}
