package monarch.internal.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import monarch.internal.protocol.AgentProtocol.Command;
import monarch.internal.remote.ArteryConfig;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Finds the host agents a client was given as {@code host:port}: the agent's entry point looked up
 * over the client's network system, all at once, within one bound. For an agent it cannot reach it
 * says why (refused, no answer, an answer but no agent: TLS keys or the protocol), probing the port
 * itself since the transport only says that nothing came back. It keeps nothing.
 */
public final class AgentLocator {
  private AgentLocator() {}

  /** The address of {@code agent} ({@code host:port}), or an IllegalArgumentException naming it. */
  public static InetSocketAddress parse(String agent) {
    int colon = agent == null ? -1 : agent.lastIndexOf(':');
    try {
      int port = Integer.parseInt(agent.substring(colon + 1));
      if (colon > 0 && port > 0 && port <= 65535) {
        return InetSocketAddress.createUnresolved(
            agent.substring(0, colon).replaceAll("^\\[|\\]$", ""), port);
      }
    } catch (RuntimeException e) {
      // below
    }
    throw new IllegalArgumentException(
        "an agent is host:port, such as 10.0.0.2:26600; got " + agent);
  }

  /**
   * The local address that routes to {@code to}: where its agents can reach this client. No packet
   * is sent (a UDP socket's connect only picks the route).
   */
  public static String routeTo(InetSocketAddress to) {
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(new InetSocketAddress(to.getHostString(), to.getPort()));
      return probe.getLocalAddress().getHostAddress();
    } catch (IOException e) {
      return "127.0.0.1";
    }
  }

  /**
   * Every agent's entry point, in the order given. The lookups go in rounds of at most {@link
   * #ATTEMPT}: the first message to a new peer is lost when the transport's first connection fails
   * (Artery restarts the stream, and what was in it is gone; a TLS handshake slower than its
   * connect timeout on a loaded host does that), so an agent whose port accepts connections is
   * asked again until {@code bound}; one whose port does not is given up at once, with the reason.
   *
   * @throws IOException naming each agent it could not reach within {@code bound}, and why
   */
  public static List<ActorRef<Command>> locate(
      ActorSystem<Void> system, List<InetSocketAddress> agents, Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    org.apache.pekko.actor.ActorRef[] found = new org.apache.pekko.actor.ActorRef[agents.size()];
    String[] missing = new String[agents.size()];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      pending.add(i);
    }
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      Duration attempt = Duration.ofNanos(Math.max(1, Math.min(ATTEMPT.toNanos(), left)));
      List<CompletableFuture<org.apache.pekko.actor.ActorRef>> lookups = new ArrayList<>();
      for (int i : pending) {
        InetSocketAddress a = agents.get(i);
        String path =
            "pekko://monarch-agent@"
                + a.getHostString()
                + ":"
                + a.getPort()
                + ArteryConfig.AGENT_PATH;
        lookups.add(
            Adapter.toClassic(system)
                .actorSelection(path)
                .resolveOne(attempt)
                .toCompletableFuture());
      }
      List<Integer> again = new ArrayList<>();
      for (int k = 0; k < pending.size(); k++) {
        int i = pending.get(k);
        try {
          found[i] = lookups.get(k).get(attempt.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while reaching the agents", e);
        } catch (Exception e) {
          String why = why(agents.get(i));
          if (why.equals(NO_AGENT) && System.nanoTime() < deadline) {
            again.add(i);
          } else {
            missing[i] = why;
          }
        }
      }
      pending = again;
    }
    List<String> unreached = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      if (missing[i] != null) {
        InetSocketAddress a = agents.get(i);
        unreached.add(a.getHostString() + ":" + a.getPort() + " (" + missing[i] + ")");
      }
    }
    if (!unreached.isEmpty()) {
      throw new IOException(
          "cannot reach "
              + (unreached.size() == 1 ? "agent " : unreached.size() + " agents: ")
              + String.join(", ", unreached));
    }
    return java.util.Arrays.stream(found).map(Adapter::<Command>toTyped).toList();
  }

  /** How long one lookup waits for its answer before it is sent again. */
  static final Duration ATTEMPT = Duration.ofSeconds(2);

  /** What {@link #why} says of a port that accepts connections where no agent answered. */
  static final String NO_AGENT =
      "its port accepts connections, but no monarch agent answered: with TLS both sides need"
          + " the same `monarch keygen` directory (MONARCH_TLS_DIR here, --tls there), without it"
          + " neither may use it; and the address must be the one the agent printed";

  /** Why an agent did not answer, as far as a plain connect to its port tells. */
  static String why(InetSocketAddress a) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), 2_000);
      return NO_AGENT;
    } catch (UnknownHostException e) {
      return "unknown host";
    } catch (ConnectException e) {
      return "connection refused: is `monarch agent` running there, on that port?";
    } catch (SocketTimeoutException e) {
      return "no answer: a firewall, a wrong address, or the host is down";
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
