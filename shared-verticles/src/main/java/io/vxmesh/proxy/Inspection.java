package io.vxmesh.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Waits for enough of a client's first bytes to tell something about them (a TLS ClientHello, an
 * HTTP request head), bounded in bytes ({@link Intake#MAX_HELD}) and time. The bytes stay held in
 * the {@link Intake} for whatever handles the connection next. Runs on the connection's event loop.
 */
final class Inspection<T> {

  /** Default time a client has to send what is inspected, as Envoy's listener filter timeout. */
  static final long DEFAULT_TIMEOUT_MS = 5_000;

  /** Why an inspection ended without a verdict. */
  enum Failure { TIMEOUT, CLIENT_GONE }

  /**
   * Looks at what is held so far (never null: empty when nothing arrived); returns a verdict, or
   * null when more bytes are needed. {@code exhausted} is true when no more bytes can come (FIN,
   * close, hold full): the probe must then decide.
   */
  interface Probe<T> {
    T look(ByteBuf held, boolean exhausted);
  }

  private final Channel channel;
  private final Intake intake;
  private final Probe<T> probe;
  private final Consumer<T> verdict;
  private final Consumer<Failure> failure;
  private ScheduledFuture<?> timer;
  private boolean done;

  private Inspection(Channel channel, Intake intake, Probe<T> probe, Consumer<T> verdict, Consumer<Failure> failure) {
    this.channel = channel;
    this.intake = intake;
    this.probe = probe;
    this.verdict = verdict;
    this.failure = failure;
  }

  static <T> void run(Channel channel, Intake intake, long timeoutMs, Probe<T> probe, Consumer<T> verdict,
      Consumer<Failure> failure) {
    Inspection<T> i = new Inspection<>(channel, intake, probe, verdict, failure);
    i.timer = channel.eventLoop().schedule(i::timedOut, timeoutMs, TimeUnit.MILLISECONDS);
    i.check();
    if (!i.done) {
      intake.watch(i::check);
    }
  }

  /** A probe from a parser function that returns null while it needs more bytes. */
  static <T> Probe<T> of(Function<ByteBuf, T> parse, Function<ByteBuf, T> whenExhausted) {
    return (held, exhausted) -> {
      T t = parse.apply(held);
      return t != null || !exhausted ? t : whenExhausted.apply(held);
    };
  }

  private void check() {
    if (done) {
      return;
    }
    if (intake.inactive()) {
      end();
      failure.accept(Failure.CLIENT_GONE);
      return;
    }
    ByteBuf held = intake.peek();
    T t = probe.look(held == null ? Unpooled.EMPTY_BUFFER : held, intake.exhausted());
    if (t != null) {
      end();
      // Not from inside the Intake's read: what comes next replaces it in the pipeline.
      channel.eventLoop().execute(() -> verdict.accept(t));
    }
  }

  private void timedOut() {
    if (!done) {
      end();
      failure.accept(channel.isActive() ? Failure.TIMEOUT : Failure.CLIENT_GONE);
    }
  }

  private void end() {
    done = true;
    timer.cancel(false);
    intake.unwatch();
  }
}
