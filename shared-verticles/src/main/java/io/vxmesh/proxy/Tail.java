package io.vxmesh.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last handler of every proxied channel (accepted or upstream). The handlers that own a
 * connection (intake, relay, HTTP egress) sit before it and handle its events; what still reaches
 * the tail is released, and an error is logged at FINE, never as Netty's "reached the tail" warning.
 */
@ChannelHandler.Sharable
final class Tail extends ChannelInboundHandlerAdapter {
  static final String NAME = "vxmesh-tail";
  static final Tail INSTANCE = new Tail();
  private static final Logger LOG = Logger.getLogger(Tail.class.getName());

  private Tail() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (LOG.isLoggable(Level.FINE)) {
      LOG.log(Level.FINE, "connection error on " + ctx.channel(), cause);
    }
  }
}
