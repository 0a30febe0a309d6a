package monarch.mesh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import monarch.config.MonarchConfig;
import monarch.internal.agent.AgentServer;

/**
 * A host agent in this JVM that clients on other machines reach over the network ({@code monarch
 * agent} runs one): it launches their procs on this host, streams their output to them, writes the
 * per-proc files here, and stops a client's procs when that client goes. It serves any number of
 * clients and outlives them.
 */
public final class HostAgentServer implements AutoCloseable {
  /** The port an agent listens on when none is given. */
  public static final int DEFAULT_PORT = 26600;

  private final AgentServer server;

  private HostAgentServer(AgentServer server) {
    this.server = server;
  }

  /**
   * Listens at {@code host:port} (port 0: any free one). With {@code tlsDir} (made by {@code
   * monarch keygen}), only peers holding the same keys get in; without it the traffic is in the
   * clear, which is refused on anything but loopback unless {@code insecure}.
   *
   * @param hostname the host's name in its procs' lines and files; null for this machine's
   * @throws IllegalArgumentException a non-loopback address without TLS or insecure, saying what to
   *     pass
   * @throws IOException a TLS directory that is missing a file or whose key others can read
   */
  public static HostAgentServer start(
      String host, int port, Path tlsDir, boolean insecure, String hostname, MonarchConfig config)
      throws IOException {
    return new HostAgentServer(AgentServer.start(host, port, tlsDir, insecure, hostname, config));
  }

  /** Where it listens, {@code host:port}: what a client's {@code HostMesh.connect} takes. */
  public String address() {
    return server.address();
  }

  /** The name its procs' lines carry. */
  public String hostname() {
    return server.hostname();
  }

  /** Completes once the agent has stopped, every proc it launched gone. */
  public CompletableFuture<Void> terminated() {
    return server.terminated();
  }

  /** Stops every proc it launched, then itself. */
  @Override
  public void close() {
    server.close();
  }
}
