package io.vxmesh.common;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging set up for a proxy: one line per record on standard error, ISO time, level,
 * short logger name. Used both as {@code java.util.logging.config.class} and programmatically.
 */
public final class LogSetup {

  public LogSetup() {
    install(Level.INFO);
  }

  public static void install(Level level) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter(new OneLine());
    root.addHandler(handler);
    root.setLevel(level);
    // Netty and Hazelcast are chatty at INFO about things a proxy user does not act on.
    Logger.getLogger("io.netty").setLevel(Level.WARNING);
    Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
  }

  static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      String name = r.getLoggerName() == null ? "" : r.getLoggerName();
      int dot = name.lastIndexOf('.');
      StringBuilder sb = new StringBuilder(160)
          .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
          .append(r.getLevel().getName()).append(' ')
          .append(dot >= 0 ? name.substring(dot + 1) : name).append(": ")
          .append(formatMessage(r)).append('\n');
      if (r.getThrown() != null) {
        Throwable t = r.getThrown();
        sb.append("  ").append(t).append('\n');
        for (StackTraceElement e : t.getStackTrace()) {
          sb.append("    at ").append(e).append('\n');
        }
      }
      return sb.toString();
    }
  }
}
