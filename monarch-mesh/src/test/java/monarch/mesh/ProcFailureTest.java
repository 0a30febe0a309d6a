package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import monarch.mesh.TestActors.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A proc killed with SIGKILL is reported, and calls involving it fail promptly. */
class ProcFailureTest {
  static HostMesh host;

  @BeforeAll
  static void start() {
    host = HostMesh.local();
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  static void kill9(long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
  }

  @Test
  void killedProcIsReportedWithRankAndStatusAndCallsFailFast() throws Exception {
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 3));
    ActorMesh<Worker> w = pm.spawn("w", Worker.class);
    kill9(pm.pids().get(1));

    await().atMost(ofSeconds(5)).until(() -> !pm.failures().isEmpty());
    ProcFailure f = pm.failures().get(0);
    assertThat(f.rank()).isEqualTo(1);
    assertThat(f.exitStatus()).isEqualTo(137);
    assertThat(f.describe()).contains("rank 1", "killed by signal 9");

    assertTimeoutPreemptively(
        ofSeconds(5),
        () ->
            assertThatThrownBy(() -> w.call(Worker::rank))
                .isInstanceOf(ProcFailedException.class)
                .hasMessageContaining("rank 1")
                .hasMessageContaining("status 137"));
    pm.stop();
  }

  @Test
  void callInFlightOnAProcThatDiesFailsInsteadOfHanging() throws Exception {
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 2));
    ActorMesh<Worker> w = pm.spawn("w", Worker.class);
    CompletableFuture<Void> blocked = w.callAsync(Worker::block);
    kill9(pm.pids().get(0));
    assertTimeoutPreemptively(
        ofSeconds(5),
        () ->
            assertThatThrownBy(blocked::get)
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ProcFailedException.class)
                .hasMessageContaining("rank 0"));
    // rank 1 is still blocked in its endpoint; stop() must still end it within its bound
    assertTimeoutPreemptively(ofSeconds(8), () -> pm.stop());
    await()
        .atMost(ofSeconds(2))
        .until(
            () ->
                pm.pids().stream()
                    .noneMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
  }
}
