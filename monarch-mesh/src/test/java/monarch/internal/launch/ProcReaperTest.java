package monarch.internal.launch;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reaper's shell, against real process groups. */
class ProcReaperTest {

  /** A group of its own: a shell whose background child outlives it, then a sleep in its place. */
  static Process group() throws Exception {
    List<String> cmd = new java.util.ArrayList<>(ProcLauncher.SETSID);
    cmd.addAll(List.of("sh", "-c", "sleep 60 & exec sleep 61"));
    Process p = new ProcessBuilder(cmd).start();
    await().atMost(ofSeconds(5)).until(() -> p.children().count() == 1);
    return p;
  }

  static boolean anyAlive(Process p, List<ProcessHandle> children) {
    return p.isAlive() || children.stream().anyMatch(ProcessHandle::isAlive);
  }

  static void destroy(Process p, List<ProcessHandle> children) {
    children.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  @Test
  void atEndOfInputItStopsTheWatchedGroupsItWasNotToldToForget() throws Exception {
    ProcReaper reaper = ProcReaper.start();
    Process watched = group();
    Process forgotten = group();
    List<ProcessHandle> watchedKids = watched.children().toList();
    List<ProcessHandle> forgottenKids = forgotten.children().toList();
    try {
      reaper.watch(watched.pid());
      reaper.watch(forgotten.pid());
      reaper.forget(forgotten.pid());
      reaper.process().getOutputStream().close(); // what the agent's death looks like to it

      await().atMost(ofSeconds(5)).until(() -> !anyAlive(watched, watchedKids));
      assertThat(reaper.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(forgotten.isAlive()).as("a forgotten group is never signalled").isTrue();
      assertThat(forgottenKids).allMatch(ProcessHandle::isAlive);
    } finally {
      destroy(watched, watchedKids);
      destroy(forgotten, forgottenKids);
    }
  }

  @Test
  void terminateReachesAChildWhoseParentIsGone() throws Exception {
    ProcReaper reaper = ProcReaper.start();
    Process p = group();
    List<ProcessHandle> kids = p.children().toList();
    try {
      p.toHandle().destroyForcibly(); // the leader dies alone; its child is an orphan now
      p.waitFor(5, TimeUnit.SECONDS);
      assertThat(kids).allMatch(ProcessHandle::isAlive);

      reaper.terminate(p.pid());
      await().atMost(ofSeconds(5)).until(() -> kids.stream().noneMatch(ProcessHandle::isAlive));
    } finally {
      destroy(p, kids);
      reaper.close();
    }
  }

  @Test
  void killEndsAGroupThatIgnoresSigterm() throws Exception {
    ProcReaper reaper = ProcReaper.start();
    List<String> cmd =
        Stream.concat(
                ProcLauncher.SETSID.stream(),
                Stream.of("sh", "-c", "trap '' TERM; sh -c \"trap '' TERM; sleep 60\" & wait"))
            .toList();
    Process p = new ProcessBuilder(cmd).start();
    await().atMost(ofSeconds(5)).until(() -> p.descendants().count() >= 2);
    List<ProcessHandle> all = p.descendants().toList();
    try {
      reaper.kill(p.pid());
      await().atMost(ofSeconds(5)).until(() -> !anyAlive(p, all));
    } finally {
      destroy(p, all);
      reaper.close();
    }
  }

  @Test
  void aNormalCloseSignalsNothing() throws Exception {
    ProcReaper reaper = ProcReaper.start();
    Process watched = group();
    List<ProcessHandle> kids = watched.children().toList();
    try {
      reaper.watch(watched.pid());
      reaper.close();

      assertThat(reaper.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(watched.isAlive()).isTrue();
    } finally {
      destroy(watched, kids);
    }
  }
}
