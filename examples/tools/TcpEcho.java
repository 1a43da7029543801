// A line echo server like istio/tcp-echo-server: for every line it receives it answers
// "<prefix> <line>". No dependencies; run it with `java TcpEcho.java ADDRESS:PORT PREFIX`.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

public class TcpEcho {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java TcpEcho.java ADDRESS:PORT PREFIX");
      System.exit(2);
    }
    int colon = args[0].lastIndexOf(':');
    String host = args[0].substring(0, colon);
    int port = Integer.parseInt(args[0].substring(colon + 1));
    String prefix = args[1];
    try (ServerSocket server = new ServerSocket(port, 128, InetAddress.getByName(host))) {
      System.err.println("echo '" + prefix + "' listening on " + args[0]);
      while (true) {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> serve(s, prefix));
      }
    }
  }

  private static void serve(Socket s, String prefix) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
      OutputStream out = s.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        out.write((prefix + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (Exception ignored) {
      // client went away
    }
  }
}
