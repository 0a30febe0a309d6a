package monarch.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The procs' archive directory does not collect the temp files of abandoned training runs. */
class CdsArchiveTest {

  @Test
  void tempArchivesOfGoneClientsAreRemovedAndNothingElse(@TempDir Path dir) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long live = ProcessHandle.current().pid();
    Path stale = Files.createFile(dir.resolve("proc-abc.jsa.tmp" + gone.pid()));
    Path training = Files.createFile(dir.resolve("proc-abc.jsa.tmp" + live));
    Path archive = Files.createFile(dir.resolve("proc-abc.jsa"));
    Path other = Files.createFile(dir.resolve("notes.tmp" + gone.pid()));

    CdsArchive.removeStaleTemps(dir);

    assertThat(stale).doesNotExist();
    assertThat(training).exists();
    assertThat(archive).exists();
    assertThat(other).exists();
  }
}
