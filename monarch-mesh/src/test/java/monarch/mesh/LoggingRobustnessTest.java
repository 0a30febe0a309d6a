package monarch.mesh;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monarch.logging.LoggingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost or printed twice, and nothing hangs, where timing is against us: streaming switched
 * while a proc writes, procs stopped while their pipes are full and the client's stdout is blocked,
 * a line that never ends, calls on a stopped mesh or with a hung proc. One local host (its agent
 * inside this JVM, so its console is this stdout, captured).
 */
class LoggingRobustnessTest {
  static PrintStream realOut;
  static final LoggingBarrierTest.Capture out = new LoggingBarrierTest.Capture();
  static HostMesh host;

  @BeforeAll
  static void start() {
    realOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    host = HostMesh.local();
  }

  @AfterAll
  static void stop() {
    host.close();
    System.setOut(realOut);
  }

  /** How many times each of "{token} 0" .. "{token} {last}" was printed as a whole line. */
  static int[] counts(String text, String token, int last) {
    return counts(text, Pattern.compile("\\] " + token + " (\\d+)\n"), last);
  }

  /** How many times each number 0 .. last was printed as group 1 of {@code line}. */
  static int[] counts(String text, Pattern line, int last) {
    int[] seen = new int[last + 1];
    Matcher m = line.matcher(text);
    while (m.find()) {
      int i = Integer.parseInt(m.group(1));
      if (i <= last) {
        seen[i]++;
      }
    }
    return seen;
  }

  static void assertEachOnce(int[] seen, String what) {
    List<Integer> missing = new java.util.ArrayList<>();
    List<Integer> repeated = new java.util.ArrayList<>();
    for (int i = 0; i < seen.length; i++) {
      if (seen[i] == 0) {
        missing.add(i);
      } else if (seen[i] > 1) {
        repeated.add(i);
      }
    }
    assertThat(missing).as("%s: lines of 0..%d not printed", what, seen.length - 1).isEmpty();
    assertThat(repeated)
        .as("%s: lines of 0..%d printed more than once", what, seen.length - 1)
        .isEmpty();
  }

  @Test
  void switchingStreamingWhileAProcWritesLosesAndRepeatsNothing() throws Exception {
    int lines = 300_000;
    String awk = "awk 'BEGIN { for (i = 0; i < " + lines + "; i++) print \"switch \" i }'";
    ProcMesh pm =
        host.spawnProcs(
            Map.of("procs", 1),
            ProcCommand.executable(List.of("sh", "-c", awk)),
            new LoggingOptions(true, null, 20));
    int switches = 0;
    try {
      // On this local host a line streamed is printed by the client, one not streamed by the
      // host's console: both are this stdout, so each line must show up here exactly once.
      while (switches < 20 && !pm.exitStatuses().isDone()) {
        pm.loggingOption(switches++ % 2 == 1, null, 20);
      }
      assertThat(pm.exitStatuses().get(30, TimeUnit.SECONDS)).containsExactly(0);
      pm.flush();
    } finally {
      pm.stop();
    }
    assertThat(switches).as("switches while the proc wrote").isGreaterThan(1);
    assertEachOnce(
        counts(out.text(), "switch", lines - 1), "streaming switched " + switches + " times");
  }

  /**
   * Blocks every write until opened, then takes {@code slowMillis} per write (a slow reader); keeps
   * everything written.
   */
  static final class Gate extends OutputStream {
    final LoggingBarrierTest.Capture kept = new LoggingBarrierTest.Capture();
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile long slowMillis;

    void open(long slowMillis) {
      this.slowMillis = slowMillis;
      open.countDown();
    }

    private void await() {
      try {
        open.await(60, TimeUnit.SECONDS);
        Thread.sleep(slowMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void write(int b) {
      await();
      kept.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      await();
      kept.write(b, off, len);
    }
  }

  @Test
  void procsStoppedWhileTheirPipeIsFullStillDeliverEveryLineItAccepted(@TempDir Path dir)
      throws Exception {
    Path progress = dir.resolve("progress");
    // after each line, the number of the last line the pipe accepted
    String script =
        "i=0; while :; do echo \"held $i\"; echo $i > '" + progress + "'; i=$((i+1)); done";
    Gate gate = new Gate();
    System.setOut(new PrintStream(gate, true, StandardCharsets.UTF_8)); // the client's stdout
    ProcMesh pm;
    try {
      pm =
          host.spawnProcs(
              Map.of("procs", 1),
              ProcCommand.executable(List.of("sh", "-c", script)),
              new LoggingOptions(true, null, 20));
    } finally {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }
    long pid = pm.pids().get(0);
    try {
      // The client is stuck on its first write, so the tee soon stops reading and the proc
      // blocks on a full pipe: its count stops moving (it writes thousands of lines a second,
      // fewer on a loaded machine, where the tee also takes more of them per batch).
      int[] seen = {-1};
      await()
          .atMost(ofSeconds(60))
          .pollInterval(ofMillis(250))
          .until(
              () -> {
                int now = lastLine(progress);
                boolean blocked = now > 1_000 && now == seen[0];
                seen[0] = now;
                return blocked;
              });
      // a barrier now cannot be confirmed, and says it is the client that is behind
      assertThatThrownBy(() -> LoggingMeshClient.spawn(pm).flushAsync(ofMillis(300)).join())
          .hasCauseInstanceOf(FlushIncompleteException.class)
          .hasMessageContaining("the client has not printed its procs' output in time");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(pm::stop);
      // stop's flush gives up on the stuck client within its bound; then the proc is killed
      await().atMost(ofSeconds(15)).until(() -> !TeardownTest.alive(pid));
      int last = lastLine(progress);
      // the scenario, not a synchronisation: a client still 2 s behind after its procs are gone
      // (longer than the agent waits for its tees), then reading slowly, 0.7 s a write, so
      // printing what is left outlasts the drain's 3 s (which then waits while lines come)
      Thread.sleep(2_000);
      gate.open(700);
      stopping.get(60, TimeUnit.SECONDS);

      // by the client itself ("[host pid] [0] held N"), not a fallback
      assertEachOnce(
          counts(gate.kept.text(), Pattern.compile("\\d\\] \\[0\\] held (\\d+)\n"), last),
          "killed with a full pipe");
    } finally {
      gate.open(0); // a stuck client actor would hold the logging dispatcher every mesh shares
      pm.stop();
    }
  }

  static int lastLine(Path progress) throws IOException {
    String s = Files.exists(progress) ? Files.readString(progress).trim() : "";
    return s.isEmpty() ? -1 : Integer.parseInt(s);
  }

  @Test
  void aBarrierCoversAProgressBarThatNeverEndsItsLine() throws Exception {
    // a dot every 5 ms from one process (no fork per dot, so never a 20 ms pause)
    ProcMesh pm =
        host.spawnProcs(
            Map.of("procs", 1),
            ProcCommand.executable(
                List.of(
                    "perl",
                    "-e",
                    "$| = 1; print \"bar-start\\n\"; while (1) { print '.'; select(undef, undef, undef, 0.005) }")),
            new LoggingOptions(true, null, 20));
    try {
      await().atMost(ofSeconds(10)).until(() -> out.text().contains("] bar-start\n"));
      assertTimeoutPreemptively(ofSeconds(3), pm::flush);
      assertThat(out.text()).containsPattern("\\] \\.+\n");
    } finally {
      pm.stop();
    }
  }

  @Test
  void callsOnAStoppedMeshFailAtOnce() {
    ProcMesh pm = host.spawnProcs(Map.of("procs", 1), ProcCommand.executable(List.of("true")));
    LoggingMeshClient client = LoggingMeshClient.spawn(pm);
    pm.stop();
    assertTimeoutPreemptively(
        ofSeconds(5),
        () -> {
          assertThatThrownBy(client::flush)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("is stopped");
          assertThatThrownBy(pm::flush)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("is stopped");
        });
  }

  @Test
  void loggingOptionReturnsWhileAProcIsHung() throws Exception {
    ProcMesh pm = host.spawnProcs(Map.of("gpus", 2));
    long hung = pm.pids().get(1);
    try {
      new ProcessBuilder("kill", "-STOP", Long.toString(hung)).start().waitFor();
      // bounded (3 s per step); the hung rank gets the level when it reads its channel again
      assertTimeoutPreemptively(ofSeconds(12), () -> pm.loggingOption(true, null, 30));
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(hung)).start().waitFor();
      pm.stop();
    }
  }
}
