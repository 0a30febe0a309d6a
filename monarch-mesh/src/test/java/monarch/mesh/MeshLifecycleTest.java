package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import monarch.logging.LoggingOptions;
import monarch.mesh.TestActors.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a caller sees around stop: pending calls, concurrent stops, bad options. */
class MeshLifecycleTest {
  static final LoggingOptions EVERY_LINE = new LoggingOptions(true, null, 20);
  static HostMesh host;

  @BeforeAll
  static void start() {
    host = HostMesh.local();
  }

  @AfterAll
  static void close() {
    host.close();
  }

  @Test
  void aCallPendingAtStopFailsWithMeshStopped() {
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 2));
    ActorMesh<Worker> w = pm.spawn("w", Worker.class);
    CompletableFuture<Void> blocked = w.callAsync(Worker::block);
    pm.stop();
    assertThatThrownBy(blocked::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was stopped while this call was pending")
        .hasMessageNotContaining("status");
  }

  @Test
  void aSecondConcurrentStopReturnsOnlyOnceTheMeshIsStopped() throws Exception {
    for (int round = 0; round < 3; round++) {
      ProcMesh pm = host.spawnProcs(Map.of("gpus", 2));
      List<Long> pids = pm.pids();
      CompletableFuture<Void> first = CompletableFuture.runAsync(pm::stop);
      CompletableFuture<Void> second = CompletableFuture.runAsync(pm::stop);
      await().atMost(ofSeconds(20)).until(() -> first.isDone() || second.isDone());
      // whichever returned first, the procs are gone by then
      assertThat(pids).as("round " + round).noneMatch(MeshLifecycleTest::alive);
      CompletableFuture.allOf(first, second).get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void loggingOptionNullIsAnIllegalArgument() {
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 1));
    try {
      assertThatThrownBy(() -> pm.loggingOption(null)).isInstanceOf(IllegalArgumentException.class);
    } finally {
      pm.stop();
    }
  }

  /** A rank that exited leaving a quiet background child: flush does not wait for that child. */
  @Test
  void aFlushAfterARankExitedDoesNotWaitForItsBackgroundChild() throws Exception {
    ProcMesh pm =
        host.spawnProcs(
            Map.of("gpus", 1),
            ProcCommand.executable(List.of("sh", "-c", "printf 'progress 50%%'; sleep 30 &")),
            EVERY_LINE);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0);
    assertTimeoutPreemptively(ofSeconds(5), pm::flush);
    pm.stop();
  }

  /**
   * What a caller chains on the outcome runs off the client's receiver, so it may stop the mesh.
   */
  @Test
  void aStopChainedOnTheOutcomeDoesNotWaitForItself() throws Exception {
    ProcMesh pm =
        host.spawnProcs(
            Map.of("gpus", 1),
            ProcCommand.executable(List.of("sh", "-c", "exit 3")),
            EVERY_LINE,
            e -> {});
    CompletableFuture<Long> millis =
        pm.outcome()
            .thenApply(
                o -> {
                  long t0 = System.nanoTime();
                  pm.stop();
                  return (System.nanoTime() - t0) / 1_000_000;
                });
    assertThat(millis.get(30, TimeUnit.SECONDS)).isLessThan(5_000);
  }

  /** A listener may stop its own mesh (fail fast on ProcFailed) without waiting for itself. */
  @Test
  void aListenerMayStopItsMesh() throws Exception {
    AtomicReference<ProcMesh> mesh = new AtomicReference<>();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    MeshListener stopOnFailure =
        e -> {
          if (e instanceof MeshEvent.ProcFailed) {
            mesh.get().stop();
            stopped.complete(null);
          }
        };
    mesh.set(
        host.spawnProcs(
            Map.of("gpus", 1),
            // runs until the test kills it (its stdin is /dev/null: a `read` would end it at once,
            // and its failure could reach the listener before mesh.set)
            ProcCommand.executable(List.of("sh", "-c", "exec sleep 1000")),
            EVERY_LINE,
            stopOnFailure));
    mesh.get().pids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    stopped.get(30, TimeUnit.SECONDS);
  }

  /**
   * A daemon that left its rank's process group holds the rank's stdout open: the stop does not
   * wait for it (beyond its bound for the tees) and leaves no tee behind.
   */
  @Test
  void aDaemonThatLeftTheGroupHoldsUpNeitherTheStopNorTheTees() throws Exception {
    String token = "4" + System.nanoTime() % 1000;
    ProcMesh pm =
        host.spawnProcs(
            Map.of("gpus", 1),
            ProcCommand.executable(
                List.of("sh", "-c", "echo started; setsid sleep " + token + " & exit 0")),
            EVERY_LINE);
    try {
      assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0);
      long t0 = System.nanoTime();
      pm.stop();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_500);
      String mesh = "-" + pm.meshId() + "-";
      await()
          .atMost(ofSeconds(5))
          .until(
              () ->
                  Thread.getAllStackTraces().keySet().stream()
                      .noneMatch(t -> t.getName().contains(mesh)));
    } finally {
      ProcessHandle.allProcesses()
          .filter(
              p -> p.info().arguments().map(a -> List.of(a).equals(List.of(token))).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
