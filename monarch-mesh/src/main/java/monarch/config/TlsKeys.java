package monarch.config;

import java.io.IOException;
import java.nio.file.Path;
import monarch.internal.remote.KeyGen;

/**
 * The TLS material of one deployment: a directory that {@code monarch keygen DIR} (or {@link
 * #generate}) fills with a private CA's certificate ({@code ca.crt}) and a key ({@code tls.key},
 * 0600) with a certificate that CA signed ({@code tls.crt}). The same directory copied to every
 * host is the whole set-up: agents ({@code --tls DIR}) and clients ({@code MONARCH_TLS_DIR}) then
 * let in only peers that hold it.
 */
public final class TlsKeys {
  private TlsKeys() {}

  /**
   * Makes new keys in {@code dir}: created private (0700) if missing; refused, with an exception
   * naming it, if it is not the user's own or already holds keys (they are never replaced).
   */
  public static void generate(Path dir) throws IOException {
    KeyGen.generate(dir);
  }
}
