package monarch.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the end-to-end harness starts and stops its children: with the environment of a default run,
 * no stdin, stderr into a file, and stopped with everything they started. Owns only that; what a
 * child runs and what its output means belong to its caller.
 */
final class ChildProcesses {
  private ChildProcesses() {}

  /**
   * A child of {@code cmd} with its stderr into {@code stderr}; stdout is the caller's to redirect.
   */
  static ProcessBuilder builder(List<String> cmd, Path stderr) {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(stderr.toFile());
    Map<String, String> env = pb.environment();
    // measure the defaults, and let each launcher give its ranks their own RANK
    env.keySet()
        .removeIf(
            k ->
                k.startsWith("MONARCH_")
                    || k.startsWith("HYPERACTOR_")
                    || k.startsWith("OMPI_")
                    || k.startsWith("PMIX_")
                    || List.of("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE").contains(k));
    return pb;
  }

  /** A main class of this class path in a JVM of its own: the command line. */
  static List<String> javaMain(String mainClass, String... args) {
    return javaMain(List.of(), mainClass, args);
  }

  /** As above, with JVM options before the class path. */
  static List<String> javaMain(List<String> jvmOptions, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(javaBinary()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** The lines of {@code p}, none if it is missing. */
  static List<String> readLines(Path p) {
    try {
      // decoded leniently: a client's stderr may carry anything
      return Files.isRegularFile(p)
          ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8).lines().toList()
          : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
