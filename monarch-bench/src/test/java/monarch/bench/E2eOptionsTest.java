package monarch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import monarch.cli.ArgReader;
import monarch.cli.ArgReader.UsageException;
import org.junit.jupiter.api.Test;

/** The end-to-end harness's command line, read by the CLI's ArgReader. */
class E2eOptionsTest {
  static final Path ROOT = Paths.get("/work/project");

  static E2eOptions parse(String... args) {
    return E2eOptions.parse(new ArgReader(args, 0));
  }

  @Test
  void flagsAdjustThePresetWhereverSmokeStands() {
    assertThat(parse("--root", ROOT.toString())).isEqualTo(E2eOptions.full(ROOT));
    E2eOptions o =
        parse(
            "--runs=2",
            "--lines",
            "100",
            "--root",
            ROOT.toString(),
            "--smoke",
            "--ready-runs",
            "3");
    E2eOptions smoke = E2eOptions.smoke(ROOT);
    assertThat(o)
        .isEqualTo(
            new E2eOptions(
                ROOT,
                smoke.ranks(),
                100,
                2,
                smoke.aggregateSec(),
                smoke.flushSamples(),
                smoke.readyProcs(),
                3,
                smoke.cliJar(),
                false,
                true,
                smoke.runTimeout()));
  }

  @Test
  void quickIsSmoke() {
    assertThat(parse("--root", ROOT.toString(), "--quick"))
        .isEqualTo(parse("--root", ROOT.toString(), "--smoke"))
        .isEqualTo(E2eOptions.smoke(ROOT));
  }

  @Test
  void theLaterOfCliJarAndCliFromClasspathWins() {
    assertThat(
            parse("--root", ROOT.toString(), "--cli-jar", "/x.jar", "--cli-from-classpath")
                .cliFromClasspath())
        .isTrue();
    E2eOptions jar =
        parse("--root", ROOT.toString(), "--cli-from-classpath", "--cli-jar", "/x.jar");
    assertThat(jar.cliFromClasspath()).isFalse();
    assertThat(jar.cliJar()).isEqualTo(Paths.get("/x.jar"));
  }

  @Test
  void helpIsNullAndABadLineNamesTheArgument() {
    assertThat(parse("--root", ROOT.toString(), "-h")).isNull();
    assertThatThrownBy(() -> parse("--runs", "0"))
        .isInstanceOf(UsageException.class)
        .hasMessage("option '--runs' takes a whole number of at least 1, got '0'");
    assertThatThrownBy(() -> parse("--bogus")).hasMessage("unknown option '--bogus'");
    assertThatThrownBy(() -> parse("--smoke=yes"))
        .hasMessage("option '--smoke' takes no value, got 'yes'");
    assertThatThrownBy(() -> parse("--root", ROOT.toString(), "stray"))
        .hasMessage("takes no operands, got 'stray'");
  }
}
