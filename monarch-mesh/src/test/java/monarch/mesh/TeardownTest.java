package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import monarch.mesh.TestActors.Worker;
import org.junit.jupiter.api.Test;

/** Stopping leaves no proc behind; neither does a client killed with SIGKILL. */
class TeardownTest {

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static List<ProcessHandle> procChildren() {
    return ProcessHandle.current().children().filter(TeardownTest::isProc).toList();
  }

  static boolean isProc(ProcessHandle p) {
    try {
      return new String(Files.readAllBytes(Paths.get("/proc", Long.toString(p.pid()), "cmdline")),
          StandardCharsets.UTF_8).contains("monarch.internal.proc.ProcMain");
    } catch (IOException e) {
      return false; // already gone
    }
  }

  @Test
  void stopLeavesNoChildProcessAndIsIdempotent() {
    try (HostMesh host = HostMesh.local()) {
      ProcMesh pm = host.spawnProcs(Map.of("gpus", 2));
      ActorMesh<Worker> w = pm.spawn("w", Worker.class);
      assertThat(w.call(Worker::rank)).containsExactly(0, 1);
      assertThat(procChildren()).hasSize(2);

      assertTimeoutPreemptively(ofSeconds(6), pm::stop);
      assertThat(pm.pids()).noneMatch(TeardownTest::alive);
      assertThat(procChildren()).isEmpty();
      pm.stop();
      pm.close();

      assertThatThrownBy(() -> w.call(Worker::rank))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("is stopped");
      assertThatThrownBy(() -> pm.spawn("again", Worker.class))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("is stopped");
    }
  }

  @Test
  void closingTheHostMeshStopsItsProcMeshes() {
    HostMesh host = HostMesh.local();
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 2));
    host.close();
    host.close();
    assertThat(pm.pids()).noneMatch(TeardownTest::alive);
    assertThatThrownBy(() -> host.spawnProcs(Map.of("gpus", 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void procsOfAClientKilledWithSigkillExitWithinSeconds() throws Exception {
    List<Long> pids = startAndKillClient("2");
    await().atMost(ofSeconds(5)).until(() -> pids.stream().noneMatch(TeardownTest::alive));
  }

  @Test
  void executablesOfAClientKilledWithSigkillExitWithinSeconds() throws Exception {
    // silent, so no write ever fails on a closed pipe; each also has a child of its own
    List<Long> pids = startAndKillClient("2", "sleep 60 & exec sleep 61");
    List<Long> children = pids.stream().flatMap(p -> ProcessHandle.of(p).stream())
        .flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
    try {
      await().atMost(ofSeconds(8)).until(() -> pids.stream().noneMatch(TeardownTest::alive));
      if (hasPkill()) {
        await().atMost(ofSeconds(8)).until(() -> children.stream().noneMatch(TeardownTest::alive));
      }
    } finally { // nothing left behind by a failure either
      java.util.stream.Stream.concat(pids.stream(), children.stream())
          .flatMap(p -> ProcessHandle.of(p).stream()).forEach(ProcessHandle::destroyForcibly);
    }
  }

  static boolean hasPkill() {
    return java.util.stream.Stream.of(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Paths.get(d, "pkill")));
  }

  /** Starts KilledClientMain with {@code args}, reads its procs' pids, then SIGKILLs it. */
  static List<Long> startAndKillClient(String... args) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        KilledClientMain.class.getName()));
    cmd.addAll(List.of(args));
    Process client = new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    List<Long> pids;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("PIDS "));
      assertThat(line).as("client printed its procs' pids").isNotNull();
      pids = Arrays.stream(line.substring(5).split(" ")).map(Long::parseLong).toList();
    }
    assertThat(pids).hasSize(2).allMatch(TeardownTest::alive);

    client.destroyForcibly(); // SIGKILL: no shutdown hook runs
    client.waitFor();
    return pids;
  }
}
