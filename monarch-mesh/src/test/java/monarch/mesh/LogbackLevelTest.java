package monarch.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import monarch.config.MonarchConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * loggingOption's level reaches Logback's root logger inside real procs: procs whose class path has
 * logback-classic in place of the test class path's slf4j-simple log through SLF4J, and Logback's
 * console appender (the proc's stdout) shows only what the level lets through. The jars come from
 * target/logback (copied there by the build, never on the client's class path).
 */
class LogbackLevelTest {
  static PrintStream realOut;
  static final LoggingBarrierTest.Capture out = new LoggingBarrierTest.Capture();
  static HostMesh host;
  static ProcMesh pm;
  static ActorMesh<Chatty> chatty;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("MONARCH_PROC_CLASSPATH", procClasspath());
    realOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    host = HostMesh.local(MonarchConfig.fromEnvironment(env));
    pm = host.spawnProcs(Map.of("gpus", 2));
    chatty = pm.spawn("chatty", Chatty.class);
  }

  @AfterAll
  static void stop() {
    if (host != null) {
      host.close();
    }
    System.setOut(realOut);
  }

  /** The test class path without slf4j-simple, plus the Logback jars. */
  static String procClasspath() throws Exception {
    String dir = System.getProperty("monarch.test.logbackDir");
    assertThat(dir).as("system property monarch.test.logbackDir (set by the build)").isNotNull();
    List<String> logback;
    try (Stream<Path> jars = Files.list(Paths.get(dir))) {
      logback = jars.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().toList();
    }
    assertThat(logback).as("jars in %s", dir).hasSize(2);
    String own =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !Paths.get(e).getFileName().toString().startsWith("slf4j-simple"))
            .collect(Collectors.joining(File.pathSeparator));
    return own + File.pathSeparator + String.join(File.pathSeparator, logback);
  }

  /** Logs {@code token} at WARN and at ERROR on every rank; returns what the client has printed. */
  static String logBoth(int level, String token) {
    pm.loggingOption(true, null, level);
    chatty.call(Chatty::slf4jWarn, "warn " + token);
    chatty.call(Chatty::slf4jError, "error " + token);
    chatty.call(Chatty::print, "printed " + token);
    pm.flush();
    return out.text();
  }

  @Test
  void warningShowsWarnAndError() {
    String text = logBoth(30, "at WARNING");
    for (int r = 0; r < pm.size(); r++) {
      assertThat(text)
          .as("rank %d", r)
          .containsPattern("\\] \\[" + r + "\\] .*WARN .*warn at WARNING\n")
          .containsPattern("\\] \\[" + r + "\\] .*ERROR .*error at WARNING\n");
    }
  }

  @Test
  void errorHidesWarn() {
    String text = logBoth(40, "at ERROR");
    assertThat(text)
        .doesNotContain("warn at ERROR")
        .contains("] [0] printed at ERROR\n", "] [1] printed at ERROR\n")
        .containsPattern("\\] \\[0\\] .*ERROR .*error at ERROR\n")
        .containsPattern("\\] \\[1\\] .*ERROR .*error at ERROR\n");
  }

  @Test
  void fatalHidesError() {
    String text = logBoth(50, "at FATAL");
    assertThat(text)
        .doesNotContain("warn at FATAL", "error at FATAL")
        .contains("] [0] printed at FATAL\n", "] [1] printed at FATAL\n");
  }
}
