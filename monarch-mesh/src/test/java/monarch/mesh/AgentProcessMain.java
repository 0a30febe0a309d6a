package monarch.mesh;

import java.nio.file.Path;
import monarch.config.MonarchConfig;

/**
 * A host agent in a JVM of its own, as {@code monarch agent} runs one, for tests that kill it or
 * run it on a namespace host: {@code AgentProcessMain TLS_DIR HOSTNAME|- [ADDR]} listens on ADDR
 * (default loopback), port 26600 there or a free one on loopback, named HOSTNAME (-: the OS's
 * name), and prints "listening on ADDR:PORT".
 */
public final class AgentProcessMain {
  public static void main(String[] args) throws Exception {
    String listen = args.length > 2 ? args[2] : "127.0.0.1";
    HostAgentServer agent =
        HostAgentServer.start(
            listen,
            args.length > 2 ? HostAgentServer.DEFAULT_PORT : 0,
            Path.of(args[0]),
            false,
            args[1].equals("-") ? null : args[1],
            MonarchConfig.fromEnvironment());
    System.out.println("listening on " + agent.address());
    System.out.flush();
    agent.terminated().join();
  }
}
