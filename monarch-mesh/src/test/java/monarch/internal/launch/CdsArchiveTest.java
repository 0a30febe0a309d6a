package monarch.internal.launch;

import static monarch.internal.channel.PrivateDirectoryTest.giveToNobody;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import monarch.internal.channel.PrivateDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The procs' archive directory stays bounded, a training run lands without its client, and a proc
 * maps only an archive that no other user could have written.
 */
class CdsArchiveTest {

  @Test
  void tempArchivesOfGoneClientsAreRemovedOnceOldAndNothingElse(@TempDir Path dir)
      throws Exception {
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
    Process p =
        CdsArchive.startTraining(
            List.of("sh", "-c", "printf archived > \"$0\"", tmp.toString()), tmp, archive);

    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(archive).hasContent("archived");
    assertThat(tmp).doesNotExist();
    assertThat(Files.getPosixFilePermissions(archive))
        .as("whatever the umask")
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void anArchiveIsMappedOnlyWhenItIsARegularFileOfOursThatOnlyWeCanWrite(@TempDir Path shared)
      throws Exception {
    Path dir = PrivateDirectory.ensure(shared, shared.resolve("monarch-u/cds"));
    Path archive =
        Files.createFile(
            dir.resolve("proc-x.jsa"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    // a training run that fails at once: it must not be what decides these flags
    CdsArchive cds = new CdsArchive(shared, archive, List.of("false"));
    assertThat(cds.flags()).containsExactly("-XX:SharedArchiveFile=" + archive);

    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(cds.flags()).as("mode 0644").isEmpty();
    assertThat(cds.trainingStarted()).as("made again, over it").isTrue();

    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-------"));
    giveToNobody(archive);
    assertThat(cds.flags()).as("owned by someone else").isEmpty();
  }

  @Test
  void aDirectoryAnotherUserMadeMeansNoArchiveAndNoTraining(@TempDir Path shared) throws Exception {
    Path userDir = Files.createDirectory(shared.resolve("monarch-u"));
    Path dir = Files.createDirectory(userDir.resolve("cds"));
    Path archive =
        Files.createFile(
            dir.resolve("proc-x.jsa"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.setPosixFilePermissions(userDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    giveToNobody(userDir); // who could have swapped the archive for their own at any time

    CdsArchive cds = new CdsArchive(shared, archive, List.of("false"));

    assertThat(cds.flags()).isEmpty();
    assertThat(cds.flags()).isEmpty();
    assertThat(cds.trainingStarted()).isFalse();
    assertThat(Files.getOwner(userDir).getName()).as("left as it was").isEqualTo("nobody");
  }

  /** Sets f's modification time to {@code minutes} ago. */
  private static Path aged(Path f, int minutes) throws Exception {
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(minutes, ChronoUnit.MINUTES)));
    return f;
  }
}
