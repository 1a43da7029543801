package io.vxmesh.sidecar.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The "internet" of the egress tests: one host outside the cluster (a namespace on the lab's bridge
 * with three addresses, never meshed) running the fixtures of {@code sidecar/src/test/fixtures},
 * with hosts entries in every pod's hosts file:
 * <ul>
 *   <li>{@value #HTTPBIN} (first address): {@code HttpBin} on port 80, {@code TlsServer} on 443
 *       with a certificate for {@value #HTTPBIN};
 *   <li>{@value #OSM} (second address): {@code TlsServer} on 443 with a certificate for {@value #OSM};
 *   <li>{@value #SERVER_FIRST} (third address): {@code ServerFirst} on {@value #SERVER_FIRST_PORT},
 *       banner {@value #BANNER}.
 * </ul>
 * The certificates are made by openssl at start, signed by a CA made for this lab only; its PEM
 * ({@link #caCert()}) is what {@code curl --cacert} takes. All key material stays in the lab's
 * temporary directory.
 */
public final class Internet {
  public static final String HTTPBIN = "httpbin.org";
  public static final String OSM = "openservicemesh.io";
  public static final String SERVER_FIRST = "mysql.example.com";
  public static final int HTTP_PORT = 80;
  public static final int HTTPS_PORT = 443;
  public static final int SERVER_FIRST_PORT = 3306;
  public static final String BANNER = "220 vxmesh-server-first ready";
  static final String STORE_PASSWORD = "vxmesh-lab";

  private final MeshLab lab;
  private final MeshLab.ExternalHost host;
  private final Path tls;

  private Internet(MeshLab lab, MeshLab.ExternalHost host, Path tls) {
    this.lab = lab;
    this.host = host;
    this.tls = tls;
  }

  /** Null when the internet can be started here (on top of {@link MeshLab#unavailable()}), else why not. */
  public static String unavailable() {
    String why = MeshLab.unavailable();
    if (why != null) {
      return why;
    }
    try {
      if (MeshLab.sh("command -v openssl").exit() != 0) {
        return "openssl is not installed (.ci/run installs it)";
      }
    } catch (Exception e) {
      return "cannot run a shell: " + e.getMessage();
    }
    return null;
  }

  /** Starts the internet host and its servers, and names them in every pod's hosts file. */
  public static Internet start(MeshLab lab) throws Exception {
    MeshLab.ExternalHost host = lab.externalHost("internet", 3);
    Path tls = lab.work().resolve("internet-tls");
    Internet internet = new Internet(lab, host, tls);
    internet.makeCertificates();
    Path classes = internet.compileFixtures();
    MeshLab.Pod machine = host.machine();
    // The servers run as the application user; ports below 1024 are opened to it in this namespace only.
    MeshLab.Result sysctl = lab.exec(machine, 0, "sysctl -qw net.ipv4.ip_unprivileged_port_start=0", Duration.ofSeconds(10));
    int uid = sysctl.exit() == 0 ? MeshLab.APP_UID : 0;
    List<String[]> servers = new ArrayList<>();
    servers.add(new String[] {"internet-httpbin-80", "HttpBin", internet.ip(HTTPBIN) + ":" + HTTP_PORT});
    servers.add(new String[] {"internet-httpbin-443", "TlsServer", internet.ip(HTTPBIN) + ":" + HTTPS_PORT,
        tls.resolve(HTTPBIN + ".p12").toString(), STORE_PASSWORD});
    servers.add(new String[] {"internet-osm-443", "TlsServer", internet.ip(OSM) + ":" + HTTPS_PORT,
        tls.resolve(OSM + ".p12").toString(), STORE_PASSWORD});
    servers.add(new String[] {"internet-server-first", "ServerFirst", internet.ip(SERVER_FIRST) + ":" + SERVER_FIRST_PORT,
        BANNER});
    for (String[] s : servers) {
      List<String> cmd = new ArrayList<>(List.of(MeshLab.java().toString(), "-Xmx48m", "-XX:TieredStopAtLevel=1",
          "-cp", classes.toString()));
      cmd.addAll(List.of(s).subList(1, s.length));
      lab.start(machine, uid, s[0], cmd.toArray(String[]::new));
    }
    for (String[] s : servers) {
      String addr = s[2];
      String ip = addr.substring(0, addr.lastIndexOf(':'));
      String port = addr.substring(addr.lastIndexOf(':') + 1);
      MeshLab.awaitTrue(s[0] + " listening on " + addr,
          () -> lab.exec(machine, 0, "nc -z -w 2 " + ip + " " + port, Duration.ofSeconds(5)).exit() == 0);
    }
    for (String name : List.of(HTTPBIN, OSM, SERVER_FIRST)) {
      lab.hostsEntry(internet.ip(name), name);
    }
    return internet;
  }

  /** The address a name of this internet resolves to. */
  public String ip(String name) {
    return switch (name) {
      case HTTPBIN -> host.ips().get(0);
      case OSM -> host.ips().get(1);
      case SERVER_FIRST -> host.ips().get(2);
      default -> throw new IllegalArgumentException("no such host on the lab internet: " + name);
    };
  }

  /** Every name this internet serves, with its address. */
  public Map<String, String> names() {
    return Map.of(HTTPBIN, ip(HTTPBIN), OSM, ip(OSM), SERVER_FIRST, ip(SERVER_FIRST));
  }

  /** The lab CA's certificate (PEM): {@code curl --cacert} with it trusts both HTTPS hosts. */
  public Path caCert() {
    return tls.resolve("ca.pem");
  }

  public MeshLab.ExternalHost host() {
    return host;
  }

  private Path compileFixtures() throws Exception {
    Path classes = lab.work().resolve("internet-classes");
    Path fixtures = MeshLab.ROOT.resolve("sidecar/src/test/fixtures");
    MeshLab.Result r = MeshLab.sh(MeshLab.java().resolveSibling("javac") + " -d " + classes + " "
        + fixtures.resolve("HttpBin.java") + " " + fixtures.resolve("TlsServer.java") + " " + fixtures.resolve("ServerFirst.java"));
    if (r.exit() != 0) {
      throw new IllegalStateException("cannot compile the internet fixtures: " + r.err() + r.out());
    }
    MeshLab.sh("chmod -R a+rX " + classes);
    return classes;
  }

  /** A CA for this lab, and a certificate and PKCS#12 keystore for each HTTPS host, signed by it. */
  private void makeCertificates() throws Exception {
    Files.createDirectories(tls);
    Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));
    openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '/CN=vxmesh lab internet CA'"
        + " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
        + " -keyout ca.key -out ca.pem");
    for (String name : List.of(HTTPBIN, OSM)) {
      Files.writeString(tls.resolve(name + ".ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
          + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:" + name + "\n");
      openssl("req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" + name + "'"
          + " -keyout " + name + ".key -out " + name + ".csr");
      openssl("x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
          + " -extfile " + name + ".ext -out " + name + ".pem");
      openssl("pkcs12 -export -in " + name + ".pem -inkey " + name + ".key -certfile ca.pem -name " + name
          + " -passout pass:" + STORE_PASSWORD + " -out " + name + ".p12");
    }
    MeshLab.sh("chmod a+r " + tls + "/*");
  }

  private void openssl(String args) throws Exception {
    MeshLab.Result r = MeshLab.sh("cd " + tls + " && openssl " + args);
    if (r.exit() != 0) {
      throw new IOException("openssl " + args + " failed: " + r.err() + r.out());
    }
  }
}
