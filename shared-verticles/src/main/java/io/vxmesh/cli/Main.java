package io.vxmesh.cli;

import io.vertx.core.json.JsonObject;
import io.vxmesh.common.LogSetup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/** What both main classes share: logging set-up, start, and failing loudly when start fails. */
public final class Main {
  /** Returned by a command that started a server: the process keeps running. */
  public static final int KEEP_RUNNING = Integer.MIN_VALUE;

  /** The JVM flag that makes a run the launcher's AOT training run, and names the cache it writes. */
  private static final String AOT_OUTPUT = "-XX:AOTCacheOutput=";

  private Main() {}

  /**
   * The first thing both main classes do, before picocli builds its model: the JIT's start-up
   * priority (when the launcher asked for it) and the warm-up threads; both return at once.
   */
  public static void beforeParsing() {
    JitPriority.lowerAtStart();
    Warmup.start();
  }

  /**
   * Ends a main command: returns at once for a proxy that keeps running, else exits with
   * {@code code}. A failed run (not 0) that was the launcher's AOT training run leaves a
   * {@code <cache>.discard} marker beside the cache the JVM writes as it exits, and the launcher
   * throws that cache away: one trained on a start that failed (a mistyped flag, a port in use)
   * would hold only the classes of the failure, and every later start would take it.
   */
  public static void exit(int code) {
    if (code == KEEP_RUNNING) {
      return;
    }
    if (code != 0) {
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith(AOT_OUTPUT)) {
          try {
            Files.write(Path.of(arg.substring(AOT_OUTPUT.length()) + ".discard"), new byte[0]);
          } catch (IOException | RuntimeException ignored) {
            // the launcher then keeps the cache; nothing else depends on it
          }
        }
      }
    }
    System.exit(code);
  }

  /**
   * Runs a main command from its arguments. {@code lean} makes its command line without the
   * subcommands, {@code full} with them: picocli builds the model of every subcommand when a
   * command line is made (~30 ms of a start, on main), and a proxy's arguments name none. They are
   * parsed with the lean model and run with it when they parse and ask for no help; anything else
   * (a subcommand's name, help, a mistake) is run with the full model, so the usage, errors and
   * suggestions the user sees are the whole command's.
   */
  public static int execute(Supplier<CommandLine> lean, Supplier<CommandLine> full, String[] args) {
    CommandLine cmd = lean.get();
    try {
      CommandLine.ParseResult parsed = cmd.parseArgs(args);
      if (!parsed.isUsageHelpRequested() && !parsed.isVersionHelpRequested()) {
        return cmd.execute(args);
      }
    } catch (CommandLine.ParameterException notForTheLeanModel) {
      // a subcommand, or a mistake: the full model runs it, or says what is wrong
    }
    return full.get().execute(args);
  }

  public static int runProxy(JsonObject flags, ProxyLauncher.RoleModule module) {
    String level = flags.getString("logLevel", System.getenv().getOrDefault("VXMESH_LOG_LEVEL", "info"));
    LogSetup.install(switch (level.toLowerCase(Locale.ROOT)) {
      case "error" -> Level.SEVERE;
      case "warn", "warning" -> Level.WARNING;
      case "debug" -> Level.FINE;
      case "trace" -> Level.FINEST;
      default -> Level.INFO;
    });
    Logger log = Logger.getLogger(Main.class.getName());
    CompletableFuture<Integer> started = new CompletableFuture<>();
    try {
      ProxyLauncher.start(flags, System.getenv(), module).onComplete(ar -> {
        if (ar.succeeded()) {
          ProxyLauncher.Running running = ar.result();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              running.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
              // exiting anyway
            }
          }, "vxmesh-shutdown"));
          if (JitPriority.startNice() > 0) {
            // Start-up is over at the first /ready (or after 10 s in any case): the JIT gets its CPU back.
            running.runtime().readiness().firstReady().toCompletableFuture()
                .completeOnTimeout(null, 10, java.util.concurrent.TimeUnit.SECONDS)
                .thenRunAsync(JitPriority::restore, r -> Thread.ofVirtual().name("vxmesh-jit-priority").start(r));
          }
          started.complete(KEEP_RUNNING);
        } else {
          log.severe("vxmesh could not start: " + ar.cause().getMessage());
          started.complete(ar.cause() instanceof IllegalArgumentException ? 2 : 1);
        }
      });
      return started.join();
    } catch (IllegalArgumentException e) {
      log.severe("vxmesh could not start: " + e.getMessage());
      return 2;
    }
  }
}
