package monarch.internal.channel;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user directories under a directory everyone can write to, such as /tmp, where another user
 * could create our names first and so control what we read from them (an AppCDS archive a proc
 * maps, a socket a proc dials). Every directory between that shared parent and the one asked for
 * must be ours, a real directory (never a symbolic link) and of mode 0700. A missing one is created
 * so, atomically. One owned by someone else, a symbolic link or not a directory is refused with an
 * IOException naming it, what was found and what to do. One of ours with another mode (earlier
 * versions made them 0755 through the umask) is set to 0700, logged: nobody else could have made
 * it, and what is in it is checked by whoever uses it (sockets and log files are created new,
 * archives pass {@link #isPrivateFile}). It never changes anything it does not own, never follows a
 * link, and trusts nothing about the shared parent but that it exists.
 */
public final class PrivateDirectory {
  private static final Logger log = LoggerFactory.getLogger(PrivateDirectory.class);
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  private static final int OWNER_ONLY_MODE = 0700;
  private static final String ATTRIBUTES =
      "unix:uid,owner,mode,isDirectory,isSymbolicLink,isRegularFile";
  private static final long UID = new com.sun.security.auth.module.UnixSystem().getUid();

  private PrivateDirectory() {}

  /**
   * Makes sure {@code dir} and every directory between {@code shared} and it are private to us (see
   * the class comment), creating the missing ones; returns {@code dir}.
   *
   * @throws IOException naming the first directory that is not safe to use, or one that cannot be
   *     created
   */
  public static Path ensure(Path shared, Path dir) throws IOException {
    Path base = shared.toAbsolutePath().normalize();
    Path target = dir.toAbsolutePath().normalize();
    if (!target.startsWith(base) || target.equals(base)) {
      throw new IllegalArgumentException(dir + " is not below " + shared);
    }
    Path p = base;
    for (Path name : base.relativize(target)) {
      p = p.resolve(name);
      ensureOne(p);
    }
    return dir;
  }

  /**
   * Whether {@code file} is a regular file (not a link) of ours that nobody else can read or write.
   */
  public static boolean isPrivateFile(Path file) {
    try {
      Map<String, Object> a = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      return (Boolean) a.get("isRegularFile")
          && ((Number) a.get("uid")).longValue() == UID
          && ((Integer) a.get("mode") & 077) == 0;
    } catch (IOException e) {
      return false; // missing, or unreadable: not one we can trust
    }
  }

  private static void ensureOne(Path dir) throws IOException {
    boolean created = true;
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      created = false; // anyone's, maybe ours (another client made it first): checked below
    }
    Map<String, Object> a = Files.readAttributes(dir, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    long uid = ((Number) a.get("uid")).longValue();
    int mode = (Integer) a.get("mode") & 07777;
    String found =
        (Boolean) a.get("isSymbolicLink")
            ? "a symbolic link"
            : !(Boolean) a.get("isDirectory")
                ? "not a directory"
                : uid != UID
                    ? "owned by "
                        + a.get("owner")
                        + " (uid "
                        + uid
                        + "), mode "
                        + octal(mode)
                        + ", not by us (uid "
                        + UID
                        + ")"
                    : null;
    if (found != null) {
      throw new IOException(
          dir
              + " is "
              + found
              + ": another user may control what is in it,"
              + " so monarch does not use it; remove it, or set java.io.tmpdir elsewhere");
    }
    if (mode != OWNER_ONLY_MODE) {
      // also right after creating it: the umask may have cleared some of the owner's bits
      Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setPermissions(OWNER_ONLY);
      if (!created) {
        log.info("{} had mode {}; set it to 0700", dir, octal(mode));
      }
    }
  }

  private static String octal(int mode) {
    return String.format("%04o", mode);
  }
}
