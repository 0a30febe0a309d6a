package monarch.internal.host;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import monarch.internal.proc.ProcMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AppCDS archive of JVM procs: classes of the proc's start-up path, pre-parsed once so every
 * later proc maps them instead of loading them. The archive is keyed by the JVM and by the exact
 * class path (names, sizes and modification times), so a rebuilt jar gets a new archive instead
 * of a mismatch. It is built in the background by one training run the first time a class path
 * is seen; procs launched before it exists just start without it.
 */
final class CdsArchive {
  private static final Logger log = LoggerFactory.getLogger(CdsArchive.class);
  /** A training run that takes longer than this is abandoned. */
  private static final long TRAIN_TIMEOUT_SECONDS = 60;

  private final Path archive;
  private final List<String> trainCommand;
  private final AtomicBoolean training = new AtomicBoolean();

  private CdsArchive(Path archive, List<String> trainCommand) {
    this.archive = archive;
    this.trainCommand = trainCommand;
  }

  /** An archive for this class path, or a disabled one when AppCDS cannot apply to it. */
  static CdsArchive forClasspath(String classpath, List<String> jvmFlags) {
    if (Boolean.getBoolean("monarch.cds.disable") || !onlyJars(classpath)) {
      return new CdsArchive(null, List.of());
    }
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"),
        "monarch-" + System.getProperty("user.name", "user"), "cds");
    Path archive = dir.resolve("proc-" + key(classpath, jvmFlags) + ".jsa");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcLauncher.javaBinary().toString());
    cmd.addAll(jvmFlags);
    cmd.add("-XX:ArchiveClassesAtExit=" + archive + ".tmp" + ProcessHandle.current().pid());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(ProcMain.class.getName());
    cmd.add("--cds-train");
    return new CdsArchive(archive, cmd);
  }

  static CdsArchive disabled() {
    return new CdsArchive(null, List.of());
  }

  /** The flags for a proc launched now; starts the training run if there is no archive yet. */
  List<String> flags() {
    if (archive == null) {
      return List.of();
    }
    if (Files.isRegularFile(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive);
    }
    if (training.compareAndSet(false, true)) {
      Thread t = new Thread(this::train, "monarch-cds-train");
      t.setDaemon(true);
      t.start();
    }
    return List.of();
  }

  /** Builds the archive now and waits for it (benchmarks use this to measure with it). */
  boolean ensureBuilt() {
    if (archive == null) {
      return false;
    }
    if (!Files.isRegularFile(archive)) {
      train();
    }
    return Files.isRegularFile(archive);
  }

  private synchronized void train() {
    if (Files.isRegularFile(archive)) {
      return;
    }
    Path tmp = Paths.get(archive + ".tmp" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(archive.getParent());
      removeStaleTemps(archive.getParent());
      Process p = new ProcessBuilder(trainCommand)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(TRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("AppCDS training run for procs timed out; procs start without the archive");
      } else if (p.exitValue() == 0 && Files.isRegularFile(tmp)) {
        Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.debug("AppCDS archive for procs written to {}", archive);
      } else {
        log.warn("AppCDS training run for procs exited with {}; procs start without the archive",
            p.exitValue());
      }
    } catch (IOException e) {
      log.warn("cannot build the AppCDS archive for procs ({}); procs start without it", e.toString());
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
   * Deletes the temp archives of training runs whose client is gone. A client that exits while
   * its training run is still going (the thread is a daemon; the run is not killed) never moves
   * the run's {@code .tmp<client pid>} file, of tens of MB, into place. Each later training run
   * first removes such files, so at most the ones of live clients and of runs still writing
   * remain.
   */
  static void removeStaleTemps(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        String name = f.getFileName().toString();
        int at = name.lastIndexOf(".jsa.tmp");
        if (!name.startsWith("proc-") || at < 0) {
          return;
        }
        long pid;
        try {
          pid = Long.parseLong(name.substring(at + ".jsa.tmp".length()));
        } catch (NumberFormatException e) {
          return;
        }
        if (ProcessHandle.of(pid).isEmpty()) {
          try {
            Files.deleteIfExists(f);
          } catch (IOException e) {
            log.debug("cannot delete stale {}: {}", f, e.toString());
          }
        }
      });
    } catch (IOException e) {
      log.debug("cannot list {}: {}", dir, e.toString());
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
      md.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version")
          + "|" + jvmFlags + "|" + classpath).getBytes(StandardCharsets.UTF_8));
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
