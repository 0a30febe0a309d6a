package monarch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loghub's structured CSV, whole files and chunks cut from their middles, read as they are. */
class LoghubAccuracyTest {
  @TempDir Path dir;

  @Test
  void recordsWithQuotedCommasAreReadAndCutRecordsSkipped() throws Exception {
    Path first = dir.resolve("X_0.csv");
    Files.writeString(
        first,
        "LineId,Date,Level,Content,EventId,EventTemplate\r\n"
            + "1,0811,INFO,\"a, \"\"quoted\"\" b 7\",E1,a <*>\r\n"
            + "2,0811,WARN,plain 9,E2,plain <*>\r\n"
            + "3,0811,INF");
    Path middle = dir.resolve("X_1.csv");
    Files.writeString(middle, "tail of a cut line,E9,x\n4,0812,INFO,plain 10,E2,plain <*>\n5,08");
    List<String> header = new ArrayList<>();
    List<LoghubAccuracy.Line> a = LoghubAccuracy.read(first, header);
    List<LoghubAccuracy.Line> b = LoghubAccuracy.read(middle, header);
    assertThat(a)
        .containsExactly(
            new LoghubAccuracy.Line("0811 INFO a, \"quoted\" b 7", "a, \"quoted\" b 7", "E1"),
            new LoghubAccuracy.Line("0811 WARN plain 9", "plain 9", "E2"));
    assertThat(b).containsExactly(new LoghubAccuracy.Line("0812 INFO plain 10", "plain 10", "E2"));
  }
}
