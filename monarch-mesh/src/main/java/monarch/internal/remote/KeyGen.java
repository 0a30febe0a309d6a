package monarch.internal.remote;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import monarch.internal.channel.PrivateDirectory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the TLS material of one deployment (keygen): a private CA, and one key pair with a
 * certificate that CA signed, as the PEM files Pekko's rotating-keys TLS provider reads ({@link
 * #CA_CERT}, {@link #CERT}, {@link #KEY}). Every host gets a copy of the same directory, so any two
 * of them authenticate each other and nobody without it gets in. The CA's private key is used once
 * and never written: more certificates come from a new keygen, copied everywhere again.
 *
 * <p>It never overwrites: a directory that already holds any of the three files is refused, since
 * replacing keys that other hosts still use would lock them out. It reads nothing back (the agent
 * and client check the files when they load them).
 */
public final class KeyGen {
  public static final String CA_CERT = "ca.crt";
  public static final String CERT = "tls.crt";
  public static final String KEY = "tls.key";

  /** RSA, since Pekko's PEM loader reads RSA keys only; 3072 bits, good past 2030 (NIST). */
  private static final int RSA_BITS = 3072;

  private static final String SIGNATURE = "SHA256withRSA";
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private KeyGen() {}

  /**
   * Writes a new CA certificate, key and certificate into {@code dir} (created 0700 if missing,
   * refused if it is not ours or already holds keys); the key file is 0600 from its creation on.
   *
   * @throws IOException naming the directory or file that is in the way
   */
  public static void generate(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    Path parent = abs.getParent() == null ? abs : abs.getParent();
    PrivateDirectory.ensure(parent, abs);
    for (String name : List.of(CA_CERT, CERT, KEY)) {
      if (Files.exists(abs.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(
            abs.resolve(name)
                + " already exists: keygen never replaces keys that hosts may still use;"
                + " choose an empty directory, or remove the old files first");
      }
    }
    String id = HexFormat.of().formatHex(randomBytes(4));
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(RSA_BITS);
      KeyPair ca = rsa.generateKeyPair();
      KeyPair node = rsa.generateKeyPair();
      X500Name caName = new X500Name("CN=monarch CA " + id);
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509Certificate caCert =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName, serial(), from(now), until(now), caName, ca.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                  .addExtension(
                      Extension.subjectKeyIdentifier,
                      false,
                      ext.createSubjectKeyIdentifier(ca.getPublic())),
              ca.getPrivate());
      X509Certificate nodeCert =
          sign(
              new JcaX509v3CertificateBuilder(
                      caCert,
                      serial(),
                      from(now),
                      until(now),
                      new X500Name("CN=monarch node " + id),
                      node.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                  // every host is both: it listens (agent) and dials (client)
                  .addExtension(
                      Extension.extendedKeyUsage,
                      false,
                      new ExtendedKeyUsage(
                          new KeyPurposeId[] {
                            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                          }))
                  .addExtension(
                      Extension.authorityKeyIdentifier,
                      false,
                      ext.createAuthorityKeyIdentifier(caCert))
                  .addExtension(
                      Extension.subjectKeyIdentifier,
                      false,
                      ext.createSubjectKeyIdentifier(node.getPublic())),
              ca.getPrivate());
      writeKey(abs.resolve(KEY), node.getPrivate());
      Files.writeString(abs.resolve(CERT), pem(nodeCert), StandardOpenOption.CREATE_NEW);
      Files.writeString(abs.resolve(CA_CERT), pem(caCert), StandardOpenOption.CREATE_NEW);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the keys: " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey by)
      throws OperatorCreationException, GeneralSecurityException {
    X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(by));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static BigInteger serial() {
    return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
  }

  /** An hour back: a host whose clock is a little behind still accepts a fresh certificate. */
  private static Date from(Instant now) {
    return Date.from(now.minus(Duration.ofHours(1)));
  }

  private static Date until(Instant now) {
    return Date.from(now.plus(VALIDITY));
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  /** PKCS#8, unencrypted (the provider reads no passphrase); 0600 before any byte is in it. */
  private static void writeKey(Path file, PrivateKey key) throws IOException {
    try (Writer w =
            Channels.newWriter(
                Files.newByteChannel(
                    file,
                    java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))),
                StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
    }
  }
}
