/**
 * Parsers of the untrusted bytes a proxy has to look at before it can route a connection: the TLS
 * ClientHello (SNI, ALPN), HTTP/1.x request and response heads, and chunked body framing.
 *
 * <p>Every parser here is pure (no I/O, no clock, no Vert.x), reads a Netty {@link io.netty.buffer.ByteBuf}
 * from its {@code readerIndex} without moving it (the bytes are relayed untouched afterwards), is bounded
 * in what it will buffer, and answers every input with one of its documented result types: no exception
 * escapes for any input (Jazzer fuzz tests check this).
 */
package io.vxmesh.proxy.protocol;
