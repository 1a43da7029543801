package io.vxmesh.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code sidecar/bin/vxmesh-iptables}: the rules it prints and installs, idempotence, clean-up. */
class IptablesScriptIT {

  static final Path SCRIPT = Path.of(System.getProperty("vxmesh.root", "..")).toAbsolutePath().normalize()
      .resolve("sidecar/bin/vxmesh-iptables");

  record Run(int exit, String out, String err) {}

  static Run run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", cmd));
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void dryRunPrintsTheRulesWithExclusions() throws Exception {
    Run r = run(SCRIPT.toString(), "--dry-run", "--no-ipv6", "--exclude-outbound-ports", "5432,6379",
        "--exclude-outbound-cidrs", "10.0.0.0/8,fd00::/8", "--exclude-inbound-ports", "8081");
    assertEquals(0, r.exit(), r.err());
    String out = r.out();
    assertTrue(out.contains("iptables -t nat -A VXMESH_REDIRECT -p tcp -j REDIRECT --to-ports 15001"), out);
    assertTrue(out.contains("iptables -t nat -A VXMESH_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15003"), out);
    assertTrue(out.contains("-A VXMESH_OUTPUT -m owner --uid-owner 1500 -j RETURN"), out);
    assertTrue(out.contains("-A VXMESH_OUTPUT -d 127.0.0.1/32 -j RETURN"), out);
    assertTrue(out.contains("-A VXMESH_OUTPUT -p tcp --dport 5432 -j RETURN"), out);
    assertTrue(out.contains("-A VXMESH_OUTPUT -p tcp --dport 6379 -j RETURN"), out);
    assertTrue(out.contains("-A VXMESH_OUTPUT -d 10.0.0.0/8 -j RETURN"), out);
    assertFalse(out.contains("fd00::/8"), "an IPv6 CIDR is not given to iptables (IPv4): " + out);
    assertTrue(out.contains("-A VXMESH_INBOUND -p tcp --dport 15000 -j RETURN"), out);
    assertTrue(out.contains("-A VXMESH_INBOUND -p tcp --dport 8081 -j RETURN"), out);
    assertTrue(out.contains("-A OUTPUT -p tcp -j VXMESH_OUTPUT"), out);
    assertTrue(out.contains("-A PREROUTING -p tcp -j VXMESH_INBOUND"), out);
  }

  @Test
  void badArgumentsAreRefusedClearly() throws Exception {
    Run r = run(SCRIPT.toString(), "--dry-run", "--exclude-inbound-ports", "80,http");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("bad excluded port 'http'"), r.err());
    Run u = run(SCRIPT.toString(), "--frobnicate");
    assertEquals(2, u.exit());
    assertTrue(u.err().contains("unknown option --frobnicate"), u.err());
  }

  @Test
  void installingTwiceGivesTheSameRulesAndCleanRemovesThem() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root to create a network namespace; CI runs it as root");
    Assumptions.assumeTrue(run("sh", "-c", "command -v iptables-save").exit() == 0, "iptables is not installed");
    String ns = "vxipt" + ThreadLocalRandom.current().nextInt(1_000_000);
    assertEquals(0, run("ip", "netns", "add", ns).exit());
    try {
      Run first = run("ip", "netns", "exec", ns, SCRIPT.toString(), "--exclude-outbound-ports", "5432");
      assertEquals(0, first.exit(), first.err());
      String once = nat(ns);
      assertTrue(once.contains("-A VXMESH_REDIRECT -p tcp -j REDIRECT --to-ports 15001"), once);
      assertTrue(once.contains("-A VXMESH_OUTPUT -m owner --uid-owner 1500 -j RETURN"), once);
      assertTrue(once.contains("-A VXMESH_OUTPUT -p tcp -m tcp --dport 5432 -j RETURN"), once);

      Run second = run("ip", "netns", "exec", ns, SCRIPT.toString(), "--exclude-outbound-ports", "5432");
      assertEquals(0, second.exit(), second.err());
      assertEquals(once, nat(ns), "re-running changes nothing");

      Run clean = run("ip", "netns", "exec", ns, SCRIPT.toString(), "--clean");
      assertEquals(0, clean.exit(), clean.err());
      String after = nat(ns);
      assertFalse(after.contains("VXMESH"), after);
      assertNotEquals(once, after);
    } finally {
      run("ip", "netns", "del", ns);
    }
  }

  /** The nat table's rules in one namespace, without counters. */
  static String nat(String ns) throws Exception {
    Run r = run("ip", "netns", "exec", ns, "iptables-save", "-t", "nat");
    return r.out().lines().filter(l -> l.startsWith("-A") || l.startsWith(":VXMESH"))
        .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "")).collect(Collectors.joining("\n"));
  }
}
