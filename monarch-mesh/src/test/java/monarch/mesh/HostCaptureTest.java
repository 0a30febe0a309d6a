package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import monarch.config.MonarchConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the host agent keeps of a proc's output: per-proc files, and a dead proc's last lines. */
class HostCaptureTest {

  @Test
  void perProcFilesGetEveryLineAndADeadProcsLastLinesReachTheClient(@TempDir Path tmp)
      throws Exception {
    Path logDir = tmp.resolve("logs");
    try (HostMesh host = HostMesh.local(MonarchConfig.fromEnvironment().withFileLog(logDir))) {
      ProcMesh pm = host.spawnProcs(Map.of("gpus", 2));
      ActorMesh<Chatty> c = pm.spawn("c", Chatty.class);
      c.call(Chatty::printTimes, "to the file", 3);
      c.call(Chatty::printErr, "last words on stderr");
      pm.flush();

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logDir)))
          .isEqualTo("rwx------");
      List<Path> files;
      try (Stream<Path> s = Files.list(logDir)) {
        files = s.sorted().toList();
      }
      assertThat(files).hasSize(4);
      Path out0 =
          files.stream()
              .filter(p -> p.getFileName().toString().matches("rank0_.+_[0-9a-f]{8}\\.stdout"))
              .findFirst()
              .orElseThrow();
      assertThat(Files.readAllLines(out0))
          .containsExactly("[0] to the file", "[0] to the file", "[0] to the file");

      new ProcessBuilder("kill", "-9", Long.toString(pm.pids().get(1))).start().waitFor();
      await().atMost(ofSeconds(5)).until(() -> !pm.failures().isEmpty());
      ProcFailure f = pm.failures().get(0);
      assertThat(f.rank()).isEqualTo(1);
      assertThat(f.lastLines())
          .contains("[stdout] [1] to the file", "[stderr] [1] last words on stderr");
    }
  }
}
