package monarch.mesh;

import java.nio.file.Path;
import monarch.config.MonarchConfig;

/**
 * A host agent in a JVM of its own, as {@code monarch agent} runs one, for tests that kill it:
 * {@code AgentProcessMain TLS_DIR HOSTNAME} listens on a free loopback port and prints "listening
 * on ADDR:PORT".
 */
public final class AgentProcessMain {
  public static void main(String[] args) throws Exception {
    HostAgentServer agent =
        HostAgentServer.start(
            "127.0.0.1", 0, Path.of(args[0]), false, args[1], MonarchConfig.fromEnvironment());
    System.out.println("listening on " + agent.address());
    System.out.flush();
    agent.terminated().join();
  }
}
