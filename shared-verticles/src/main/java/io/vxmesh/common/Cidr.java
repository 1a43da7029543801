package io.vxmesh.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An address block: {@code 192.168.0.0/16}, {@code fd00::/8}, or a bare address (a host block).
 * Host bits of the written network are ignored, as Istio and the kernel do.
 */
public record Cidr(IpAddress network, int prefix) {

  public Cidr {
    if (prefix < 0 || prefix > network.bits()) {
      throw new IllegalArgumentException("prefix /" + prefix + " is out of range for " + network);
    }
    network = mask(network, prefix);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty address block");
    }
    String s = text.trim();
    int slash = s.indexOf('/');
    IpAddress addr = IpAddress.parseOrNull(slash < 0 ? s : s.substring(0, slash));
    if (addr == null) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR block or IP address");
    }
    if (slash < 0) {
      return new Cidr(addr, addr.bits());
    }
    int prefix;
    try {
      prefix = Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has a prefix length that is not a number");
    }
    if (prefix < 0 || prefix > addr.bits()) {
      throw new IllegalArgumentException("'" + text + "' has prefix length " + prefix
          + ", outside 0-" + addr.bits());
    }
    return new Cidr(addr, prefix);
  }

  public boolean contains(IpAddress a) {
    if (a.v6() != network.v6()) {
      return false;
    }
    return mask(a, prefix).equals(network);
  }

  /** True when every address of {@code other} is in this block. */
  public boolean covers(Cidr other) {
    return other.network.v6() == network.v6() && other.prefix >= prefix && contains(other.network);
  }

  private static IpAddress mask(IpAddress a, int prefix) {
    if (!a.v6()) {
      long m = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
      return new IpAddress(false, 0, a.lo() & m);
    }
    long hiMask = prefix >= 64 ? -1L : (prefix == 0 ? 0 : -1L << (64 - prefix));
    long loMask = prefix <= 64 ? 0 : (prefix == 128 ? -1L : -1L << (128 - prefix));
    return new IpAddress(true, a.hi() & hiMask, a.lo() & loMask);
  }

  @JsonValue
  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
