package monarch.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * What the end-to-end harness asks of this machine: the tools it runs, whether it is root, the load
 * average, and the one-line description the report opens with. Checks tools and never installs
 * them: the harness runs under {@code mvn verify}, often as root, and must not change the machine;
 * {@code .ci/run} installs them.
 */
final class Machine {
  static final String GNU_TIME = "/usr/bin/time";

  private Machine() {}

  /** A tool the harness runs, and the Debian package that has it. */
  record Tool(String name, String debPackage, BooleanSupplier present) {
    static final Tool MPIRUN = new Tool("mpirun", "openmpi-bin", () -> onPath("mpirun"));
    static final Tool TIME =
        new Tool(
            "GNU time (" + GNU_TIME + ")", "time", () -> Files.isExecutable(Paths.get(GNU_TIME)));
    static final Tool CC = new Tool("a C compiler 'cc'", "gcc", () -> onPath("cc"));
  }

  /**
   * Fails naming every missing tool and its package. Never skips either: an arm that cannot run is
   * an error.
   */
  static void requireTools(List<Tool> tools) {
    List<Tool> missing = tools.stream().filter(t -> !t.present().getAsBoolean()).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "missing "
              + String.join(
                  ", ",
                  missing.stream()
                      .map(t -> t.name() + " (Debian package " + t.debPackage() + ")")
                      .toList())
              + ": apt-get install -y "
              + String.join(" ", missing.stream().map(Tool::debPackage).toList())
              + ", or run bash .ci/run, which installs what is missing");
    }
  }

  static boolean isRoot() {
    try {
      // "Uid: real effective saved fs"
      return Files.readAllLines(Paths.get("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:"))
          .map(l -> l.split("\\s+")[2])
          .findFirst()
          .orElse("")
          .equals("0");
    } catch (IOException e) {
      return false;
    }
  }

  static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()
          && Files.isExecutable(Paths.get(dir, name))
          && !Files.isDirectory(Paths.get(dir, name))) {
        return true;
      }
    }
    return false;
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String description() {
    String cpu = "";
    long memKb = 0;
    try {
      cpu =
          Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst()
              .orElse("");
      memKb =
          Files.readAllLines(Paths.get("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal:"))
              .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
              .findFirst()
              .orElse(0L);
    } catch (IOException | RuntimeException e) {
      // a description without them is still a description
    }
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.0f GB RAM, %s %s; Java %s (%s); %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memKb / 1024.0 / 1024.0,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"),
        firstLine("mpirun", "--version"));
  }

  private static String firstLine(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      return cmd[0] + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
