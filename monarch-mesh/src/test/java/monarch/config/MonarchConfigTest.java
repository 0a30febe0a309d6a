package monarch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment knobs: each bad value is an error naming the variable; empty is unset. */
class MonarchConfigTest {

  static MonarchConfig from(String name, String value) {
    return MonarchConfig.fromEnvironment(Map.of(name, value));
  }

  @Test
  void goodValuesAreRead() {
    assertThat(from("HYPERACTOR_READ_LOG_BUFFER", "7").readLogBuffer()).isEqualTo(7);
    assertThat(from("HYPERACTOR_PREFIX_WITH_RANK", "FALSE").prefixWithRank()).isFalse();
    assertThat(from("MONARCH_LOG_POLICY", "drop").logPolicy()).isEqualTo(LogPolicy.DROP);
    assertThat(from("MONARCH_AGGREGATE_RULE", " Levenshtein ").aggregateRule())
        .isEqualTo(monarch.logging.Similarity.LEVENSHTEIN);
    assertThat(MonarchConfig.fromEnvironment(Map.of()).aggregateRule())
        .isEqualTo(monarch.logging.Similarity.TEMPLATE);
    assertThat(from("MONARCH_LOG_DIR", "/var/tmp/x").logDir()).isEqualTo(Paths.get("/var/tmp/x"));
    assertThat(from("MONARCH_PROC_JVM_OPTS", " -Xmx1g  -Dx=1 ").procJvmOptions())
        .containsExactly("-Xmx1g", "-Dx=1");
  }

  /** Each wither sets its own components and keeps every other one; a new value is checked. */
  @Test
  void withersChangeTheirOwnComponentsOnly() {
    MonarchConfig d = MonarchConfig.fromEnvironment(Map.of("MONARCH_CLIENT_ADDRESS", "10.0.0.1"));
    java.time.Duration s = java.time.Duration.ofSeconds(3);
    assertThat(d.withTls(Paths.get("/k")).tlsDir()).isEqualTo(Paths.get("/k"));
    assertThat(d.withTls(Paths.get("/k")).withTls(null)).isEqualTo(d);
    assertThat(d.withConnectTimeout(s).connectTimeout()).isEqualTo(s);
    assertThat(d.withConnectTimeout(s).withConnectTimeout(d.connectTimeout())).isEqualTo(d);
    assertThat(d.withProcReadyTimeout(s).withProcReadyTimeout(d.procReadyTimeout())).isEqualTo(d);
    assertThat(d.withClientAddress(null).clientAddress()).isNull();
    assertThat(d.withClientAddress(null).withClientAddress("10.0.0.1")).isEqualTo(d);
    assertThat(d.withPrefixWithRank(false).withPrefixWithRank(true)).isEqualTo(d);
    assertThat(d.withLogForwarding(false).withLogForwarding(true)).isEqualTo(d);
    assertThat(d.withLogPolicy(LogPolicy.DROP).withLogPolicy(LogPolicy.BACKPRESSURE)).isEqualTo(d);
    assertThat(
            d.withAggregateRule(monarch.logging.Similarity.LEVENSHTEIN)
                .withAggregateRule(monarch.logging.Similarity.TEMPLATE))
        .isEqualTo(d);
    assertThat(d.withProcJvmOptions(java.util.List.of("-Xmx1g")).procJvmOptions())
        .containsExactly("-Xmx1g");
    assertThat(
            d.withProcJvmOptions(java.util.List.of("-Xmx1g"))
                .withProcJvmOptions(java.util.List.of()))
        .isEqualTo(d);
    MonarchConfig files = d.withFileLog(Paths.get("/f"));
    assertThat(files.forceFileLog()).isTrue();
    assertThat(files.logDir()).isEqualTo(Paths.get("/f"));
    assertThat(files.withTls(null)).isEqualTo(files);
    assertThatThrownBy(() -> d.withConnectTimeout(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout");
  }

  @Test
  void badValuesNameTheVariableAndTheValue() {
    for (String[] bad :
        new String[][] {
          {"HYPERACTOR_READ_LOG_BUFFER", "abc"}, {"HYPERACTOR_READ_LOG_BUFFER", "0"},
          {"HYPERACTOR_READ_LOG_BUFFER", "-5"}, {"MONARCH_PROC_READY_TIMEOUT_MS", "1.5"},
          {"HYPERACTOR_FORCE_FILE_LOG", "maybe"}, {"HYPERACTOR_MESH_ENABLE_LOG_FORWARDING", "2"},
          {"MONARCH_LOG_POLICY", "fast"}, {"MONARCH_AGGREGATE_RULE", "fuzzy"}
        }) {
      assertThatThrownBy(() -> from(bad[0], bad[1]))
          .as(bad[0] + "=" + bad[1])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad[0])
          .hasMessageContaining("'" + bad[1] + "'");
    }
  }

  @Test
  void emptyIsUnsetNotTheCurrentDirectory() {
    MonarchConfig d = MonarchConfig.defaults();
    assertThat(from("MONARCH_LOG_DIR", "").logDir()).isEqualTo(d.logDir());
    assertThat(from("MONARCH_PROC_CLASSPATH", " ").procClasspath()).isEqualTo(d.procClasspath());
  }
}
