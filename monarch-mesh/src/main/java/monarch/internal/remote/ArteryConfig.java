package monarch.internal.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * The Pekko settings that put an ActorSystem on the network: Artery over TCP, with mutual TLS from
 * a keygen directory ({@link KeyGen}) or, only when asked for, in the clear. Hosts accept nothing
 * but their own protocol: untrusted mode (no remote deployment, no system messages from a peer,
 * actor selection only of the agent's entry point), and Java serialization stays off (the
 * protocol's records travel as CBOR). It never opens a socket itself.
 */
public final class ArteryConfig {
  /** The one path a peer may look up on an agent. */
  public static final String AGENT_PATH = "/user/agent";

  private ArteryConfig() {}

  /**
   * Settings to bind at {@code host:port} (0: any free port), with TLS from {@code tlsDir}, or in
   * the clear when it is null. {@code untrusted} (agents): inbound system messages, harmful ones
   * and selections of anything but the agent are dropped. A client is not untrusted: its agents
   * watch it (so that they stop its procs when it goes), which takes system messages.
   */
  public static Config bind(String host, int port, Path tlsDir, boolean untrusted) {
    Config c =
        ConfigFactory.empty()
            .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("remote"))
            .withValue(
                "pekko.remote.artery.transport",
                ConfigValueFactory.fromAnyRef(tlsDir == null ? "tcp" : "tls-tcp"))
            .withValue(
                "pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
            .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
            .withValue(
                "pekko.remote.artery.untrusted-mode", ConfigValueFactory.fromAnyRef(untrusted))
            // and the failure detector's heartbeats, which a watcher sends by selection: without
            // them a watched agent would look dead to its clients after 10 s
            .withValue(
                "pekko.remote.artery.trusted-selection-paths",
                ConfigValueFactory.fromIterable(List.of(AGENT_PATH, "/system/remote-watcher")))
            // death watch between a client and its agents is how each notices the other is gone
            // (no cluster: a mesh's membership is its client's list of agents)
            .withValue(
                "pekko.remote.use-unsafe-remote-features-outside-cluster",
                ConfigValueFactory.fromAnyRef(true))
            .withValue(
                "pekko.remote.warn-unsafe-watch-outside-cluster",
                ConfigValueFactory.fromAnyRef(false))
            .withValue("pekko.remote.warn-about-direct-use", ConfigValueFactory.fromAnyRef(false));
    if (tlsDir != null) {
      Path dir = tlsDir.toAbsolutePath().normalize();
      c =
          c.withValue(
                  "pekko.remote.artery.ssl.ssl-engine-provider",
                  ConfigValueFactory.fromAnyRef(
                      "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider"))
              .withValue(
                  "pekko.remote.artery.ssl.rotating-keys-engine.key-file",
                  ConfigValueFactory.fromAnyRef(dir.resolve(KeyGen.KEY).toString()))
              .withValue(
                  "pekko.remote.artery.ssl.rotating-keys-engine.cert-file",
                  ConfigValueFactory.fromAnyRef(dir.resolve(KeyGen.CERT).toString()))
              .withValue(
                  "pekko.remote.artery.ssl.rotating-keys-engine.ca-cert-file",
                  ConfigValueFactory.fromAnyRef(dir.resolve(KeyGen.CA_CERT).toString()));
    }
    return c;
  }

  /**
   * Checks that {@code dir} holds keygen's three files and that its key is private (0600 or
   * stricter), as ssh does for its keys: a key others can read is no longer a secret.
   *
   * @throws IOException saying which file is missing or too open, and what to do
   */
  public static void checkTlsDir(Path dir) throws IOException {
    for (String name : List.of(KeyGen.CA_CERT, KeyGen.CERT, KeyGen.KEY)) {
      Path f = dir.resolve(name);
      if (!Files.isRegularFile(f)) {
        throw new IOException(
            f + " is missing: a TLS directory is what `monarch keygen DIR` makes, copied whole");
      }
    }
    Set<PosixFilePermission> mode =
        Files.getPosixFilePermissions(dir.resolve(KeyGen.KEY), LinkOption.NOFOLLOW_LINKS);
    for (PosixFilePermission p : mode) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        throw new IOException(
            dir.resolve(KeyGen.KEY)
                + " can be read by others ("
                + java.nio.file.attribute.PosixFilePermissions.toString(mode)
                + "): chmod 600 it");
      }
    }
  }

  /** Whether {@code host} (a name or an address) is this machine's loopback. */
  public static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }
}
