package monarch.internal.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where proc-channel sockets live: a per-user directory of mode 0700 (only its owner can reach the
 * sockets in it), one sub-directory per host agent. Linux limits a socket path to 107 bytes; when
 * the preferred directory would make paths too long, it falls back to a short one under /tmp
 * instead of failing. Both are {@link PrivateDirectory PrivateDirectories}: one that another user
 * made first is refused, never used.
 */
public final class SocketDirectory {
  /** sun_path is 108 bytes on Linux, including the terminating NUL. */
  public static final int MAX_SOCKET_PATH_BYTES = 107;

  /**
   * Room kept for an agent sub-directory and a socket file name such as
   * "/a12345-ab12cd/p1023.sock".
   */
  static final int NAME_ROOM = 40;

  public static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private SocketDirectory() {}

  /** The per-user base directory, created 0700 if needed. */
  public static Path userBase() throws IOException {
    return userBase(
        Paths.get(System.getProperty("java.io.tmpdir")), System.getProperty("user.name", "user"));
  }

  /** {@code ${tmpdir}/monarch-<user>/sock}, or the short fallback when that is too long. */
  static Path userBase(Path tmpdir, String userName) throws IOException {
    String user = userName.replaceAll("[^A-Za-z0-9_.-]", "_");
    Path preferred = tmpdir.resolve(Paths.get("monarch-" + user, "sock"));
    return fits(preferred)
        ? PrivateDirectory.ensure(tmpdir, preferred)
        : PrivateDirectory.ensure(Paths.get("/tmp"), fallback(user));
  }

  /** A fresh directory for one agent's sockets, under {@link #userBase()}. */
  public static Path createAgentDirectory() throws IOException {
    Path base = userBase();
    String name =
        "a"
            + ProcessHandle.current().pid()
            + "-"
            + Long.toString(System.nanoTime() & 0xffffffL, 36);
    return PrivateDirectory.ensure(base, base.resolve(name));
  }

  static boolean fits(Path dir) {
    return dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length + NAME_ROOM
        <= MAX_SOCKET_PATH_BYTES;
  }

  static Path fallback(String user) {
    Path shortDir = Paths.get("/tmp", "m-" + user);
    return fits(shortDir)
        ? shortDir
        : Paths.get("/tmp", "m-" + Integer.toHexString(user.hashCode()));
  }
}
