package monarch.cli;

import java.io.IOException;
import java.nio.file.Path;
import monarch.config.MonarchConfig;
import monarch.mesh.HostAgentServer;

/**
 * {@code monarch agent}: a host agent in this JVM until SIGTERM (or Ctrl-C), which stops every proc
 * it launched. Once it listens it prints one line, {@code ... listening on ADDR:PORT}, on stdout,
 * for scripts to wait for; everything else it says goes to stderr.
 */
record AgentCommand(String host, int port, Path tls, boolean insecure, String hostname) {
  static final String USAGE =
      """
      Usage: monarch agent [--listen ADDR:PORT] [--tls DIR | --insecure] [--hostname NAME]
      Run a host agent: clients on other machines launch procs here and get their output.
            --listen ADDR:PORT  where to listen (default: 127.0.0.1:%d; port 0: any free one)
            --tls DIR           mutual TLS with the keys `monarch keygen DIR` made: only peers
                                holding the same keys get in
            --insecure          allow a non-loopback ADDR without TLS (a network you trust)
            --hostname NAME     the name in this host's lines (default: the OS's hostname)
        -h, --help              show this help and exit
      """
          .formatted(HostAgentServer.DEFAULT_PORT);

  /** The agent the arguments describe, or null if they ask for help (printed here). */
  static AgentCommand parse(ArgReader in) {
    String host = "127.0.0.1";
    int port = HostAgentServer.DEFAULT_PORT;
    Path tls = null;
    boolean insecure = false;
    String hostname = null;
    for (String o; (o = in.nextOption()) != null; ) {
      switch (o) {
        case "--listen" -> {
          String v = in.value(o);
          int colon = v.lastIndexOf(':');
          try {
            port = Integer.parseInt(v.substring(colon + 1));
          } catch (NumberFormatException | IndexOutOfBoundsException e) {
            port = -1;
          }
          if (colon <= 0 || port < 0 || port > 65535) {
            throw new ArgReader.UsageException("--listen takes ADDR:PORT, got '" + v + "'");
          }
          host = v.substring(0, colon).replaceAll("^\\[|\\]$", ""); // [::1]:26600
        }
        case "--tls" -> tls = Path.of(in.value(o));
        case "--insecure" -> insecure = in.flag(o);
        case "--hostname" -> hostname = in.value(o);
        case "-h", "--help" -> {
          System.out.print(USAGE);
          return null;
        }
        default -> throw ArgReader.unknown(o);
      }
    }
    if (!in.operands().isEmpty()) {
      throw new ArgReader.UsageException(
          "agent takes no operands, got '" + in.operands().get(0) + "'");
    }
    if (tls != null && insecure) {
      throw new ArgReader.UsageException("--tls and --insecure exclude each other");
    }
    return new AgentCommand(host, port, tls, insecure, hostname);
  }

  int call() {
    HostAgentServer agent;
    try {
      agent =
          HostAgentServer.start(
              host, port, tls, insecure, hostname, MonarchConfig.fromEnvironment());
    } catch (IllegalArgumentException e) {
      System.err.println("monarch agent: " + e.getMessage());
      return MonarchCli.USAGE_ERROR;
    } catch (IOException e) {
      System.err.println("monarch agent: " + e.getMessage()); // names the file, or the address
      return MonarchCli.FAILED;
    }
    System.out.println(
        "monarch agent "
            + agent.hostname()
            + " listening on "
            + agent.address()
            + (tls == null ? " (no TLS)" : " (mutual TLS)"));
    System.out.flush();
    agent.terminated().join(); // until SIGTERM: Pekko's shutdown hook stops the procs, then it
    return MonarchCli.OK;
  }
}
