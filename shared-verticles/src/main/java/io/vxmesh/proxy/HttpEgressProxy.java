package io.vxmesh.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.UpstreamPolicy;
import io.vxmesh.proxy.protocol.BodyFraming;
import io.vxmesh.proxy.protocol.ChunkedBody;
import io.vxmesh.proxy.protocol.HttpRequestHead;
import io.vxmesh.proxy.protocol.HttpResponseHead;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1 egress connection: every request the client sends is checked against the Egress http
 * rules of the port in force at that moment (its Host, then the HTTPRouteGroup matches of the rule);
 * an allowed request goes to the host it names, resolved by the proxy (as OSM routes http egress by
 * DNS: a client cannot reach another address by sending an allowed Host to it); a request that no
 * rule allows gets {@code 404 Not Found} on the same connection, which stays open for the next
 * request (keep-alive). When the policy is deleted, the next request closes the connection.
 *
 * <p>Bytes are forwarded as they came (heads and bodies are not re-encoded); the parsers only find
 * where each message ends. One exchange at a time: the next request head is read once the response
 * to the previous one is complete (pipelined requests wait in the buffer). Bodies stream with
 * back-pressure both ways (locally generated 404s included); the upstream connection is opened at the
 * first allowed request, reopened if the server closed it between requests, and replaced when a
 * request names another host. A {@code 101 Switching Protocols} answer to an upgrade request hands
 * both connections to a {@link Relay}. Runs on the client connection's event loop.
 */
final class HttpEgressProxy {

  static final String HANDLER_NAME = "vxmesh-http-egress";
  /** Largest request or response head accepted (as Envoy's default max_request_headers_kb 60). */
  static final int MAX_HEAD = 60 * 1024;

  /** Told once, on the event loop, when the connection is over. */
  interface Outcome {
    void closed(CloseReason reason, String detail, Exchange summary, long fromDownstream, long fromUpstream);
  }

  /**
   * What the connection did, for the access log: the first allowed request's policy and host, the
   * address it went to, and counts.
   */
  record Exchange(String route, String host, String upstream, int requests, int refused, int connects) {}

  private enum Req { HEAD, BODY, SKIP }

  private enum Resp { IDLE, HEAD, BODY }

  private final ProxyRuntime rt;
  private final Channel down;
  private final ConnectionFacts facts;
  private final Decision.HttpEgress decision;
  private final ProxyMetrics.RouteMeters meters;
  private final IdleTimer idle;
  private final Outcome outcome;
  private final CompositeByteBuf in;
  private final CompositeByteBuf upIn;
  private final DownSide downSide = new DownSide();
  private final UpSide upSide = new UpSide();

  private Channel up;
  /** The host (name or address) the upstream connection goes to; a request for another one reconnects. */
  private String upHost;
  private boolean connecting;
  private CompositeByteBuf pendingUp;

  private Req req = Req.HEAD;
  private BodyFraming reqFraming = BodyFraming.NONE;
  private long reqRemaining;
  private ChunkedBody reqChunks;
  private Resp resp = Resp.IDLE;
  private String respMethod;
  private BodyFraming respFraming = BodyFraming.NONE;
  private long respRemaining;
  private ChunkedBody respChunks;
  private boolean respStarted;
  private boolean closeAfterExchange;
  private boolean clientFin;
  private boolean finished;

  private String route = "-";
  private String host = "-";
  private String upstreamAddress = "-";
  private int requests;
  private int refused;
  private int connects;
  private boolean upgradeRequested;
  /** Exchanges completed on the current upstream connection (a reused one may have been closed). */
  private int exchangesOnUp;
  /** The head of the request in flight when it has no body: sent again if a reused connection drops. */
  private ByteBuf replay;
  private long fromDown;
  private long fromUp;

  /**
   * @param facts    what the connection was decided with; each request is decided again with them
   *                 against the table then in force
   * @param decision the decision at accept
   */
  HttpEgressProxy(ProxyRuntime rt, Channel downstream, ConnectionFacts facts, Decision.HttpEgress decision,
      ProxyMetrics.RouteMeters meters, long idleMillis, Outcome outcome) {
    this.rt = rt;
    this.meters = meters;
    this.down = downstream;
    this.facts = facts;
    this.decision = decision;
    this.idle = new IdleTimer(downstream.eventLoop(), idleMillis, () -> abort(CloseReason.IDLE_TIMEOUT,
        "no bytes either way for " + idleMillis + " ms"));
    this.outcome = outcome;
    this.in = downstream.alloc().compositeBuffer(64);
    this.upIn = downstream.alloc().compositeBuffer(64);
  }

  /** Takes the connection over from its {@link Intake} (the bytes it held come first). */
  void start(Intake intake) {
    ByteBuf held = intake.takeHeld();
    boolean fin = intake.inputShutdown();
    boolean gone = intake.inactive();
    down.pipeline().replace(intake, HANDLER_NAME, downSide);
    if (held != null) {
      fromDown += held.readableBytes();
      in.addComponent(true, held);
    }
    if (gone || !down.isActive()) {
      end(CloseReason.DOWNSTREAM_CLOSED, "client left before its request was read");
      return;
    }
    clientFin = fin;
    idle.start();
    down.config().setAutoRead(true);
    requests();
  }

  // ---------------------------------------------------------------- requests (client -> upstream)

  /** Moves the request side on as far as the bytes at hand allow. */
  private void requests() {
    boolean wroteUp = false;
    while (!finished) {
      if (req == Req.HEAD) {
        if (resp != Resp.IDLE) {
          down.config().setAutoRead(false); // one exchange at a time; the next request waits in `in`
          break;
        }
        if (!in.isReadable()) {
          if (clientFin) {
            closeBoth(CloseReason.COMPLETED, "");
            return;
          }
          readDownstream();
          break;
        }
        HttpRequestHead.Result r = HttpRequestHead.parse(in, MAX_HEAD);
        if (r instanceof HttpRequestHead.NeedMore) {
          if (in.readableBytes() >= MAX_HEAD) {
            reply(431, "Request Header Fields Too Large", "request head over " + MAX_HEAD + " bytes");
          } else if (clientFin) {
            closeBoth(CloseReason.DOWNSTREAM_CLOSED, "client closed in the middle of a request head");
          } else {
            readDownstream();
          }
          break;
        }
        if (r instanceof HttpRequestHead.NotHttp n) {
          reply(400, "Bad Request", "not an HTTP/1 request on an http egress port: " + n.why());
          return;
        }
        if (r instanceof HttpRequestHead.Malformed m) {
          reply(400, "Bad Request", "malformed request: " + m.why());
          return;
        }
        HttpRequestHead.Head h = (HttpRequestHead.Head) r;
        requests++;
        closeAfterExchange |= !h.keepAlive();
        reqFraming = h.bodyFraming();
        reqRemaining = reqFraming instanceof BodyFraming.ContentLength cl ? cl.length() : 0;
        reqChunks = reqFraming instanceof BodyFraming.Chunked ? new ChunkedBody() : null;
        String hostHeader = h.header("host");
        if (hostHeader != null && h.host() != null && !hostHeader.equalsIgnoreCase(h.host())) {
          reply(400, "Bad Request", "the request target names " + h.host() + " but its Host header " + hostHeader);
          return;
        }
        Verdict v = verdict(h);
        if (v == null) {
          return; // access revoked: the connection is closed
        }
        if (v.target() == null) {
          refused++;
          in.skipBytes(h.length());
          if (h.expectsContinue() && !(reqFraming instanceof BodyFraming.None)) {
            // The client waits for 100 Continue before sending the body it will now never send.
            closeAfterExchange = true;
          }
          writeDown(response(404, "Not Found", closeAfterExchange));
          down.flush();
          if (closeAfterExchange) {
            closeBoth(CloseReason.COMPLETED, "");
            return;
          }
          req = reqFraming instanceof BodyFraming.None ? Req.HEAD : Req.SKIP;
          if (!down.isWritable()) {
            // The client is not reading its answers: read no more requests until it does.
            down.config().setAutoRead(false);
            break;
          }
          continue;
        }
        if (route.equals("-")) {
          route = v.route();
          host = h.host() == null ? "-" : h.host();
        }
        upgradeRequested = h.header("upgrade") != null;
        if (up != null && !connecting && !v.target().equals(upHost)) {
          // A request for another host: the previous exchange is over, so its connection can go.
          Channel old = up;
          up = null;
          upIn.skipBytes(upIn.readableBytes());
          old.close();
        }
        upHost = v.target();
        releaseReplay();
        if (reqFraming instanceof BodyFraming.None && up != null && exchangesOnUp > 0) {
          replay = in.copy(in.readerIndex(), h.length());
        }
        writeUp(take(in, h.length()));
        wroteUp = true;
        respMethod = h.method();
        resp = Resp.HEAD;
        respStarted = false;
        req = reqFraming instanceof BodyFraming.None ? Req.HEAD : Req.BODY;
        continue;
      }
      // BODY (forwarded) or SKIP (the body of a refused request, discarded)
      int n;
      if (reqChunks != null) {
        n = reqChunks.scan(in);
        if (reqChunks.failed()) {
          if (req == Req.SKIP) {
            closeBoth(CloseReason.BAD_REQUEST, "malformed chunked body: " + reqChunks.failure());
          } else {
            abort(CloseReason.BAD_REQUEST, "malformed chunked request body: " + reqChunks.failure());
          }
          return;
        }
      } else {
        n = (int) Math.min(reqRemaining, in.readableBytes());
        reqRemaining -= n;
      }
      if (n > 0) {
        if (req == Req.BODY) {
          writeUp(take(in, n));
          wroteUp = true;
        } else {
          in.skipBytes(n);
        }
      }
      boolean bodyDone = reqChunks != null ? reqChunks.done() : reqRemaining == 0;
      if (bodyDone) {
        req = Req.HEAD;
        continue;
      }
      if (clientFin) {
        abort(CloseReason.DOWNSTREAM_CLOSED, "client closed in the middle of a request body");
        return;
      }
      readDownstream();
      break;
    }
    if (finished) {
      return;
    }
    in.discardReadComponents();
    if (wroteUp && up != null) {
      up.flush();
    }
  }

  /**
   * Where a request may go: {@code target} null = refused (404). Null when egress is no longer
   * allowed at all for this connection (the policy was deleted): the connection is then closed.
   */
  private record Verdict(String target, String route) {}

  private Verdict verdict(HttpRequestHead.Head h) {
    Decision now = rt.tables().table().decide(facts);
    if (now instanceof Decision.Passthrough p && p.external()) {
      return new Verdict(p.ip().toString(), p.why()); // mesh-wide passthrough: as it is, to where it was going
    }
    if (!(now instanceof Decision.HttpEgress current)) {
      abort(CloseReason.DENIED, "egress access revoked by mesh version " + rt.tables().applied().version());
      return null;
    }
    String by = current.allow(h.host(), h.method(), h.path(), header -> joined(h, header));
    return by == null ? new Verdict(null, null) : new Verdict(Decision.HttpEgress.hostOf(h.host()), by);
  }

  /** A header's values joined as one (as HTTP allows for repeated fields), or null. */
  private static String joined(HttpRequestHead.Head h, String name) {
    java.util.List<String> all = h.headers().getAll(name);
    return all.isEmpty() ? null : String.join(",", all);
  }

  private void readDownstream() {
    boolean upstreamBusy = up != null ? !up.isWritable()
        : pendingUp != null && pendingUp.readableBytes() >= Intake.MAX_HELD;
    if (!finished && !clientFin && !upstreamBusy && down.isWritable()) {
      down.config().setAutoRead(true);
    }
  }

  private void writeUp(ByteBuf buf) {
    if (up != null && !connecting) {
      up.write(buf, up.voidPromise());
      if (!up.isWritable()) {
        down.config().setAutoRead(false);
      }
      return;
    }
    if (pendingUp == null) {
      pendingUp = down.alloc().compositeBuffer(16);
    }
    pendingUp.addComponent(true, buf);
    if (pendingUp.readableBytes() >= Intake.MAX_HELD) {
      down.config().setAutoRead(false);
    }
    if (up == null && !connecting) {
      connect();
    }
  }

  private void connect() {
    connecting = true;
    connects++;
    String target = upHost;
    rt.upstreams().connect(down.eventLoop(), InetSocketAddress.createUnresolved(target, decision.port()),
        UpstreamPolicy.DEFAULT_CONNECT_TIMEOUT_MS).onComplete(ar -> {
      connecting = false;
      if (finished) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      if (ar.failed()) {
        if (pendingUp != null) {
          pendingUp.release();
          pendingUp = null;
        }
        resp = Resp.IDLE;
        meters.connectFailures.increment();
        reply(502, "Bad Gateway", "cannot connect to " + target + ":" + decision.port() + ": "
            + ar.cause().getMessage());
        return;
      }
      up = ar.result();
      exchangesOnUp = 0;
      upstreamAddress = String.valueOf(up.remoteAddress()).replaceFirst("^[^/]*/", "");
      up.pipeline().addBefore(Tail.NAME, HANDLER_NAME, upSide);
      up.config().setAutoRead(true);
      if (pendingUp != null) {
        ByteBuf p = pendingUp;
        pendingUp = null;
        up.writeAndFlush(p, up.voidPromise());
      }
      requests();
    });
  }

  // ---------------------------------------------------------------- responses (upstream -> client)

  private void responses() {
    boolean wroteDown = false;
    while (!finished && upIn.isReadable()) {
      if (resp == Resp.IDLE) {
        abort(CloseReason.UPSTREAM_ERROR, "the server sent bytes no request asked for");
        return;
      }
      if (resp == Resp.HEAD) {
        HttpResponseHead.Result r = HttpResponseHead.parse(upIn, MAX_HEAD, respMethod);
        if (r instanceof HttpResponseHead.NeedMore) {
          if (upIn.readableBytes() >= MAX_HEAD) {
            badUpstream("response head over " + MAX_HEAD + " bytes");
            return;
          }
          break;
        }
        if (r instanceof HttpResponseHead.Malformed m) {
          badUpstream("malformed response: " + m.why());
          return;
        }
        HttpResponseHead.Head h = (HttpResponseHead.Head) r;
        if (h.status() == 101 && !upgradeRequested) {
          badUpstream("101 Switching Protocols to a request that asked for no upgrade");
          return;
        }
        writeDown(take(upIn, h.length()));
        wroteDown = true;
        respStarted = true;
        releaseReplay();
        if (h.status() == 101) {
          upgraded();
          return;
        }
        if (h.informational()) {
          continue; // 100 Continue and friends: the final response follows
        }
        closeAfterExchange |= !h.keepAlive();
        respFraming = h.bodyFraming();
        respRemaining = respFraming instanceof BodyFraming.ContentLength cl ? cl.length() : 0;
        respChunks = respFraming instanceof BodyFraming.Chunked ? new ChunkedBody() : null;
        if (respFraming instanceof BodyFraming.None
            || (respFraming instanceof BodyFraming.ContentLength && respRemaining == 0)) {
          exchangeDone();
          continue;
        }
        resp = Resp.BODY;
        continue;
      }
      int n;
      if (respFraming instanceof BodyFraming.UntilClose) {
        n = upIn.readableBytes();
      } else if (respChunks != null) {
        n = respChunks.scan(upIn);
        if (respChunks.failed()) {
          abort(CloseReason.UPSTREAM_ERROR, "malformed chunked response body: " + respChunks.failure());
          return;
        }
      } else {
        n = (int) Math.min(respRemaining, upIn.readableBytes());
        respRemaining -= n;
      }
      if (n > 0) {
        writeDown(take(upIn, n));
        wroteDown = true;
      }
      boolean done = respChunks != null ? respChunks.done()
          : respFraming instanceof BodyFraming.ContentLength && respRemaining == 0;
      if (done) {
        exchangeDone();
      }
    }
    if (finished) {
      return;
    }
    upIn.discardReadComponents();
    if (wroteDown) {
      down.flush();
    }
  }

  /** The response is complete: close if either side asked for it, else read the next request. */
  private void exchangeDone() {
    resp = Resp.IDLE;
    exchangesOnUp++;
    if (req != Req.HEAD) {
      // The server answered before the request body was complete: what the client sends next is
      // still that body, never a request of its own. Close once the answer is out (as Envoy does).
      closeAfterExchange = true;
    }
    if (closeAfterExchange) {
      closeBoth(CloseReason.COMPLETED, "");
      return;
    }
    down.eventLoop().execute(this::requests);
  }

  /**
   * The server switched protocols (WebSocket and the like): from here the connection is opaque
   * bytes both ways. What either side sent past the HTTP exchange goes first.
   */
  private void upgraded() {
    finished = true;
    idle.stop();
    down.flush();
    ByteBuf toUp = take(in, in.readableBytes());
    ByteBuf toDown = take(upIn, upIn.readableBytes());
    in.release();
    upIn.release();
    if (pendingUp != null) {
      pendingUp.release();
      pendingUp = null;
    }
    long d0 = fromDown - toUp.readableBytes();
    long u0 = fromUp - toDown.readableBytes();
    Exchange ex = new Exchange(route, host, upstreamAddress, requests, refused, connects);
    Relay relay = new Relay(down, up, idle.idleMillis(), (reason, detail, d, u) ->
        outcome.closed(reason, requests + " request(s), then upgraded (101)" + (detail.isEmpty() ? "" : "; " + detail),
            ex, d0 + d, u0 + u));
    relay.startUpgraded(downSide, upSide, toUp, toDown, clientFin);
  }

  /** The server answered something we cannot relay: 502 if nothing of the response was sent yet. */
  private void badUpstream(String why) {
    if (!respStarted) {
      resp = Resp.IDLE;
      reply(502, "Bad Gateway", why);
    } else {
      abort(CloseReason.UPSTREAM_ERROR, why);
    }
  }

  private void upstreamGone(Throwable cause) {
    if (finished) {
      return;
    }
    Channel was = up;
    up = null;
    if (was != null) {
      was.close();
    }
    upIn.skipBytes(upIn.readableBytes());
    if (resp == Resp.HEAD && !respStarted && replay != null) {
      // A kept-alive connection the server closed as this request went out (the keep-alive race):
      // nothing of it was answered, it has no body, so it is sent again on a new connection.
      ByteBuf again = replay;
      replay = null;
      writeUp(again); // up is gone: this connects anew
      return;
    }
    if (resp == Resp.BODY && respFraming instanceof BodyFraming.UntilClose) {
      closeBoth(CloseReason.COMPLETED, "");
    } else if (resp != Resp.IDLE) {
      String why = "the server closed the connection before its response was complete"
          + (cause == null ? "" : ": " + cause.getMessage());
      badUpstream(why);
    } else if (req == Req.BODY) {
      abort(CloseReason.UPSTREAM_CLOSED, "the server closed the connection during a request body");
    }
    // else: a keep-alive connection the server closed between requests; the next one reconnects
    readDownstream();
  }

  private void writeDown(ByteBuf buf) {
    down.write(buf, down.voidPromise());
    if (!down.isWritable() && up != null) {
      up.config().setAutoRead(false);
    }
  }

  private void releaseReplay() {
    if (replay != null) {
      replay.release();
      replay = null;
    }
  }

  /**
   * The next {@code n} readable bytes of {@code buf}, as buffers of their own (the received
   * components, not copied), and moves past them. Unlike a slice of the composite, they stay valid
   * when the composite later discards what was read.
   */
  private static ByteBuf take(CompositeByteBuf buf, int n) {
    java.util.List<ByteBuf> parts = buf.decompose(buf.readerIndex(), n);
    buf.skipBytes(n);
    if (parts.size() == 1) {
      return parts.get(0).retain();
    }
    ByteBuf[] retained = new ByteBuf[parts.size()];
    for (int i = 0; i < retained.length; i++) {
      retained[i] = parts.get(i).retain();
    }
    return Unpooled.wrappedBuffer(retained);
  }

  // ---------------------------------------------------------------- endings

  /** Answers the client with a locally generated status and closes once it is flushed. */
  private void reply(int status, String reason, String detail) {
    if (finished) {
      return;
    }
    down.writeAndFlush(response(status, reason, true));
    closeBoth(status == 404 ? CloseReason.COMPLETED : status >= 500 ? CloseReason.UPSTREAM_ERROR
        : CloseReason.BAD_REQUEST, status + " " + reason + ": " + detail);
  }

  private static ByteBuf response(int status, String reason, boolean close) {
    String text = "HTTP/1.1 " + status + " " + reason + "\r\ncontent-length: 0\r\nserver: vxmesh\r\n"
        + (close ? "connection: close\r\n" : "") + "\r\n";
    return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Both sides closed after what was written is flushed. */
  private void closeBoth(CloseReason reason, String detail) {
    end(reason, detail);
    Relay.closeAfterFlush(down);
    if (up != null) {
      Relay.closeAfterFlush(up);
    }
  }

  /** Both sides closed now; nothing more is sent. */
  void abort(CloseReason reason, String detail) {
    end(reason, detail);
    down.close();
    if (up != null) {
      up.close();
    }
  }

  private void end(CloseReason reason, String detail) {
    if (finished) {
      return;
    }
    finished = true;
    idle.stop();
    in.release();
    upIn.release();
    if (pendingUp != null) {
      pendingUp.release();
      pendingUp = null;
    }
    releaseReplay();
    String summary = requests + " request" + (requests == 1 ? "" : "s")
        + (refused > 0 ? ", " + refused + " refused (404)" : "");
    outcome.closed(reason, detail.isEmpty() ? summary : summary + "; " + detail,
        new Exchange(route, host, upstreamAddress, requests, refused, connects), fromDown, fromUp);
  }



  // ---------------------------------------------------------------- channel handlers

  /** The client's side: requests in, responses out. */
  private final class DownSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf) || finished) {
        ReferenceCountUtil.release(msg);
        return;
      }
      fromDown += buf.readableBytes();
      idle.touch();
      in.addComponent(true, buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      requests();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (down.isWritable() && !finished) {
        if (up != null) {
          up.config().setAutoRead(true);
        }
        requests(); // refused requests waiting for the client to read its 404s
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        clientFin = true;
        requests();
        return;
      }
      if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!finished) {
        abort(req == Req.HEAD && resp == Resp.IDLE && !in.isReadable() ? CloseReason.COMPLETED
            : CloseReason.DOWNSTREAM_CLOSED, "");
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      abort(CloseReason.DOWNSTREAM_ERROR, String.valueOf(cause.getMessage()));
    }
  }

  /** The original destination's side: responses in, requests out. */
  private final class UpSide extends ChannelInboundHandlerAdapter {
    @Override
    public boolean isSharable() {
      return true; // re-added to each new upstream connection of this proxy
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf) || finished || ctx.channel() != up) {
        ReferenceCountUtil.release(msg);
        return;
      }
      fromUp += buf.readableBytes();
      idle.touch();
      upIn.addComponent(true, buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (ctx.channel() == up) {
        responses();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel() == up && up.isWritable() && !finished) {
        readDownstream();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent || evt == ChannelInputShutdownReadComplete.INSTANCE) {
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() == up) {
        responses();
        upstreamGone(null);
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (ctx.channel() == up) {
        upstreamGone(cause);
      }
    }
  }
}
