package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
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
      return new String(
              Files.readAllBytes(Paths.get("/proc", Long.toString(p.pid()), "cmdline")),
              StandardCharsets.UTF_8)
          .contains("monarch.internal.proc.ProcMain");
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

      assertTimeoutPreemptively(ofSeconds(6), () -> pm.stop());
      assertThat(pm.pids()).noneMatch(TeardownTest::alive);
      assertThat(procChildren()).isEmpty();
      pm.stop();
      pm.close();

      assertThatThrownBy(() -> w.call(Worker::rank))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is stopped");
      assertThatThrownBy(() -> pm.spawn("again", Worker.class))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is stopped");
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
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void procsOfAClientKilledWithSigkillExitWithinSeconds() throws Exception {
    List<Long> pids = startAndKillClient("2");
    await().atMost(ofSeconds(5)).until(() -> pids.stream().noneMatch(TeardownTest::alive));
  }

  @Test
  void executablesOfAClientKilledWithSigkillExitWithinSecondsAndSoDoesAllTheyStarted()
      throws Exception {
    // silent, so no write ever fails on a closed pipe; each also leaves an orphan behind, a
    // process whose parent is gone, which only its process group still ties to its rank
    List<Long> pids = startAndKillClient("2", "(sleep 60 &); echo ready; exec sleep 61");
    List<Long> orphans =
        pids.stream()
            .flatMap(p -> groupMembers(p).stream())
            .filter(p -> !pids.contains(p))
            .toList();
    assertThat(orphans).hasSize(2);
    try {
      await().atMost(ofSeconds(8)).until(() -> pids.stream().noneMatch(TeardownTest::alive));
      await().atMost(ofSeconds(8)).until(() -> orphans.stream().noneMatch(TeardownTest::alive));
    } finally { // nothing left behind by a failure either
      java.util.stream.Stream.concat(pids.stream(), orphans.stream())
          .flatMap(p -> ProcessHandle.of(p).stream())
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** The processes of process group {@code pgid}, from /proc. */
  static List<Long> groupMembers(long pgid) {
    List<Long> found = new java.util.ArrayList<>();
    try (var procs = Files.list(Paths.get("/proc"))) {
      for (var p : (Iterable<java.nio.file.Path>) procs::iterator) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          // pid (comm) state ppid pgrp ...: comm may hold spaces, so count from its ')'
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (Long.parseLong(f[2]) == pgid) {
            found.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException | RuntimeException notAProcess) {
          // not a process, or gone
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }

  /** Starts KilledClientMain with {@code args}, reads its procs' pids, then SIGKILLs it. */
  static List<Long> startAndKillClient(String... args) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                KilledClientMain.class.getName()));
    cmd.addAll(List.of(args));
    Process client = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<Long> pids;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
      // ranks that say "ready" are killed only once each has (their output streams here too)
      int readyWanted =
          args.length > 1 && args[1].contains("echo ready") ? Integer.parseInt(args[0]) : 0;
      int ready = 0;
      String pidsLine = null;
      for (String line;
          (pidsLine == null || ready < readyWanted) && (line = out.readLine()) != null; ) {
        pidsLine = line.startsWith("PIDS ") ? line : pidsLine;
        ready += line.endsWith("] ready") ? 1 : 0;
      }
      assertThat(pidsLine).as("client printed its procs' pids").isNotNull();
      assertThat(ready).as("every rank said ready").isEqualTo(readyWanted);
      pids = Arrays.stream(pidsLine.substring(5).split(" ")).map(Long::parseLong).toList();
    }
    assertThat(pids).hasSize(2).allMatch(TeardownTest::alive);

    client.destroyForcibly(); // SIGKILL: no shutdown hook runs
    client.waitFor();
    return pids;
  }
}
