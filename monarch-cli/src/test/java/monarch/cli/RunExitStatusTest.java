package monarch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code monarch run}'s exit status when every rank ends at once, the case that used to exit 0:
 * decided from one outcome that carries every status and the first failure, whatever was noticed
 * first. In this JVM (the command returns its status), many rounds each, since the order in which
 * ranks end varies. Beside the other CLI tests, which run theirs in JVMs of their own; its own
 * tests one at a time, since each swaps System.err.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class RunExitStatusTest {
  static final int ROUNDS = 30;

  record Run(int exit, String err) {}

  static Run run(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = MonarchCli.run(args);
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void oneRankThatFailsAtOnce() {
    for (int i = 0; i < ROUNDS; i++) {
      Run r = run("run", "-n", "1", "--", "false");
      assertThat(r.exit()).as("round " + i + ": " + r.err()).isEqualTo(1);
      assertThat(r.err()).contains("rank 0", "exited with status 1");
    }
  }

  @Test
  void severalRanksThatFailAtOnceExitWithTheFirstOnesStatusAndEachIsReportedOnce() {
    Pattern first =
        Pattern.compile(
            "monarch run: rank (\\d) \\(pid \\d+ on \\S+\\) exited with status (\\d+); "
                + "stopping the other ranks");
    for (int i = 0; i < ROUNDS; i++) {
      Run r = run("run", "-n", "3", "--", "sh", "-c", "exit $((RANK+4))");
      Matcher m = first.matcher(r.err());
      assertThat(m.find()).as("round " + i + ": " + r.err()).isTrue();
      int rank = Integer.parseInt(m.group(1));
      assertThat(r.exit()).as(r.err()).isEqualTo(rank + 4).isEqualTo(Integer.parseInt(m.group(2)));
      for (int other = 0; other < 3; other++) {
        assertThat(r.err().split("rank " + other + " \\(pid", -1))
            .as(r.err())
            .hasSizeLessThanOrEqualTo(2);
      }
    }
  }

  @Test
  void aRankKilledByASignal() {
    for (int i = 0; i < ROUNDS; i++) {
      Run r = run("run", "-n", "2", "--", "sh", "-c", "kill -9 $$");
      assertThat(r.exit()).as("round " + i + ": " + r.err()).isEqualTo(137);
      assertThat(r.err()).contains("exited with status 137 (killed by signal 9)");
    }
  }

  @Test
  void ranksThatAllSucceedAtOnceExitZero() {
    for (int i = 0; i < ROUNDS; i++) {
      Run r = run("run", "-n", "3", "--", "true");
      assertThat(r.exit()).as("round " + i + ": " + r.err()).isZero();
      assertThat(r.err()).isEmpty();
    }
  }
}
