// Opens COUNT connections one after another to HOST:PORT, sends LINE on each, reads one answer line
// and closes; prints how many answers began with each word, and how many connections failed.
// A test client for the network-namespace lab (weights are per connection). JDK only.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

public class ConnectionTally {
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: java ConnectionTally.java HOST PORT COUNT LINE");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    String line = args[3];
    Map<String, Integer> tally = new TreeMap<>();
    long deadline = System.nanoTime() + 120_000_000_000L;
    for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
      String key;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 5_000);
        s.setSoTimeout(5_000);
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        key = answer == null ? "(closed)" : answer.split(" ", 2)[0];
      } catch (Exception e) {
        key = "(failed)";
      }
      tally.merge(key, 1, Integer::sum);
    }
    tally.forEach((k, v) -> System.out.println(k + " " + v));
  }
}
