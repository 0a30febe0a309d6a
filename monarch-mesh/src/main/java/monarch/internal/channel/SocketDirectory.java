package monarch.internal.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where proc-channel sockets live: a per-user directory of mode 0700 (only its owner can reach
 * the sockets in it), one sub-directory per host agent. Linux limits a socket path to 107 bytes;
 * when the preferred directory would make paths too long, it falls back to a short one under /tmp
 * instead of failing.
 */
public final class SocketDirectory {
  /** sun_path is 108 bytes on Linux, including the terminating NUL. */
  public static final int MAX_SOCKET_PATH_BYTES = 107;
  /** Room kept for an agent sub-directory and a socket file name such as "/a12345-ab12cd/p1023.sock". */
  static final int NAME_ROOM = 40;

  static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  public static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private SocketDirectory() {}

  /** The per-user base directory, created 0700 if needed. */
  public static Path userBase() throws IOException {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    Path preferred = Paths.get(System.getProperty("java.io.tmpdir"), "monarch-" + user, "sock");
    Path chosen = fits(preferred) ? preferred : fallback(user);
    return ensureOwnerOnly(chosen);
  }

  /** A fresh directory for one agent's sockets, under {@link #userBase()}. */
  public static Path createAgentDirectory() throws IOException {
    Path base = userBase();
    String name = "a" + ProcessHandle.current().pid() + "-" + Long.toString(System.nanoTime() & 0xffffffL, 36);
    return ensureOwnerOnly(base.resolve(name));
  }

  static boolean fits(Path dir) {
    return dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length + NAME_ROOM
        <= MAX_SOCKET_PATH_BYTES;
  }

  static Path fallback(String user) {
    Path shortDir = Paths.get("/tmp", "m-" + user);
    return fits(shortDir) ? shortDir : Paths.get("/tmp", "m-" + Integer.toHexString(user.hashCode()));
  }

  static Path ensureOwnerOnly(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("socket directory " + dir + " is not a directory (a symbolic link?)");
    }
    if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
      Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
    }
    return dir;
  }
}
