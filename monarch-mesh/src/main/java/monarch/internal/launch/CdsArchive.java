package monarch.internal.launch;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import monarch.internal.channel.PrivateDirectory;
import monarch.internal.proc.ProcMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AppCDS archive of JVM procs: classes of the proc's start-up path, pre-parsed once so every
 * later proc maps them instead of loading them. The archive is keyed by the JVM and by the exact
 * class path (names, sizes and modification times), so a rebuilt jar gets a new archive instead of
 * a mismatch. It is built in the background by one training run the first time a class path is
 * seen; procs launched before it exists just start without it. The run moves its archive into place
 * itself, so one started by a client that exits first (a short {@code monarch run}) still lands,
 * instead of being redone, in the background, by every later client.
 *
 * <p>Trust: a proc runs what the archive holds, so it is only ever mapped from a {@link
 * PrivateDirectory} ({@code ${java.io.tmpdir}/monarch-<user>/cds}) and only when it is a regular
 * file of ours that nobody else can write (the training run makes it 0600 before moving it into
 * place). When the directory is refused (another user made it), procs start without an archive and
 * one warning says why; an archive that is not private is made again over it.
 *
 * <p>Disk: every rebuilt jar makes a new key, so the directory keeps only the {@link
 * #KEEP_ARCHIVES} newest archives (about 9 MB each), plus the temp files of runs still writing.
 */
public final class CdsArchive {
  private static final Logger log = LoggerFactory.getLogger(CdsArchive.class);

  /** A training run that takes longer than this is abandoned. */
  private static final long TRAIN_TIMEOUT_SECONDS = 60;

  static final int KEEP_ARCHIVES = 8;

  /** The shared directory (java.io.tmpdir) the archive's directory is private under. */
  private final Path shared;

  private final Path archive;
  private final List<String> trainCommand;
  private final AtomicBoolean training = new AtomicBoolean();

  /** Not the archive's monitor, which a training run holds for up to a minute. */
  private final Object directoryLock = new Object();

  /** Null until the directory is checked (once: once private, only we can change it). */
  private Boolean directoryPrivate;

  CdsArchive(Path shared, Path archive, List<String> trainCommand) {
    this.shared = shared;
    this.archive = archive;
    this.trainCommand = trainCommand;
  }

  /** An archive for this class path, or a disabled one when AppCDS cannot apply to it. */
  public static CdsArchive forClasspath(String classpath, List<String> jvmFlags) {
    if (Boolean.getBoolean("monarch.cds.disable") || !onlyJars(classpath)) {
      return disabled();
    }
    Path shared = Paths.get(System.getProperty("java.io.tmpdir"));
    Path dir =
        shared.resolve(Paths.get("monarch-" + System.getProperty("user.name", "user"), "cds"));
    Path archive = dir.resolve("proc-" + key(classpath, jvmFlags) + ".jsa");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcLauncher.javaBinary().toString());
    cmd.addAll(jvmFlags);
    cmd.add("-XX:ArchiveClassesAtExit=" + archive + ".tmp" + ProcessHandle.current().pid());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(ProcMain.class.getName());
    cmd.add("--cds-train");
    return new CdsArchive(shared, archive, cmd);
  }

  static CdsArchive disabled() {
    return new CdsArchive(null, null, List.of());
  }

  /** The flags for a proc launched now; starts the training run if there is no archive yet. */
  List<String> flags() {
    if (archive == null || !directoryPrivate()) {
      return List.of();
    }
    if (PrivateDirectory.isPrivateFile(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive);
    }
    if (training.compareAndSet(false, true)) {
      Thread t = new Thread(this::train, "monarch-cds-train");
      t.setDaemon(true);
      t.start();
    }
    return List.of();
  }

  boolean trainingStarted() {
    return training.get();
  }

  /** Creates or checks the archive's directory, the first time; a refused one is one warning. */
  private boolean directoryPrivate() {
    synchronized (directoryLock) {
      if (directoryPrivate == null) {
        try {
          PrivateDirectory.ensure(shared, archive.getParent());
          directoryPrivate = true;
        } catch (IOException e) {
          log.warn(
              "JVM procs start without their AppCDS archive (slower start-up): {}", e.getMessage());
          directoryPrivate = false;
        }
      }
      return directoryPrivate;
    }
  }

  private synchronized void train() {
    if (PrivateDirectory.isPrivateFile(archive)) {
      return;
    }
    Path tmp = Paths.get(archive + ".tmp" + ProcessHandle.current().pid());
    try {
      tidy(archive.getParent());
      Process p = startTraining(trainCommand, tmp, archive);
      if (!p.waitFor(TRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        log.warn("AppCDS training run for procs timed out; procs start without the archive");
      } else if (p.exitValue() == 0 && PrivateDirectory.isPrivateFile(archive)) {
        log.debug("AppCDS archive for procs written to {}", archive);
      } else {
        log.warn(
            "AppCDS training run for procs exited with {}; procs start without the archive",
            p.exitValue());
      }
    } catch (IOException e) {
      log.warn(
          "cannot build the AppCDS archive for procs ({}); procs start without it", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a stale temp file is harmless: the next training run uses its own pid
      }
    }
  }

  /**
   * Starts {@code command}, which writes the archive to {@code tmp}, under a shell that then makes
   * it 0600 (the JVM writes it with the umask's mode) and renames it to {@code archive} (atomic,
   * replacing a concurrent run's or one that was not private): neither depends on this JVM still
   * being there.
   */
  static Process startTraining(List<String> command, Path tmp, Path archive) throws IOException {
    List<String> wrapped =
        new ArrayList<>(
            List.of(
                "/bin/sh",
                "-c",
                "\"$@\" && chmod 600 -- \"$MONARCH_CDS_TMP\""
                    + " && exec mv -f -- \"$MONARCH_CDS_TMP\" \"$MONARCH_CDS_ARCHIVE\"",
                "monarch-cds-train"));
    wrapped.addAll(command);
    ProcessBuilder pb =
        new ProcessBuilder(wrapped)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("MONARCH_CDS_TMP", tmp.toString());
    pb.environment().put("MONARCH_CDS_ARCHIVE", archive.toString());
    return pb.start();
  }

  /**
   * Bounds the directory before a training run adds to it: deletes the temp archives of runs whose
   * client is gone and that stopped writing a while ago (a run of a gone client may still be
   * finishing, and then moves its file itself), and all but the newest KEEP_ARCHIVES - 1 archives.
   * A proc mapping a deleted archive keeps its mapping; one of those old class paths starting again
   * just trains again.
   */
  static void tidy(Path dir) {
    List<Map.Entry<Long, Path>> archives =
        new ArrayList<>(); // modified, file: read once, so the sort is stable
    long staleBefore =
        System.currentTimeMillis() - 2 * TimeUnit.SECONDS.toMillis(TRAIN_TIMEOUT_SECONDS);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        int at = name.lastIndexOf(".jsa.tmp");
        if (!name.startsWith("proc-")) {
          continue;
        } else if (name.endsWith(".jsa")) {
          archives.add(Map.entry(lastModified(f), f));
        } else if (at >= 0
            && clientGone(name.substring(at + ".jsa.tmp".length()))
            && lastModified(f) < staleBefore) {
          delete(f);
        }
      }
    } catch (IOException e) {
      log.debug("cannot list {}: {}", dir, e.toString());
      return;
    }
    archives.sort(Map.Entry.<Long, Path>comparingByKey().reversed());
    for (int i = KEEP_ARCHIVES - 1; i < archives.size(); i++) {
      delete(archives.get(i).getValue());
    }
  }

  private static boolean clientGone(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).isEmpty();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static long lastModified(Path f) {
    try {
      return Files.getLastModifiedTime(f).toMillis();
    } catch (IOException e) {
      return 0; // gone meanwhile: oldest, and deleting it is a no-op
    }
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", f, e.toString());
    }
  }

  /** AppCDS archives classes from jars only and refuses a non-empty directory on the class path. */
  static boolean onlyJars(String classpath) {
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.endsWith(".jar")) {
        return false;
      }
    }
    return !classpath.isEmpty();
  }

  static String key(String classpath, List<String> jvmFlags) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(
          (System.getProperty("java.home")
                  + "|"
                  + System.getProperty("java.vm.version")
                  + "|"
                  + jvmFlags
                  + "|"
                  + classpath)
              .getBytes(StandardCharsets.UTF_8));
      for (String entry : classpath.split(File.pathSeparator)) {
        File f = new File(entry);
        md.update((f.length() + ":" + f.lastModified() + ";").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
