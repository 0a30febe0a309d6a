package monarch.internal.launch;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;

/** The watchdog's shell, against real processes. */
class ExecutableWatchdogTest {

  static Process sleeper() throws Exception {
    return new ProcessBuilder("sleep", "60").start();
  }

  @Test
  void atEndOfInputItStopsTheWatchedProcsItWasNotToldToForget() throws Exception {
    ExecutableWatchdog wd = ExecutableWatchdog.start();
    Process watched = sleeper();
    Process forgotten = sleeper();
    try {
      wd.watch(watched.pid());
      wd.watch(forgotten.pid());
      wd.forget(forgotten.pid());
      wd.process().getOutputStream().close(); // what the agent's death looks like to it

      await().atMost(ofSeconds(5)).until(() -> !watched.isAlive());
      assertThat(wd.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(forgotten.isAlive()).as("a forgotten pid is never signalled").isTrue();
    } finally {
      watched.destroyForcibly();
      forgotten.destroyForcibly();
    }
  }

  @Test
  void aNormalCloseSignalsNothing() throws Exception {
    ExecutableWatchdog wd = ExecutableWatchdog.start();
    Process watched = sleeper();
    try {
      wd.watch(watched.pid());
      wd.close();

      assertThat(wd.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(watched.isAlive()).isTrue();
    } finally {
      watched.destroyForcibly();
    }
  }
}
