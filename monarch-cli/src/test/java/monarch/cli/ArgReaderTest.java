package monarch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgReaderTest {
  /** Every option with its value (flags get ""), then "|", then the operands. */
  static List<String> read(String... args) {
    ArgReader in = new ArgReader(args, 0);
    List<String> seen = new ArrayList<>();
    for (String o; (o = in.nextOption()) != null; ) {
      seen.add(o + "=" + (o.equals("--flag") ? "" : in.value(o)));
    }
    seen.add("|");
    seen.addAll(in.operands());
    return seen;
  }

  @Test
  void valuesMayBeGluedOrSeparate() {
    assertThat(read("-n", "4", "-n4", "--procs", "5", "--procs=6", "--x="))
        .containsExactly("-n=4", "-n=4", "--procs=5", "--procs=6", "--x=", "|");
  }

  @Test
  void optionsEndAtTheFirstOperandOrDoubleDash() {
    assertThat(read("-n", "2", "python3", "train.py", "--lr", "3"))
        .containsExactly("-n=2", "|", "python3", "train.py", "--lr", "3");
    assertThat(read("--flag", "--", "--not-an-option", "--"))
        .containsExactly("--flag=", "|", "--not-an-option", "--");
    assertThat(read("-", "x")).containsExactly("|", "-", "x");
    assertThat(read()).containsExactly("|");
  }

  @Test
  void badValuesNameTheOption() {
    assertThatThrownBy(() -> read("-n")).hasMessage("option '-n' needs a value");
    ArgReader in = new ArgReader(new String[] {"-n", "0"}, 0);
    in.nextOption();
    assertThatThrownBy(() -> in.intValue("-n", 1))
        .hasMessage("option '-n' takes a whole number of at least 1, got '0'");
    ArgReader flag = new ArgReader(new String[] {"--no-prefix=yes"}, 0);
    assertThat(flag.nextOption()).isEqualTo("--no-prefix");
    assertThatThrownBy(() -> flag.flag("--no-prefix"))
        .hasMessage("option '--no-prefix' takes no value, got 'yes'");
  }

  @Test
  void numbersFitTheirType() {
    ArgReader in = new ArgReader(new String[] {"--lines", "5000000000", "--runs", "5000000000"}, 0);
    in.nextOption();
    assertThat(in.longValue("--lines", 1)).isEqualTo(5_000_000_000L);
    in.nextOption();
    assertThatThrownBy(() -> in.intValue("--runs", 1))
        .hasMessage("option '--runs' takes a whole number of at least 1, got '5000000000'");
    assertThatThrownBy(() -> ArgReader.number("SAMPLES", "x", 1, 10))
        .hasMessage("SAMPLES takes a whole number of at least 1, got 'x'");
  }
}
