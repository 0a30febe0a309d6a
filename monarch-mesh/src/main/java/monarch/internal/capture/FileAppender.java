package monarch.internal.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import monarch.internal.channel.PrivateDirectory;
import monarch.logging.OutputTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A proc's stdout and stderr files on its host: {@code {basename}_{host}_{shortuuid}.stdout} and
 * {@code .stderr} (0600) under the log directory (created 0700; the default one, per user under the
 * shared java.io.tmpdir, is a {@link PrivateDirectory}). Each tee appends its own stream's batches
 * and the file is flushed after every batch and on close. A write that fails (disk full, file gone)
 * logs one warning and disables that file; it never throws into the tee, so the console and
 * streaming go on.
 */
public final class FileAppender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileAppender.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final int BUFFER = 64 * 1024;

  private final Map<OutputTarget, Path> paths = new EnumMap<>(OutputTarget.class);
  private final Map<OutputTarget, OutputStream> outs = new EnumMap<>(OutputTarget.class);

  private FileAppender() {}

  /**
   * Creates both files; an IOException here means the log directory itself is unusable.
   *
   * @param shared null when {@code logDir} was chosen by name (MONARCH_LOG_DIR, run --files): it is
   *     used as it is, and created 0700 if missing. Otherwise the shared directory that {@code
   *     logDir} is a per-user path under: each directory below it must be private to us.
   */
  public static FileAppender create(Path logDir, Path shared, String basename, String host)
      throws IOException {
    if (shared != null) {
      PrivateDirectory.ensure(shared, logDir);
    } else if (!Files.isDirectory(logDir)) {
      Files.createDirectories(logDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    FileAppender a = new FileAppender();
    for (OutputTarget t : OutputTarget.values()) {
      Path p = logDir.resolve(basename + "_" + host + "_" + id + "." + t.name().toLowerCase());
      a.paths.put(t, p);
      // 0600 whatever the umask: what a proc prints may be private, as the directory is
      a.outs.put(
          t,
          new BufferedOutputStream(
              Channels.newOutputStream(
                  Files.newByteChannel(
                      p,
                      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                      OWNER_FILE)),
              BUFFER));
    }
    return a;
  }

  /** For tests: an appender over given streams (e.g. one that fails). */
  static FileAppender over(Map<OutputTarget, OutputStream> streams) {
    FileAppender a = new FileAppender();
    a.outs.putAll(streams);
    return a;
  }

  public Path path(OutputTarget target) {
    return paths.get(target);
  }

  /**
   * Appends one batch of '\n'-terminated lines and flushes it. Called by that stream's tee only.
   */
  public void append(OutputTarget target, byte[] buf, int off, int len) {
    OutputStream out = outs.get(target);
    if (out == null) {
      return;
    }
    try {
      out.write(buf, off, len);
      out.flush();
    } catch (IOException e) {
      disable(target, e);
    }
  }

  private void disable(OutputTarget target, IOException e) {
    synchronized (outs) {
      OutputStream out = outs.put(target, null);
      if (out != null) {
        log.warn(
            "cannot write {} ({}); this file gets no more lines, streaming and the console go on",
            paths.get(target),
            e.toString());
        try {
          out.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
  }

  /** Flushes and closes one stream's file; its tee calls it at the stream's end. */
  public void close(OutputTarget t) {
    OutputStream out;
    synchronized (outs) {
      out = outs.put(t, null);
    }
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        log.warn("cannot close {}: {}", paths.get(t), e.toString());
      }
    }
  }

  @Override
  public void close() {
    for (OutputTarget t : OutputTarget.values()) {
      close(t);
    }
  }
}
