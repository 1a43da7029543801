package io.vxmesh.sidecar.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small cluster on one machine, built the way a real one is: every pod is a network namespace
 * (its own loopback and an {@code eth0} on a bridge in a "node" namespace), Services are virtual
 * IPs that pods resolve through their own hosts file ({@code ip netns exec} bind-mounts
 * {@code /etc/netns/NAME/hosts}), applications run as an ordinary user, and a meshed pod gets
 * {@code vxmesh-iptables} and the sidecar jar running as uid 1500, exactly as the injected init
 * container and sidecar would. Needs root; {@link #unavailable()} says why it cannot run otherwise.
 *
 * <p>The lab writes the cluster's objects (Pods with their IPs, Services with their VIPs) into a
 * resource directory that every sidecar reads, as the Kubernetes API would hold them.
 */
public final class MeshLab implements AutoCloseable {

  public static final int PROXY_UID = 1500;
  public static final int APP_UID = 1000;
  static final Path ROOT = Path.of(System.getProperty("vxmesh.root", "..")).toAbsolutePath().normalize();

  /**
   * A pod: its Kubernetes identity and its network namespace. Pods are dual-stack: {@code ip} is
   * the IPv4 address, {@code ip6} the IPv6 one (empty for machines outside the cluster).
   */
  public record Pod(String namespace, String name, String serviceAccount, String ip, String netns,
                    Map<String, String> labels, String ip6) {}

  /** What a command printed and how it ended. */
  public record Result(int exit, String out, String err) {}

  /**
   * A machine outside the cluster (an "internet" host of the egress tests): a network namespace on
   * the bridge with one or more addresses, no Pod object, no hosts file of its own, never meshed.
   * {@link #machine()} lets {@link #start} and {@link #exec} run processes in it.
   */
  public record ExternalHost(String name, String netns, List<String> ips) {
    public ExternalHost {
      ips = List.copyOf(ips);
    }

    public Pod machine() {
      return new Pod("", name, "", ips.getFirst(), netns, Map.of(), "");
    }
  }

  private final String id;
  private final int net;
  private final String node;
  private final Path resources;
  private final Path work;
  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private final Map<String, String> vips6 = new LinkedHashMap<>();
  private final Map<String, List<String>> hostNames = new LinkedHashMap<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<ExternalHost> externalHosts = new ArrayList<>();
  private int nextExternal = 1;
  private int nextHost = 10;
  private int nextVip = 10;

  /** Null when the lab can run here, else the reason it cannot (for a JUnit assumption). */
  public static String unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root (network namespaces, veth, iptables); CI runs it as root";
    }
    for (String tool : List.of("ip", "iptables", "setpriv", "nc", "ncat", "curl")) {
      if (!onPath(tool)) {
        return tool + " is not installed (.ci/run installs it)";
      }
    }
    String probe = "vxprobe" + ThreadLocalRandom.current().nextInt(100_000);
    try {
      if (sh("ip netns add " + probe + " && ip netns exec " + probe + " iptables -t nat -L -n").exit() != 0) {
        return "network namespaces or iptables nat are not usable here";
      }
    } catch (Exception e) {
      return "network namespaces are not usable here: " + e.getMessage();
    } finally {
      try {
        sh("ip netns del " + probe);
      } catch (Exception ignored) {
        // nothing to clean
      }
    }
    if (!Files.isRegularFile(ROOT.resolve("sidecar/target/vxmesh-sidecar.jar"))) {
      return "sidecar/target/vxmesh-sidecar.jar is not built (run the integration tests with ./mvnw verify)";
    }
    return null;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
  }

  public MeshLab() throws Exception {
    this.id = "vx" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    this.net = 100 + ThreadLocalRandom.current().nextInt(150);
    this.node = id + "-node";
    this.work = Files.createTempDirectory("vxmesh-lab-");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    this.resources = work.resolve("resources");
    Files.createDirectories(resources);
    Files.setPosixFilePermissions(resources, PosixFilePermissions.fromString("rwxr-xr-x"));
    must("ip netns add " + node);
    must("ip -n " + node + " link set lo up");
    must("ip -n " + node + " link add br0 type bridge");
    must("ip -n " + node + " addr add 10." + net + ".0.1/16 dev br0");
    must("ip -n " + node + " addr add " + v6(1) + "/64 dev br0 nodad");
    must("ip -n " + node + " link set br0 up");
  }

  public Path resources() {
    return resources;
  }

  public Path work() {
    return work;
  }

  /** Adds a pod (a namespace on the bridge) and writes its Pod object. */
  public Pod pod(String namespace, String name, String serviceAccount, Map<String, String> labels) throws Exception {
    int host = nextHost++;
    String ip = "10." + net + ".0." + host;
    String netns = id + "-" + host;
    must("ip netns add " + netns);
    must("ip -n " + netns + " link set lo up");
    must("ip -n " + node + " link add h" + id + host + " type veth peer name p" + id + host);
    must("ip -n " + node + " link set p" + id + host + " netns " + netns);
    must("ip -n " + netns + " link set p" + id + host + " name eth0");
    must("ip -n " + netns + " addr add " + ip + "/16 dev eth0");
    must("ip -n " + netns + " link set eth0 up");
    must("ip -n " + netns + " route add default via 10." + net + ".0.1");
    String ip6 = v6(host);
    must("ip -n " + netns + " addr add " + ip6 + "/64 dev eth0 nodad");
    must("ip -n " + netns + " -6 route add default via " + v6(1));
    must("ip -n " + node + " link set h" + id + host + " master br0 up");
    Pod pod = new Pod(namespace, name, serviceAccount, ip, netns, Map.copyOf(labels), ip6);
    pods.put(namespace + "/" + name, pod);
    StringBuilder l = new StringBuilder();
    labels.forEach((k, v) -> l.append(l.isEmpty() ? "" : ", ").append(k).append(": ").append(v));
    write("pod-" + namespace + "-" + name + ".yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: %s, labels: {%s}}
        spec:
          serviceAccountName: %s
        status: {phase: Running, podIP: %s, podIPs: [{ip: %s}, {ip: "%s"}]}
        """.formatted(name, namespace, l, serviceAccount, ip, ip, ip6));
    writeHosts();
    return pod;
  }

  /**
   * Adds a host outside the cluster with {@code addresses} IPs ({@code 10.N.200.x}, on the pods'
   * bridge and subnet, so pods reach it directly, as they would reach the internet through a node).
   */
  public ExternalHost externalHost(String name, int addresses) throws Exception {
    if (addresses < 1 || nextExternal + addresses > 250) {
      throw new IllegalArgumentException("cannot give " + addresses + " more addresses to external hosts");
    }
    int first = nextExternal;
    nextExternal += addresses;
    String netns = id + "-x" + first;
    String veth = "x" + id + first;
    must("ip netns add " + netns);
    ExternalHost host = new ExternalHost(name, netns, java.util.stream.IntStream.range(first, first + addresses)
        .mapToObj(i -> "10." + net + ".200." + i).toList());
    externalHosts.add(host);
    must("ip -n " + netns + " link set lo up");
    must("ip -n " + node + " link add h" + veth + " type veth peer name p" + veth);
    must("ip -n " + node + " link set p" + veth + " netns " + netns);
    must("ip -n " + netns + " link set p" + veth + " name eth0");
    for (String ip : host.ips()) {
      must("ip -n " + netns + " addr add " + ip + "/16 dev eth0");
    }
    must("ip -n " + netns + " link set eth0 up");
    must("ip -n " + netns + " route add default via 10." + net + ".0.1");
    must("ip -n " + node + " link set h" + veth + " master br0 up");
    return host;
  }

  /**
   * Adds a Service with a virtual IP; every pod can resolve {@code name.ns}, {@code name.ns.svc}
   * and {@code name.ns.svc.cluster.local} to it. {@code portSpec} is the YAML of its ports list.
   */
  public String service(String namespace, String name, Map<String, String> selector, String portsYaml)
      throws Exception {
    int n = nextVip++;
    String vip = "10.96." + net + "." + n;
    String vip6 = "fd00:96:" + Integer.toHexString(net) + "::" + Integer.toHexString(n);
    vips6.put(namespace + "/" + name, vip6);
    StringBuilder sel = new StringBuilder();
    selector.forEach((k, v) -> sel.append(sel.isEmpty() ? "" : ", ").append(k).append(": ").append(v));
    write("svc-" + namespace + "-" + name + ".yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: %s}
        spec:
          clusterIP: %s
          clusterIPs: [%s, "%s"]
          ipFamilyPolicy: PreferDualStack
          selector: {%s}
          ports: %s
        """.formatted(name, namespace, vip, vip, vip6, sel, portsYaml));
    hostNames.put(vip, List.of(name + "." + namespace, name + "." + namespace + ".svc",
        name + "." + namespace + ".svc.cluster.local"));
    writeHosts();
    return vip;
  }

  /** The IPv6 virtual IP of a Service made by {@link #service} (Services are dual-stack). */
  public String vip6(String namespace, String name) {
    return vips6.get(namespace + "/" + name);
  }

  /** The pods' IPv6 subnet is {@code fd00:<net>::/64}, on the same bridge as their IPv4 one. */
  private String v6(int host) {
    return "fd00:" + Integer.toHexString(net) + "::" + Integer.toHexString(host);
  }

  /** Gives a name to an address in every pod's hosts file (the "internet" hosts of egress tests). */
  public void hostsEntry(String ip, String... names) throws IOException {
    hostNames.put(ip, List.of(names));
    writeHosts();
  }

  private void writeHosts() throws IOException {
    StringBuilder sb = new StringBuilder("127.0.0.1 localhost\n::1 localhost\n");
    hostNames.forEach((ip, names) -> sb.append(ip).append(' ').append(String.join(" ", names)).append('\n'));
    for (Pod p : pods.values()) {
      Path dir = Path.of("/etc/netns", p.netns());
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("hosts"), sb.toString() + p.ip() + " " + p.name() + "\n");
    }
  }

  /** Writes (atomically) a manifest into the resource directory every sidecar reads. */
  public void write(String file, String yaml) throws IOException {
    Path tmp = resources.resolve("." + file + ".tmp");
    Files.writeString(tmp, yaml);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(tmp, resources.resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  public void delete(String file) throws IOException {
    Files.deleteIfExists(resources.resolve(file));
  }

  /** Starts a long-running process in a pod as {@code uid}; it is stopped by {@link #close()}. */
  public Process start(Pod pod, int uid, String logName, String... command) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", pod.netns(),
        "setpriv", "--reuid", Integer.toString(uid), "--regid", Integer.toString(uid), "--clear-groups", "--"));
    cmd.addAll(List.of(command));
    Path log = work.resolve(logName + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("VXMESH_CDS_DIR", "/tmp/vxmesh-cds-" + uid);
    pb.environment().put("HOME", "/tmp");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** The line echo application ({@code examples/tools/TcpEcho.java}) on {@code address:port}, as the app user. */
  public Process echoApp(Pod pod, int port, String prefix) throws Exception {
    return echoApp(pod, "0.0.0.0", port, prefix);
  }

  public Process echoApp(Pod pod, String address, int port, String prefix) throws Exception {
    Process p = start(pod, APP_UID, "app-" + pod.name() + "-" + port, java().toString(), "-Xmx32m",
        "-XX:TieredStopAtLevel=1", "-cp", tools().toString(), "TcpEcho", address + ":" + port, prefix);
    String probe = address.equals("0.0.0.0") ? "127.0.0.1" : address;
    awaitTrue("echo app in " + pod.name() + " on " + address + ":" + port,
        () -> exec(pod, 0, "nc -z " + probe + " " + port, Duration.ofSeconds(2)).exit() == 0);
    return p;
  }

  /**
   * Runs a test tool ({@code sidecar/src/test/tools/NAME.java}) to completion in a pod as the
   * application user, as {@code kubectl exec} would.
   */
  public Result tool(Pod pod, String name, Duration timeout, String... args) throws Exception {
    StringBuilder cmd = new StringBuilder(java() + " -Xmx64m -XX:TieredStopAtLevel=1 -cp " + tools() + " " + name);
    for (String a : args) {
      cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    return exec(pod, APP_UID, cmd.toString(), timeout);
  }

  /** Compiles the lab's tools once: the demo's echo server and the clients in {@code src/test/tools}. */
  private synchronized Path tools() throws Exception {
    Path classes = work.resolve("classes");
    if (!Files.isDirectory(classes)) {
      List<String> sources = new ArrayList<>(List.of(ROOT.resolve("examples/tools/TcpEcho.java").toString()));
      try (var files = Files.list(ROOT.resolve("sidecar/src/test/tools"))) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.add(f.toString()));
      }
      Result r = sh(java().resolveSibling("javac") + " -d " + classes + " " + String.join(" ", sources));
      if (r.exit() != 0) {
        throw new IllegalStateException("cannot compile the lab tools: " + r.err());
      }
      sh("chmod -R a+rX " + classes);
    }
    return classes;
  }

  /**
   * Meshes a pod: installs the redirect rules in its namespace (as the init container does) and
   * starts the sidecar as uid 1500, then waits for its {@code /ready}.
   */
  public Process sidecar(Pod pod, String... extraFlags) throws Exception {
    Result r = exec(pod, 0, ROOT.resolve("sidecar/bin/vxmesh-iptables") + " --proxy-uid " + PROXY_UID,
        Duration.ofSeconds(20));
    if (r.exit() != 0) {
      throw new IllegalStateException("vxmesh-iptables failed in " + pod.name() + ": " + r.out() + r.err());
    }
    StringBuilder labels = new StringBuilder();
    pod.labels().forEach((k, v) -> labels.append(labels.isEmpty() ? "" : ",").append(k).append('=').append(v));
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("sidecar/bin/vxmesh-sidecar").toString(),
        "--resources", resources.toString(), "--namespace", pod.namespace(), "--pod", pod.name(),
        "--service-account", pod.serviceAccount(), "--labels", labels.toString(),
        "--poll-interval", "200ms", "--event-loops", "1",
        "--access-log", work.resolve("access-" + pod.name() + ".log").toString()));
    cmd.addAll(List.of(extraFlags));
    Path accessLog = work.resolve("access-" + pod.name() + ".log");
    Files.deleteIfExists(accessLog);
    Files.createFile(accessLog);
    Files.setPosixFilePermissions(accessLog, PosixFilePermissions.fromString("rw-rw-rw-"));
    Process p = start(pod, PROXY_UID, "sidecar-" + pod.name(), cmd.toArray(String[]::new));
    awaitTrue("sidecar of " + pod.name() + " ready", () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException("sidecar of " + pod.name() + " exited: " + log("sidecar-" + pod.name()));
      }
      return exec(pod, 0, "curl -sf http://127.0.0.1:15000/ready", Duration.ofSeconds(2)).exit() == 0;
    });
    return p;
  }

  /** The sidecar's admin answer for {@code path}, from inside the pod. */
  public String admin(Pod pod, String path) throws Exception {
    return exec(pod, 0, "curl -s http://127.0.0.1:15000" + path, Duration.ofSeconds(5)).out();
  }

  /** Waits until every sidecar reports the mesh version that {@code reference}'s sidecar reports. */
  public String version(Pod pod) throws Exception {
    String ready = exec(pod, 0, "curl -s http://127.0.0.1:15000/ready", Duration.ofSeconds(5)).out().trim();
    return ready.startsWith("ready ") ? ready.substring(6) : "";
  }

  /**
   * The digest part of the mesh version a sidecar runs: the same content gives the same digest in
   * every process, while generations count each process's own compiles (directory mode).
   */
  public String digest(Pod pod) throws Exception {
    String v = version(pod);
    return v.substring(v.indexOf('-') + 1);
  }

  public String log(String name) {
    try {
      return Files.readString(work.resolve(name + ".log"));
    } catch (IOException e) {
      return "(no log " + name + ")";
    }
  }

  public String accessLog(Pod pod) throws IOException {
    return Files.readString(work.resolve("access-" + pod.name() + ".log"));
  }

  /** Runs {@code shell} in a pod as {@code uid} (0 = root) and waits for it. */
  public Result exec(Pod pod, int uid, String shell, Duration timeout) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", pod.netns()));
    if (uid != 0) {
      cmd.addAll(List.of("setpriv", "--reuid", Integer.toString(uid), "--regid", Integer.toString(uid),
          "--clear-groups", "--"));
    }
    cmd.addAll(List.of("sh", "-c", shell));
    return run(cmd, timeout);
  }

  /** Runs {@code shell} in a pod as the application user: what {@code kubectl exec} would do. */
  public Result app(Pod pod, String shell) throws Exception {
    return exec(pod, APP_UID, shell, Duration.ofSeconds(20));
  }

  public static Result sh(String shell) throws Exception {
    return run(List.of("sh", "-c", shell), Duration.ofSeconds(30));
  }

  private static void must(String shell) throws Exception {
    Result r = sh(shell);
    if (r.exit() != 0) {
      throw new IllegalStateException("`" + shell + "` failed: " + r.err() + r.out());
    }
  }

  static Result run(List<String> cmd, Duration timeout) throws Exception {
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      return new Result(-1, out.getNow(""), "timed out after " + timeout + ": " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static Path java() {
    return Path.of(ProcessHandle.current().info().command().orElse("java"));
  }

  /** A condition that may throw while it is not yet true. */
  @FunctionalInterface
  public interface Check {
    boolean ok() throws Exception;
  }

  public static void awaitTrue(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (IllegalStateException e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what + (last == null ? "" : ": " + last));
  }

  @Override
  public void close() throws Exception {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    for (Pod pod : pods.values()) {
      sh("ip netns del " + pod.netns());
      sh("rm -rf /etc/netns/" + pod.netns());
    }
    for (ExternalHost host : externalHosts) {
      sh("ip netns del " + host.netns());
    }
    sh("ip netns del " + node);
  }
}
