package monarch.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.spi.SelectorProvider;
import java.util.List;
import monarch.config.MonarchConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcLauncherTest {
  private static final String CP = System.getProperty("java.class.path");

  @AfterEach
  void clearProperty() {
    System.clearProperty(ProcLauncher.PIN_SELECTOR_PROPERTY);
  }

  @Test
  void noStartupFlagCostsPeakPerformance() {
    // procs run users' long-lived workloads: C2, the JVM's own GC choice and the default thread
    // stack size stay; users who want the trade opt in with MONARCH_PROC_JVM_OPTS
    assertThat(ProcLauncher.STARTUP_FLAGS)
        .noneMatch(f -> f.startsWith("-XX:TieredStopAtLevel"))
        .noneMatch(f -> f.startsWith("-XX:+Use") && f.endsWith("GC"))
        .noneMatch(f -> f.startsWith("-Xss"))
        .contains("-XX:-UsePerfData", "-Xshare:auto");
  }

  @Test
  void pinsTheJdksOwnSelectorProviderForTheAgentsClassPath() {
    assertThat(ProcLauncher.selectorProviderFlags(CP))
        .containsExactly(
            "-Djava.nio.channels.spi.SelectorProvider="
                + SelectorProvider.provider().getClass().getName());
    assertThat(SelectorProvider.provider().getClass().getModule())
        .isEqualTo(Object.class.getModule());
  }

  @Test
  void noPinForAnotherClassPathOrWhenTurnedOff() {
    assertThat(
            ProcLauncher.selectorProviderFlags(CP + java.io.File.pathSeparator + "/elsewhere.jar"))
        .isEmpty();
    System.setProperty(ProcLauncher.PIN_SELECTOR_PROPERTY, "false");
    assertThat(ProcLauncher.selectorProviderFlags(CP)).isEmpty();
  }

  @Test
  void userOptionsComeAfterTheDefaultsSoTheyWin() {
    MonarchConfig config =
        MonarchConfig.defaults().withProcJvmOptions(List.of("-XX:TieredStopAtLevel=1"));
    List<String> flags = ProcLauncher.startupFlags(config.procClasspath());
    List<String> cmd =
        new ProcLauncher(config, config.procClasspath(), flags, CdsArchive.disabled()).jvmCommand();
    assertThat(cmd.subList(1, 1 + flags.size())).isEqualTo(flags);
    assertThat(cmd.lastIndexOf("-XX:TieredStopAtLevel=1")).isGreaterThan(flags.size());
    assertThat(cmd.get(cmd.size() - 1)).isEqualTo("monarch.internal.proc.ProcMain");
  }

  @Test
  void theProcArchiveIsTrainedOnlyOnceAJvmProcIsLaunched() {
    // a class path no archive exists for, so a training run would start
    String classpath = "/nonexistent/monarch-test-" + System.nanoTime() + ".jar";
    ProcLauncher launcher = ProcLauncher.forClasspath(MonarchConfig.defaults(), classpath);
    List<String> expected = new java.util.ArrayList<>(ProcLauncher.SETSID);
    expected.add("true");
    assertThat(launcher.command(new monarch.internal.protocol.ProcSpec.Executable(List.of("true"))))
        .isEqualTo(expected);
    assertThat(launcher.cds.trainingStarted())
        .as("an agent that only runs executables costs no training JVM")
        .isFalse();

    launcher.command(new monarch.internal.protocol.ProcSpec.ActorHost());
    assertThat(launcher.cds.trainingStarted()).isTrue();
  }
}
