package monarch.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one arm of the end-to-end benchmark found: its counting run's verdict, its timed runs and
 * the run of its 0-line workload (start-up and teardown), with the medians the report gives. A
 * value; it runs nothing and formats nothing.
 */
public record ArmResult(
    Arm arm,
    List<String> command,
    OutputCheck.Result check,
    String checkFailure,
    List<Timing> runs,
    Timing empty) {

  /** The arm after its counting run, before it is timed. */
  static ArmResult counted(
      Arm arm, List<String> command, OutputCheck.Result check, String checkFailure) {
    return new ArmResult(arm, command, check, checkFailure, List.of(), null);
  }

  ArmResult withRuns(List<Timing> runs, Timing empty) {
    return new ArmResult(arm, command, check, checkFailure, List.copyOf(runs), empty);
  }

  /** The counting run delivered every line and exited cleanly: only such an arm is timed. */
  boolean countPassed() {
    return check != null && check.passed() && checkFailure == null;
  }

  /** Count check passed, and every timed run succeeded: only then is a rate reported. */
  public boolean passed() {
    return countPassed() && !runs.isEmpty() && runs.stream().allMatch(t -> t.failure() == null);
  }

  public String failure() {
    if (checkFailure != null) {
      return checkFailure;
    }
    if (check == null || !check.passed()) {
      return "count check failed: " + (check == null ? "not run" : check.detail());
    }
    return runs.stream()
        .map(Timing::failure)
        .filter(f -> f != null)
        .findFirst()
        .orElse(runs.isEmpty() ? "no timed run" : null);
  }

  double wallSec() {
    return median(runs.stream().mapToDouble(Timing::wallSec).toArray());
  }

  double linesPerSec(E2eOptions o) {
    return o.totalLines() / wallSec();
  }

  /**
   * Lines per second once started: the lines over (median wall - the 0-line runs' median wall),
   * i.e. with each arm's own start-up and teardown taken out; NaN when there is no such run.
   */
  double streamingLinesPerSec(E2eOptions o) {
    if (empty == null || empty.failure() != null || wallSec() <= empty.wallSec()) {
      return Double.NaN;
    }
    return o.totalLines() / (wallSec() - empty.wallSec());
  }

  double cpuSec() {
    return median(runs.stream().mapToDouble(Timing::cpuSec).toArray());
  }

  double peakRssMiB() {
    return median(runs.stream().mapToDouble(t -> t.peakRssKb() / 1024.0).toArray());
  }

  List<Long> producerNanos() {
    return runs.stream().flatMap(t -> t.producers().nanos().stream()).toList();
  }

  double producerMedianMs() {
    return median(producerNanos().stream().mapToDouble(n -> n / 1e6).toArray());
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
