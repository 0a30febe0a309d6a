package monarch.cli;

import java.io.IOException;
import java.nio.file.Path;
import monarch.config.TlsKeys;

/**
 * {@code monarch keygen DIR}: makes the TLS material that agents and clients share (see {@link
 * TlsKeys}). Says what it wrote and what to do with it on stdout; a directory in the way is an
 * error (exit 1) that names it.
 */
record KeygenCommand(Path dir) {
  static final String USAGE =
      """
      Usage: monarch keygen DIR
      Make a private CA and a key with a certificate it signed, as PEM files in DIR (created 0700;
      the key 0600). Copy DIR to every host: agents take it with --tls DIR, clients with
      MONARCH_TLS_DIR=DIR, and let in only peers that hold the same keys. Existing keys are never
      replaced.
        -h, --help   show this help and exit
      """;

  /** The command the arguments describe, or null if they ask for help (printed here). */
  static KeygenCommand parse(ArgReader in) {
    for (String o; (o = in.nextOption()) != null; ) {
      switch (o) {
        case "-h", "--help" -> {
          System.out.print(USAGE);
          return null;
        }
        default -> throw ArgReader.unknown(o);
      }
    }
    if (in.operands().size() != 1) {
      throw new ArgReader.UsageException("keygen takes one directory");
    }
    return new KeygenCommand(Path.of(in.operands().get(0)));
  }

  int call() {
    try {
      TlsKeys.generate(dir);
    } catch (IOException e) {
      System.err.println("monarch keygen: " + MonarchCli.describe(e));
      return MonarchCli.FAILED;
    }
    System.out.println(
        "keys written to "
            + dir.toAbsolutePath().normalize()
            + " (ca.crt, tls.crt, tls.key);"
            + " copy the directory to every host: agents take --tls DIR, clients MONARCH_TLS_DIR");
    return MonarchCli.OK;
  }
}
