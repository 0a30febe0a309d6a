package monarch.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The procs' archive directory stays bounded, and a training run lands without its client. */
class CdsArchiveTest {

  @Test
  void tempArchivesOfGoneClientsAreRemovedOnceOldAndNothingElse(@TempDir Path dir) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long live = ProcessHandle.current().pid();
    Path stale = aged(Files.createFile(dir.resolve("proc-abc.jsa.tmp" + gone.pid())), 10);
    Path finishing = Files.createFile(dir.resolve("proc-abd.jsa.tmp" + gone.pid()));
    Path training = aged(Files.createFile(dir.resolve("proc-abc.jsa.tmp" + live)), 10);
    Path archive = Files.createFile(dir.resolve("proc-abc.jsa"));
    Path other = aged(Files.createFile(dir.resolve("notes.tmp" + gone.pid())), 10);

    CdsArchive.tidy(dir);

    assertThat(stale).doesNotExist();
    assertThat(finishing).as("a gone client's run may still be writing").exists();
    assertThat(training).exists();
    assertThat(archive).exists();
    assertThat(other).exists();
  }

  @Test
  void onlyTheNewestArchivesAreKept(@TempDir Path dir) throws Exception {
    List<Path> newestFirst = new ArrayList<>();
    for (int i = 0; i < CdsArchive.KEEP_ARCHIVES + 3; i++) {
      newestFirst.add(aged(Files.createFile(dir.resolve("proc-" + i + ".jsa")), i));
    }

    CdsArchive.tidy(dir);

    int kept = CdsArchive.KEEP_ARCHIVES - 1; // room for the one being made
    assertThat(newestFirst.subList(0, kept)).allMatch(Files::exists);
    assertThat(newestFirst.subList(kept, newestFirst.size())).noneMatch(Files::exists);
  }

  @Test
  void aTrainingRunMovesItsOwnArchiveIntoPlace(@TempDir Path dir) throws Exception {
    Path tmp = dir.resolve("proc-x.jsa.tmp1");
    Path archive = dir.resolve("proc-x.jsa");
    // stands in for the JVM, which writes the archive at its exit
    Process p = CdsArchive.startTraining(List.of("sh", "-c", "printf archived > \"$0\"", tmp.toString()),
        tmp, archive);

    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(archive).hasContent("archived");
    assertThat(tmp).doesNotExist();
  }

  /** Sets f's modification time to {@code minutes} ago. */
  private static Path aged(Path f, int minutes) throws Exception {
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(minutes, ChronoUnit.MINUTES)));
    return f;
  }
}
