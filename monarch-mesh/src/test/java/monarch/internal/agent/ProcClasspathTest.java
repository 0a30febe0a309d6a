package monarch.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import monarch.config.MonarchConfig;
import org.junit.jupiter.api.Test;

/** Which class path an agent's JVM procs get: its own MONARCH_PROC_CLASSPATH, else the client's. */
class ProcClasspathTest {
  static final String OWN = System.getProperty("java.class.path");

  @Test
  void theClientsClassPathUnlessTheAgentChoseOne() {
    try (BootstrapProcManager plain =
            new BootstrapProcManager(MonarchConfig.fromEnvironment(Map.of()), false, "h");
        BootstrapProcManager chose =
            new BootstrapProcManager(
                MonarchConfig.fromEnvironment(Map.of("MONARCH_PROC_CLASSPATH", "/agent/app.jar")),
                false,
                "h")) {
      assertThat(plain.procClasspath("/client/app.jar")).isEqualTo("/client/app.jar");
      assertThat(plain.procClasspath(null)).isEqualTo(OWN);
      assertThat(plain.procClasspath(" ")).isEqualTo(OWN);
      assertThat(chose.procClasspath("/client/app.jar")).isEqualTo("/agent/app.jar");
    }
  }
}
