package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import monarch.logging.LoggingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Procs that are any executable, or a Java main class, rather than an actor host. */
class CommandProcsTest {
  static PrintStream realOut;
  static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  static HostMesh host;
  static final LoggingOptions EVERY_LINE = new LoggingOptions(true, null, 20);

  @BeforeAll
  static void start() {
    realOut = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    host = HostMesh.local();
  }

  @AfterAll
  static void stop() {
    host.close();
    System.setOut(realOut);
  }

  static synchronized String out() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void anExecutableIsTheProcAndItsOutputStreams() throws Exception {
    ProcMesh pm =
        host.spawnProcs(
            Map.of("gpus", 3),
            ProcCommand.executable(
                List.of("sh", "-c", "echo hello from $RANK of $WORLD_SIZE; printf 'no newline'")),
            EVERY_LINE);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0, 0, 0);
    pm.flush();
    for (int r = 0; r < 3; r++) {
      assertThat(out())
          .contains("] [" + r + "] hello from " + r + " of 3\n", "] [" + r + "] no newline\n");
    }
    // streamed from the first byte: the local console (the same terminal) stayed quiet
    assertThat(out()).doesNotContainPattern("(?m)^\\[\\d\\] hello");
    assertThat(pm.failures()).isEmpty();
    assertThatThrownBy(() -> pm.spawn("x", TestActors.Worker.class))
        .isInstanceOf(ActorCallException.class)
        .hasMessageContaining("runs an executable");
    pm.stop();
  }

  @Test
  void aFailingExecutableIsAFailureWithItsStatus() throws Exception {
    ProcMesh pm =
        host.spawnProcs(
            Map.of("gpus", 2),
            ProcCommand.executable(
                List.of("sh", "-c", "echo bye; [ $RANK = 1 ] && exit 3; exit 0")),
            EVERY_LINE);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0, 3);
    assertThat(pm.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rank()).isEqualTo(1);
              assertThat(f.exitStatus()).isEqualTo(3);
            });
    pm.stop();
  }

  @Test
  void aJavaMainClassRunsInAJvmProc() throws Exception {
    ProcMesh pm =
        host.spawnProcs(
            Map.of("gpus", 2),
            ProcCommand.javaMain(MainClassProc.class.getName(), List.of("hi", "1")),
            EVERY_LINE);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0, 1);
    // rank 1 failed: the barrier still covers its output, and names it
    assertThatThrownBy(pm::flush)
        .isInstanceOf(FlushIncompleteException.class)
        .satisfies(
            e -> assertThat(((FlushIncompleteException) e).missingRanks()).containsExactly(1));
    assertThat(out()).contains("] [0] main says hi from 0\n", "] [1] main says hi from 1\n");
    assertThat(pm.failures())
        .singleElement()
        .satisfies(
            f -> assertThat(f.lastLines()).anyMatch(l -> l.contains("rank 1 fails on purpose")));
    pm.stop();
  }

  @Test
  void anUnknownExecutableIsAClearError() {
    assertThatThrownBy(
            () ->
                host.spawnProcs(
                    Map.of("gpus", 1),
                    ProcCommand.executable(List.of("/no/such/program")),
                    EVERY_LINE))
        .isInstanceOf(MeshException.class)
        .hasMessageContaining("/no/such/program");
    assertThat(ofSeconds(1)).isNotNull();
  }

  /**
   * Every rank ends at once, some failing: the outcome says the first failure and every status
   * known then, whichever end the client noticed first. Many rounds, since that order varies.
   */
  @Test
  void theOutcomeOfRanksThatAllEndAtOnceIsDecidedFromWhatTheyDid() throws Exception {
    for (int round = 0; round < 30; round++) {
      ProcMesh pm =
          host.spawnProcs(
              Map.of("procs", 3),
              ProcCommand.executable(List.of("sh", "-c", "exit $((RANK+4))")),
              EVERY_LINE,
              e -> {});
      MeshOutcome o = pm.outcome().get(20, TimeUnit.SECONDS);
      assertThat(o.failed()).as("round " + round).isTrue();
      assertThat(o.firstFailure()).isEqualTo(pm.failures().get(0));
      assertThat(o.exitStatus()).isEqualTo(o.firstFailure().rank() + 4);
      assertThat(o.exitStatuses().get(o.firstFailure().rank())).isEqualTo(o.exitStatus());
      pm.stop();
    }
    for (int round = 0; round < 10; round++) {
      ProcMesh pm =
          host.spawnProcs(
              Map.of("procs", 3), ProcCommand.executable(List.of("true")), EVERY_LINE, e -> {});
      MeshOutcome o = pm.outcome().get(20, TimeUnit.SECONDS);
      assertThat(o.failed()).isFalse();
      assertThat(o.exitStatuses()).containsExactly(0, 0, 0);
      assertThat(o.exitStatus()).isZero();
      pm.stop();
    }
  }

  /**
   * A listener hears every start, then one end per rank that ended by itself, then what stop's
   * barrier missed (the dead rank); stop() returns once it has heard all of it.
   */
  @Test
  void aListenerHearsEveryStartThenOneEndPerRankInOrder() throws Exception {
    List<MeshEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProcMesh pm =
        host.spawnProcs(
            Map.of("procs", 3),
            ProcCommand.executable(List.of("sh", "-c", "[ $RANK = 1 ] && exit 3; exit 0")),
            EVERY_LINE,
            heard::add);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0, 3, 0);
    pm.stop();
    assertThat(heard).hasSize(7);
    assertThat(heard.get(6))
        .isInstanceOfSatisfying(
            MeshEvent.FlushIncomplete.class,
            f -> {
              assertThat(f.atStop()).isTrue();
              assertThat(f.error().missingRanks()).containsExactly(1);
            });
    assertThat(heard.subList(0, 3))
        .allMatch(e -> e instanceof MeshEvent.ProcStarted)
        .extracting(e -> ((MeshEvent.ProcStarted) e).rank())
        .containsExactly(0, 1, 2);
    assertThat(heard.subList(3, 6))
        .filteredOn(e -> e instanceof MeshEvent.ProcFailed)
        .singleElement()
        .satisfies(e -> assertThat(((MeshEvent.ProcFailed) e).failure().exitStatus()).isEqualTo(3));
    assertThat(heard.subList(3, 6))
        .filteredOn(e -> e instanceof MeshEvent.ProcExited)
        .extracting(e -> ((MeshEvent.ProcExited) e).rank())
        .containsExactlyInAnyOrder(0, 2);
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheOthersEvents() throws Exception {
    List<MeshEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProcMesh pm =
        host.spawnProcs(
            Map.of("procs", 2),
            ProcCommand.executable(List.of("true")),
            EVERY_LINE,
            e -> {
              heard.add(e);
              throw new IllegalStateException("a listener's bug");
            });
    pm.exitStatuses().get(20, TimeUnit.SECONDS);
    pm.stop();
    assertThat(heard).hasSize(4);
  }
}
