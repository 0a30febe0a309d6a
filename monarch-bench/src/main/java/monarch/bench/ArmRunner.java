package monarch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import monarch.bench.OutputCheck.ProducerTimes;

/**
 * Runs an arm's command the two ways the end-to-end benchmark needs. The counting run pipes the
 * client's stdout into {@link OutputCheck}, which reads every line; nothing is timed. A timed run
 * sends it to /dev/null and measures the wall time, GNU time's peak RSS and CPU of the client, and
 * the producers' own run times from their stderr. Owns the timeouts and what makes a run not count;
 * never decides what an arm runs ({@link Arm}) or how results read ({@link E2eReport}).
 */
final class ArmRunner {
  /**
   * Peak RSS (KB), user and system CPU seconds; rusage of the client and the children it reaped.
   */
  static final String TIME_FORMAT = "%M %U %S";

  private final E2eOptions o;
  private final Path producer;
  private final Path work;

  ArmRunner(E2eOptions o, Path producer, Path work) {
    this.o = o;
    this.producer = producer;
    this.work = work;
  }

  /** Output into the harness, every line checked. */
  ArmResult count(Arm arm) throws IOException, InterruptedException {
    List<String> cmd = arm.command(o, producer, o.lines(), List.of());
    Path err = file(arm, "-count.stderr");
    Process p =
        ChildProcesses.builder(cmd, err).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    Thread watchdog = watchdog(p);
    OutputCheck.Result check;
    try (InputStream in = p.getInputStream()) {
      check = OutputCheck.check(arm.format, in, o.ranks(), o.lines());
    }
    boolean exited = p.waitFor(o.runTimeout().toSeconds(), TimeUnit.SECONDS);
    watchdog.interrupt();
    String failure = failure(p, exited, ChildProcesses.readLines(err));
    return ArmResult.counted(arm, arm.displayCommand(o, producer), check, failure);
  }

  /** Output to /dev/null, {@code lines} per producer, wall time from start to exit. */
  Timing time(Arm arm, long lines) throws IOException, InterruptedException {
    Path rss = file(arm, ".rss");
    Path err = file(arm, "-timed.stderr");
    Files.deleteIfExists(rss);
    List<String> gnuTime = List.of(Machine.GNU_TIME, "-f", TIME_FORMAT, "-o", rss.toString());
    ProcessBuilder pb =
        ChildProcesses.builder(arm.command(o, producer, lines, gnuTime), err)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    double load = Double.parseDouble(Machine.loadAverage().split(" ")[0]);
    long t0 = System.nanoTime();
    Process p = pb.start();
    boolean exited = p.waitFor(o.runTimeout().toSeconds(), TimeUnit.SECONDS);
    double wall = (System.nanoTime() - t0) / 1e9;
    List<String> errLines = ChildProcesses.readLines(err);
    String failure = failure(p, exited, errLines);
    long kb = -1;
    double cpu = -1;
    if (Files.isRegularFile(rss)) {
      // GNU time writes "Command exited with non-zero status N" first when it did
      for (String l : Files.readAllLines(rss)) {
        String[] f = l.strip().split(" ");
        if (f.length == 3 && f[0].matches("\\d+")) {
          kb = Long.parseLong(f[0]);
          cpu = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
        }
      }
    }
    if (kb < 0 && failure == null) {
      failure = "no peak RSS from GNU time";
    }
    if (arm == Arm.WARM && failure == null) {
      // the last run inside the JVM, not the JVM's life
      wall =
          errLines.stream()
              .filter(l -> l.startsWith("round-ns "))
              .mapToDouble(l -> Long.parseLong(l.substring("round-ns ".length())) / 1e9)
              .findFirst()
              .orElse(Double.NaN);
      if (Double.isNaN(wall)) {
        failure = "the warm client reported no round time";
      }
    }
    return new Timing(wall, kb, cpu, load, OutputCheck.producerTimes(errLines), failure);
  }

  private Path file(Arm arm, String suffix) {
    return work.resolve(arm.name().toLowerCase(Locale.ROOT) + suffix);
  }

  /** Why a run does not count (timeout, exit status, a producer that never reported), or null. */
  private String failure(Process p, boolean exited, List<String> errLines) {
    if (!exited) {
      ChildProcesses.killTree(p);
      return "did not finish within " + o.runTimeout().toSeconds() + " s";
    }
    ProducerTimes pt = OutputCheck.producerTimes(errLines);
    if (p.exitValue() != 0) {
      return "exit status "
          + p.exitValue()
          + (pt.otherLines().isEmpty() ? "" : ", stderr: " + pt.otherLines().get(0));
    }
    if (pt.reported() != o.ranks()) {
      return pt.reported()
          + " of "
          + o.ranks()
          + " producers reported their run time"
          + (pt.otherLines().isEmpty() ? "" : ", stderr: " + pt.otherLines().get(0));
    }
    return null;
  }

  /** Kills a counting run that outlives its timeout: its reader then sees EOF. */
  private Thread watchdog(Process p) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(o.runTimeout().toMillis());
                ChildProcesses.killTree(p); // the run is then reported as not finished
              } catch (InterruptedException done) {
                // the run finished in time
              }
            },
            "e2e-watchdog");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
