package monarch.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import monarch.config.MonarchConfig;
import org.junit.jupiter.api.Test;

class BootstrapProcManagerTest {

  @Test
  void theProcArchiveIsTrainedOnlyOnceAJvmProcIsLaunched() {
    // a class path no archive exists for, so a training run would start
    String classpath = "/nonexistent/monarch-test-" + System.nanoTime() + ".jar";
    MonarchConfig config = MonarchConfig.fromEnvironment(Map.of("MONARCH_PROC_CLASSPATH", classpath));
    BootstrapProcManager agent = new BootstrapProcManager(config, true);
    try {
      assertThat(agent.launcher.command("EXECUTABLE", List.of("true"))).containsExactly("true");
      assertThat(agent.launcher.cds.trainingStarted())
          .as("an agent that only runs executables costs no training JVM").isFalse();

      agent.launcher.command("ACTOR_HOST", List.of());
      assertThat(agent.launcher.cds.trainingStarted()).isTrue();
    } finally {
      agent.close();
    }
  }
}
