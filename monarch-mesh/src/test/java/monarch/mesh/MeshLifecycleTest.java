package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import monarch.mesh.TestActors.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a caller sees around stop: pending calls, concurrent stops, bad options. */
class MeshLifecycleTest {
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
    assertThatThrownBy(blocked::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(IllegalStateException.class)
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

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
