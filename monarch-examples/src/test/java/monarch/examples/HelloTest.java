package monarch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's example runs, and prints what the README says it prints. */
class HelloTest {
  @Test
  void readmeExampleRuns() {
    PrintStream real = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      Hello.main(new String[0]);
    } finally {
      System.setOut(real);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("ranks [0, 1, 2, 3]")
        .containsPattern(
            "\\[4 similar log lines\\] \\[ranks 0-3\\] hello from rank \\{0\\.\\.3\\}");
  }
}
