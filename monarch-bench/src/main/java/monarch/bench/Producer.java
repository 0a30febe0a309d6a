package monarch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The end-to-end workload's C producer ({@code monarch-bench/src/main/c/producer.c}): where its
 * source is, and its binary built with {@code cc -O2} into the harness's work directory when
 * missing or stale. Never checks that cc is there ({@link Machine#requireTools} does, first).
 */
final class Producer {
  private Producer() {}

  static Path source(Path root) {
    return root.resolve("monarch-bench/src/main/c/producer.c");
  }

  /** Whether work/ holds a producer binary no older than its source. */
  static boolean isBuilt(Path root, Path work) throws IOException {
    Path bin = work.resolve("producer");
    return Files.isExecutable(bin)
        && Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(source(root))) >= 0;
  }

  /** The binary, compiled into work/ unless it is built already. */
  static Path build(Path root, Path work) throws IOException, InterruptedException {
    Path src = source(root);
    Path bin = work.resolve("producer");
    if (isBuilt(root, work)) {
      return bin;
    }
    Path log = work.resolve("cc.log");
    Process p =
        new ProcessBuilder("cc", "-O2", "-Wall", "-o", bin.toString(), src.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "cc -O2 " + src + " failed:\n" + String.join("\n", ChildProcesses.readLines(log)));
    }
    return bin;
  }
}
