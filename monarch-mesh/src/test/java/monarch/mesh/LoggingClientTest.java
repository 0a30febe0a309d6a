package monarch.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client's real stdout and stderr, read from a client run as its own JVM: one JVM per test, so
 * they run side by side.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class LoggingClientTest {
  static final String HOST_PID = "\\[\\S+ \\d+\\] ";

  static ClientRun scenario(String name, int procs) throws Exception {
    return scenario(Map.of(), name, procs);
  }

  static ClientRun scenario(Map<String, String> env, String name, int procs) throws Exception {
    ClientRun run =
        ClientRun.run(env, LoggingScenarioMain.class.getName(), name, Integer.toString(procs));
    assertThat(run.exitCode()).as(run.describe()).isZero();
    return run;
  }

  @Test
  void streamingOffThenLevelsFilterAsPythonWould() throws Exception {
    ClientRun run = scenario("levels", 2);
    List<String> out = run.outText();
    List<String> err = run.errText();
    // streaming off: each proc's line reached the terminal through the host console, raw
    assertThat(run.count(out, "\\[[01]\\] streaming off line")).as(run.describe()).isEqualTo(2);
    assertThat(out).noneMatch(l -> l.matches(HOST_PID + ".*streaming off line"));
    assertThat(out).noneMatch(l -> l.contains("similar log lines"));
    // FATAL: printed lines stream, ERROR records do not
    assertThat(run.count(out, HOST_PID + "\\[[01]\\] fatal level print")).isEqualTo(2);
    assertThat(out).noneMatch(l -> l.contains("error record at fatal"));
    assertThat(err).noneMatch(l -> l.contains("error record at fatal"));
    // ERROR: records stream to the client's stderr, printed lines to its stdout
    assertThat(run.count(err, HOST_PID + "\\[[01]\\] SEVERE: error record at error"))
        .as(run.describe())
        .isEqualTo(2);
    assertThat(run.count(out, HOST_PID + "\\[[01]\\] error level print")).isEqualTo(2);
  }

  @Test
  void windowSetToNonePrintsPendingAtOnceThenSingleLines() throws Exception {
    ClientRun run = scenario("window-to-none", 2);
    List<String> out = run.outText();
    int none = out.indexOf("SCENARIO window-none");
    int noneDone = out.indexOf("SCENARIO window-none-done");
    int group = indexOfMatch(out, "\\[10 similar log lines\\] \\[ranks 0-1\\] aggregated log line");
    assertThat(group).as(run.describe()).isGreaterThan(none).isLessThan(noneDone);
    assertThat(run.count(out, ".*similar log lines.*")).isEqualTo(1);
    assertThat(run.count(out, HOST_PID + "\\[[01]\\] single log line")).isEqualTo(10);
    // the agent runs inside this client: no line may reach its terminal twice
    assertThat(run.count(out, ".*single log line")).isEqualTo(10);
    assertThat(run.count(out, ".*aggregated log line")).isEqualTo(1);
  }

  @Test
  void shorterWindowTightensThePendingDeadline() throws Exception {
    ClientRun run = scenario("window-shorter", 2);
    long set = run.when("SCENARIO window-2");
    long first = run.when("\\[6 similar log lines\\] \\[ranks 0-1\\] first batch");
    long second = run.when("\\[6 similar log lines\\] \\[ranks 0-1\\] second batch, different");
    assertThat(first - set).as(run.describe()).isBetween(0L, 4_000L);
    assertThat(second - set).isBetween(0L, 4_000L);
  }

  @Test
  void stopPrintsPendingAggregatesExactlyOnce() throws Exception {
    ClientRun run = scenario("fast-exit", 4);
    assertThat(
            run.count(
                run.outText(), "\\[20 similar log lines\\] \\[ranks 0-3\\] has print streaming"))
        .as(run.describe())
        .isEqualTo(1);
    assertThat(run.count(run.outText(), ".*has print streaming")).isEqualTo(1);
  }

  @Test
  void exitWithoutStopFlushesThroughTheShutdownHook() throws Exception {
    ClientRun run = scenario("fast-exit-hook", 4);
    assertThat(
            run.count(
                run.outText(), "\\[20 similar log lines\\] \\[ranks 0-3\\] has print streaming"))
        .as(run.describe())
        .isEqualTo(1);
  }

  @Test
  void withForwardingOffFlushIsANoOpAndStreamingWarnsOnce() throws Exception {
    ClientRun run =
        scenario(
            Map.of("HYPERACTOR_MESH_ENABLE_LOG_FORWARDING", "false"), "no-forwarding-warning", 2);
    assertThat(run.count(run.errText(), ".*log forwarding is disabled.*no effect.*"))
        .as(run.describe())
        .isEqualTo(1);
    assertThat(run.count(run.outText(), "\\[[01]\\] stays on the host console")).isEqualTo(2);
  }

  /**
   * Status 130 is also what Ctrl-C gives, so its report waits a moment to see whether the client is
   * being interrupted too; a client that exits within that moment still reports it.
   */
  @Test
  void aRankThatExits130IsReportedEvenWhenTheClientExitsAtOnce() throws Exception {
    ClientRun run = scenario("exit-130-then-exit", 1);
    assertThat(run.count(run.errText(), ".*WARN.*rank 0 .*exited with status 130.*"))
        .as(run.describe())
        .isEqualTo(1);
    assertThat(run.errText()).as(run.describe()).anyMatch(l -> l.contains("my last words"));
  }

  static int indexOfMatch(List<String> lines, String regex) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches(regex)) {
        return i;
      }
    }
    return -1;
  }
}
