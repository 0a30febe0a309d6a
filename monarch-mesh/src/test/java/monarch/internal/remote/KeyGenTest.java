package monarch.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import monarch.config.TlsKeys;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen's files, and real Artery TLS between two actor systems that hold them. */
class KeyGenTest {

  @Test
  void makesAPrivateCaAndAKeyWithACertificateItSigned(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("keys");
    TlsKeys.generate(dir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key(dir))))
        .isEqualTo("rw-------");
    X509Certificate ca = cert(dir.resolve(KeyGen.CA_CERT));
    X509Certificate node = cert(dir.resolve(KeyGen.CERT));
    ca.verify(ca.getPublicKey());
    node.verify(ca.getPublicKey()); // signed by the CA
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(node.getBasicConstraints()).isEqualTo(-1);
    assertThat(node.getExtendedKeyUsage())
        .contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"); // server and client
    // the key is the certificate's
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(privateKey(key(dir)));
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(node.getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).isTrue();
  }

  @Test
  void neverReplacesKeys(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("keys");
    TlsKeys.generate(dir);
    String before = Files.readString(key(dir));
    assertThatThrownBy(() -> TlsKeys.generate(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already exists");
    assertThat(Files.readString(key(dir))).isEqualTo(before);
  }

  /**
   * Two actor systems with the same keys talk over tls-tcp; one with other keys, or with plain tcp,
   * never gets a message through.
   */
  @Test
  void onlyPeersWithTheSameKeysGetIn(@TempDir Path tmp) throws Exception {
    Path keys = tmp.resolve("keys");
    Path others = tmp.resolve("others");
    TlsKeys.generate(keys);
    TlsKeys.generate(others);
    ActorSystem server = ActorSystem.create("server", tls(keys));
    ActorSystem friend = ActorSystem.create("friend", tls(keys));
    ActorSystem stranger = ActorSystem.create("stranger", tls(others));
    ActorSystem plain = ActorSystem.create("plain", plainTcp());
    try {
      server.actorOf(Props.create(Echo.class), "echo");
      int port =
          ((ExtendedActorSystem) server).provider().getDefaultAddress().getPort().orElseThrow();
      String echo = "pekko://server@127.0.0.1:" + port + "/user/echo";
      assertThat(ask(friend, echo, Duration.ofSeconds(15))).isEqualTo("echo: hello");
      for (ActorSystem outsider : new ActorSystem[] {stranger, plain}) {
        assertThatThrownBy(() -> ask(outsider, echo, Duration.ofSeconds(3)))
            .as(outsider.name())
            .hasRootCauseInstanceOf(org.apache.pekko.pattern.AskTimeoutException.class);
      }
    } finally {
      for (ActorSystem s : new ActorSystem[] {server, friend, stranger, plain}) {
        s.terminate();
      }
      for (ActorSystem s : new ActorSystem[] {server, friend, stranger, plain}) {
        s.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    }
  }

  static final class Echo extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(String.class, s -> getSender().tell("echo: " + s, getSelf()))
          .build();
    }
  }

  static Object ask(ActorSystem from, String path, Duration timeout) {
    return Patterns.ask(from.actorSelection(path), "hello", timeout).toCompletableFuture().join();
  }

  static Config tls(Path keys) {
    return ConfigFactory.parseString(
            """
            pekko.remote.artery.transport = tls-tcp
            pekko.remote.artery.ssl.ssl-engine-provider = \
              org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider
            pekko.remote.artery.ssl.rotating-keys-engine {
              key-file = "%s"
              cert-file = "%s"
              ca-cert-file = "%s"
            }
            """
                .formatted(
                    keys.resolve(KeyGen.KEY),
                    keys.resolve(KeyGen.CERT),
                    keys.resolve(KeyGen.CA_CERT)))
        .withFallback(plainTcp());
  }

  static Config plainTcp() {
    return ConfigFactory.parseString(
            """
            pekko.actor.provider = remote
            pekko.actor.allow-java-serialization = off
            pekko.remote.artery.transport = tcp
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.loglevel = ERROR
            pekko.stdout-loglevel = OFF
            """)
        .withFallback(ConfigFactory.defaultReference());
  }

  static Path key(Path dir) {
    return dir.resolve(KeyGen.KEY);
  }

  static X509Certificate cert(Path file) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
  }

  static PrivateKey privateKey(Path file) throws Exception {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }
}
