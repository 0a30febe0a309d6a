package monarch.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import monarch.actor.EndpointRef;
import monarch.mesh.TestActors.Point;
import monarch.mesh.TestActors.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Endpoints on a real 4-proc mesh, shared by every test of the class. */
class ProcMeshTest {
  static HostMesh host;
  static ProcMesh pm;
  static ActorMesh<Worker> workers;

  @BeforeAll
  static void start() {
    host = HostMesh.local();
    pm = host.spawnProcs(Map.of("gpus", 4));
    workers = pm.spawn("worker", Worker.class);
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @Test
  void valueEndpointReturnsOneResultPerRankInRankOrder() {
    assertThat(pm.size()).isEqualTo(4);
    assertThat(workers.call(Worker::rank)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void voidEndpointRunsOnEveryRank() {
    workers.call(Worker::set, "v1");
    assertThat(workers.call(Worker::value)).containsExactly("v1@0", "v1@1", "v1@2", "v1@3");
  }

  @Test
  void argumentsOfSeveralTypesCrossTheWire() {
    assertThat(workers.call(Worker::add3, 1, 2L, new Point(3, 4))).containsOnly(10);
    assertThat(workers.call(Worker::greet, "ann").get(2)).isEqualTo("hello ann from 2");
  }

  @Test
  void procsSeeTheirRankEnvironment() {
    assertThat(workers.call(Worker::env).get(3)).containsExactly("3", "3", "4", "4", "true", "4/4");
  }

  @Test
  void endpointThatThrowsNamesItsRankAndTheMeshKeepsWorking() {
    assertThatThrownBy(() -> workers.call(Worker::failOn, 2))
        .isInstanceOf(ActorCallException.class)
        .hasMessageContaining("rank 2")
        .hasMessageContaining("IllegalStateException: boom on 2")
        .satisfies(e -> assertThat(((ActorCallException) e).rank()).isEqualTo(2));
    assertThat(workers.call(Worker::rank)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void asyncCallsAndBroadcastsAreOrderedPerSender() throws Exception {
    workers.broadcast(Worker::set, "b");
    assertThat(workers.callAsync(Worker::value).get()).containsExactly("b@0", "b@1", "b@2", "b@3");
  }

  @Test
  void constructorArgumentsReachTheActor() {
    ActorMesh<Worker> greeters = pm.spawn("greeter", Worker.class, "hi");
    assertThat(greeters.call(Worker::greet, "bob"))
        .containsExactly("hi bob from 0", "hi bob from 1", "hi bob from 2", "hi bob from 3");
  }

  @Test
  void badSpawnArgumentsAreClearErrors() {
    assertThatThrownBy(() -> host.spawnProcs(Map.of("gpus", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> host.spawnProcs(Map.of("gpus", 1, "hosts", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one");
    assertThatThrownBy(() -> host.spawnProcs(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void badActorSpawnsAreClearErrors() {
    assertThatThrownBy(() -> pm.spawn("x", (Class) TestActors.NotAnActor.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an actor");
    assertThatThrownBy(() -> pm.spawn("x", "no.such.Actor"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown actor class 'no.such.Actor'");
    assertThatThrownBy(() -> pm.spawn("x", TestActors.NeedsInt.class, "not an int"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no public constructor")
        .hasMessageContaining("(String)");
    assertThatThrownBy(() -> pm.spawn("x", TestActors.NeedsInt.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(int)");
    assertThatThrownBy(() -> pm.spawn("worker", Worker.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already has an actor");
    assertThatThrownBy(() -> pm.spawn("thrower", TestActors.ThrowsInCtor.class))
        .isInstanceOf(ActorCallException.class)
        .hasMessageContaining("rank 0")
        .hasMessageContaining("bad config on 0");
  }

  @Test
  void lambdasThatAreNotMethodReferencesAreRefused() {
    assertThatThrownBy(() -> workers.call((EndpointRef.Value0<Worker, Integer>) w -> w.rank()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("method reference");
  }

  @Test
  void pidsAreTheProcsOwn() {
    List<Long> pids = workers.call(Worker::pid);
    assertThat(pids).isEqualTo(pm.pids());
  }

  /**
   * Over the proc channel's frame limit, either way: a clear error at once, and the mesh goes on.
   */
  @Test
  void aCallOverTheFrameLimitFailsAtOnceNamingTheSizeAndTheLimit() {
    int tooBig = 17 * 1024 * 1024;
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20),
        () -> {
          assertThatThrownBy(() -> workers.call(Worker::size, new byte[tooBig]))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("the arguments: 17,825,7")
              .hasMessageContaining("over the limit of 16,7");
          assertThatThrownBy(() -> workers.call(Worker::bytes, tooBig))
              .isInstanceOf(ActorCallException.class)
              .hasMessageContaining("the result: 17,825,7")
              .hasMessageContaining("over the limit of 16,7");
        });
    assertThat(workers.call(Worker::size, new byte[1024 * 1024])).containsOnly(1024 * 1024);
    assertThat(workers.call(Worker::rank)).containsExactly(0, 1, 2, 3);
  }
}
