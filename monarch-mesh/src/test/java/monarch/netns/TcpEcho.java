package monarch.netns;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A probe of the hosts' network: {@code listen ADDR PORT} prints "listening" and answers each
 * connection's first line with "echo LINE from HOSTNAME"; {@code ask ADDR PORT LINE} prints the
 * answer (exit 1 if none within 3 s).
 */
public final class TcpEcho {
  public static void main(String[] args) throws Exception {
    InetSocketAddress at = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    if (args[0].equals("listen")) {
      // not InetAddress.getLocalHost(): it resolves the name, and a host's name need not resolve
      String host =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"))
              .strip();
      try (ServerSocket server = new ServerSocket()) {
        server.bind(at);
        System.out.println("listening");
        System.out.flush();
        while (true) {
          try (Socket s = server.accept()) {
            String line = reader(s).readLine();
            new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)
                .println("echo " + line + " from " + host);
          }
        }
      }
    }
    System.out.println(ask(at, args[3]));
  }

  static String ask(InetSocketAddress at, String line) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(at, 3000);
      s.setSoTimeout(3000);
      new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8).println(line);
      return reader(s).readLine();
    }
  }

  private static BufferedReader reader(Socket s) throws Exception {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
  }
}
