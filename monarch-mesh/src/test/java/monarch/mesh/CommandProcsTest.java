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
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 3),
        ProcCommand.executable(List.of("sh", "-c", "echo hello from $RANK of $WORLD_SIZE; printf 'no newline'")),
        EVERY_LINE);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0, 0, 0);
    pm.flush();
    for (int r = 0; r < 3; r++) {
      assertThat(out()).contains("] [" + r + "] hello from " + r + " of 3\n", "] [" + r + "] no newline\n");
    }
    // streamed from the first byte: the local console (the same terminal) stayed quiet
    assertThat(out()).doesNotContainPattern("(?m)^\\[\\d\\] hello");
    assertThat(pm.failures()).isEmpty();
    assertThatThrownBy(() -> pm.spawn("x", TestActors.Worker.class))
        .isInstanceOf(ActorCallException.class).hasMessageContaining("runs an executable");
    pm.stop();
  }

  @Test
  void aFailingExecutableIsAFailureWithItsStatus() throws Exception {
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 2),
        ProcCommand.executable(List.of("sh", "-c", "echo bye; [ $RANK = 1 ] && exit 3; exit 0")), EVERY_LINE);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0, 3);
    assertThat(pm.failures()).singleElement().satisfies(f -> {
      assertThat(f.rank()).isEqualTo(1);
      assertThat(f.exitStatus()).isEqualTo(3);
    });
    pm.stop();
  }

  @Test
  void aJavaMainClassRunsInAJvmProc() throws Exception {
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 2),
        ProcCommand.javaMain(MainClassProc.class.getName(), List.of("hi", "1")), EVERY_LINE);
    assertThat(pm.exitStatuses().get(20, TimeUnit.SECONDS)).containsExactly(0, 1);
    // rank 1 failed: the barrier still covers its output, and names it
    assertThatThrownBy(pm::flush).isInstanceOf(FlushIncompleteException.class)
        .satisfies(e -> assertThat(((FlushIncompleteException) e).missingRanks()).containsExactly(1));
    assertThat(out()).contains("] [0] main says hi from 0\n", "] [1] main says hi from 1\n");
    assertThat(pm.failures()).singleElement().satisfies(f -> assertThat(f.lastLines())
        .anyMatch(l -> l.contains("rank 1 fails on purpose")));
    pm.stop();
  }

  @Test
  void anUnknownExecutableIsAClearError() {
    assertThatThrownBy(() -> host.spawnProcs(Map.of("gpus", 1),
        ProcCommand.executable(List.of("/no/such/program")), EVERY_LINE))
        .isInstanceOf(MeshException.class).hasMessageContaining("/no/such/program");
    assertThat(ofSeconds(1)).isNotNull();
  }
}
