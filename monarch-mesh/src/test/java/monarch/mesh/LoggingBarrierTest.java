package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import monarch.config.MonarchConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The barrier on a real mesh whose client prints into a captured stdout (the stream the client
 * actor writes to), so each test can check what the client has printed when flush() returns.
 */
class LoggingBarrierTest {
  static PrintStream realOut;
  static final Capture out = new Capture();
  static HostMesh host;
  static ProcMesh pm;
  static ActorMesh<Chatty> chatty;

  /** Keeps everything written, and still passes it on. */
  static final class Capture extends OutputStream {
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      all.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      all.write(b, off, len);
    }

    synchronized String text() {
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  @BeforeAll
  static void start() {
    realOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    host = HostMesh.local();
    pm = host.spawnProcs(Map.of("gpus", 3));
    chatty = pm.spawn("chatty", Chatty.class);
    pm.loggingOption(true, null, 20);
  }

  @AfterAll
  static void stop() {
    host.close();
    System.setOut(realOut);
  }

  @Test
  void everyLineWrittenBeforeFlushIsPrintedWhenItReturns() {
    for (int round = 0; round < 200; round++) {
      String token = "exact-" + round;
      chatty.call(Chatty::print, token);
      pm.flush();
      String text = out.text();
      for (int r = 0; r < pm.size(); r++) {
        assertThat(text).as("round %d rank %d", round, r).contains("] [" + r + "] " + token + "\n");
      }
    }
  }

  @Test
  void aPartialLineIsCoveredByTheBarrier() {
    chatty.call(Chatty::printPartial, "no newline yet");
    pm.flush();
    assertThat(out.text()).contains("] [0] no newline yet\n", "] [2] no newline yet\n");
  }

  @Test
  void overlappingFlushesAllReturn() {
    assertTimeoutPreemptively(
        ofSeconds(15),
        () -> {
          List<CompletableFuture<Void>> flushes = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            chatty.call(Chatty::print, "overlap-" + i);
            flushes.add(pm.flushAsync());
          }
          CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new)).join();
          assertThat(out.text()).contains("] [1] overlap-4\n");
        });
  }

  @Test
  void aBlockedEndpointsEarlierLinesAreStillDelivered() {
    ActorMesh<Chatty> blocker = pm.spawn("blocker", Chatty.class);
    blocker.callAsync(Chatty::printThenBlock, "printed before blocking");
    await()
        .atMost(ofSeconds(10))
        .untilAsserted(
            () -> {
              pm.flush();
              assertThat(out.text())
                  .contains("] [0] printed before blocking\n", "] [2] printed before blocking\n");
            });
  }

  @Test
  void levelsReachLog4j2InTheProcsFatalHidesError() {
    try {
      pm.loggingOption(true, null, 40);
      chatty.call(Chatty::log4jError, "log4j error at ERROR level");
      pm.flush();
      assertThat(out.text()).contains("log4j error at ERROR level");
      pm.loggingOption(true, null, 50);
      chatty.call(Chatty::log4jError, "log4j error at FATAL level");
      chatty.call(Chatty::log4jFatal, "log4j fatal at FATAL level");
      pm.flush();
      assertThat(out.text())
          .doesNotContain("log4j error at FATAL level")
          .contains("log4j fatal at FATAL level");
    } finally {
      pm.loggingOption(true, null, 20);
    }
  }

  @Test
  void badArgumentsNameTheArgument() {
    assertThatThrownBy(() -> pm.loggingOption(false, 5, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aggregateWindowSec")
        .hasMessageContaining("streamToClient");
    assertThatThrownBy(() -> pm.loggingOption(true, null, 256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("level");
    assertThatThrownBy(() -> pm.loggingOption(true, null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("level");
    assertThatThrownBy(() -> pm.loggingOption(true, 0, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aggregateWindowSec");
  }

  @Test
  void flushWithForwardingOffIsASuccessfulNoOp() {
    try (HostMesh other =
        HostMesh.local(MonarchConfig.fromEnvironment().withLogForwarding(false))) {
      ProcMesh quiet = other.spawnProcs(Map.of("gpus", 1));
      quiet.flush();
      assertThat(quiet.flushAsync()).isCompleted();
    }
  }

  @Test
  void killedProcIsNamedByFlushAndOthersKeepStreaming() throws Exception {
    try (HostMesh other = HostMesh.local()) {
      ProcMesh mesh = other.spawnProcs(Map.of("gpus", 2));
      mesh.loggingOption(true, null, 20);
      ActorMesh<Chatty> c = mesh.spawn("c", Chatty.class);
      new ProcessBuilder("kill", "-9", Long.toString(mesh.pids().get(1))).start().waitFor();
      await().atMost(ofSeconds(5)).until(() -> !mesh.failures().isEmpty());
      assertTimeoutPreemptively(
          ofSeconds(12),
          () ->
              assertThatThrownBy(mesh::flush)
                  .isInstanceOf(FlushIncompleteException.class)
                  .hasMessageContaining("rank 1 is dead")
                  .satisfies(
                      e ->
                          assertThat(((FlushIncompleteException) e).missingRanks())
                              .containsExactly(1)));
      // rank 0 keeps streaming: a call on rank 0 alone is not possible through the mesh,
      // so the call fails for rank 1 while rank 0 still runs it and its line arrives
      assertThatThrownBy(() -> c.call(Chatty::print, "still streaming"))
          .isInstanceOf(ProcFailedException.class);
      await()
          .atMost(ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThatThrownBy(mesh::flush).isInstanceOf(FlushIncompleteException.class);
                assertThat(out.text()).contains("] [0] still streaming\n");
              });
      // the dead rank fails the level, yet the live ones still get the new window
      assertThatThrownBy(() -> mesh.loggingOption(true, 30, 20))
          .isInstanceOf(ProcFailedException.class);
      assertThatThrownBy(() -> c.call(Chatty::print, "held for the window"))
          .isInstanceOf(ProcFailedException.class);
      await()
          .atMost(ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThatThrownBy(mesh::flush).isInstanceOf(FlushIncompleteException.class);
                assertThat(out.text())
                    .containsPattern("similar log lines\\S* \\[rank 0\\] held for the window\n");
              });
    }
  }
}
