package monarch.internal.capture;

import static monarch.internal.channel.PrivateDirectoryTest.giveToNobody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import monarch.logging.OutputTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default log directory is private to its user; one chosen by name is used as it is. */
class FileAppenderTest {
  @TempDir Path shared;

  @Test
  void theDefaultLogDirectoryIsMadePrivate() throws IOException {
    Path logDir = shared.resolve("u/monarch");

    try (FileAppender files = FileAppender.create(logDir, shared, "rank0", "host")) {
      assertThat(files.path(OutputTarget.STDOUT)).exists().hasParent(logDir);
    }
    assertThat(mode(shared.resolve("u"))).isEqualTo("rwx------");
    assertThat(mode(logDir)).isEqualTo("rwx------");
  }

  @Test
  void aDefaultLogDirectoryAnotherUserMadeIsRefused() throws IOException {
    Path userDir = Files.createDirectory(shared.resolve("u"));
    Files.setPosixFilePermissions(userDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    giveToNobody(userDir);

    assertThatThrownBy(
            () -> FileAppender.create(userDir.resolve("monarch"), shared, "rank0", "host"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(userDir + " is owned by nobody");
    assertThat(userDir.resolve("monarch")).doesNotExist();
  }

  @Test
  void aDirectoryChosenByNameIsUsedAsItIsOrCreatedOwnerOnly() throws IOException {
    Path shown = Files.createDirectory(shared.resolve("shown"));
    Files.setPosixFilePermissions(shown, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (FileAppender files = FileAppender.create(shown, null, "rank0", "host")) {
      assertThat(files.path(OutputTarget.STDERR)).exists();
    }
    assertThat(mode(shown)).as("the user's to decide").isEqualTo("rwxr-xr-x");

    Path fresh = shared.resolve("fresh");
    FileAppender.create(fresh, null, "rank0", "host").close();
    assertThat(mode(fresh)).isEqualTo("rwx------");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
