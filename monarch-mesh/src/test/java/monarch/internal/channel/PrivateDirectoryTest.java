package monarch.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-user directories under a shared one, as another local user would attack them: made first,
 * owned by them, world-writable, or a symbolic link. "Someone else" is nobody (uid 65534), which
 * only root can give a file to: those tests are skipped for other users (CI runs as root).
 */
public class PrivateDirectoryTest {
  @TempDir Path shared;

  @Test
  void missingDirectoriesAreCreatedOursAndOwnerOnly() throws IOException {
    Path dir = shared.resolve("monarch-u/cds");

    assertThat(PrivateDirectory.ensure(shared, dir)).isEqualTo(dir);

    for (Path p : new Path[] {shared.resolve("monarch-u"), dir}) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
      assertThat(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS)).isEqualTo(Files.getOwner(shared));
    }
    assertThat(PrivateDirectory.ensure(shared, dir)).as("and accepted again").isEqualTo(dir);
  }

  @Test
  void ourOwnLooseDirectoryIsTightened() throws IOException {
    Path dir = Files.createDirectory(shared.resolve("monarch-u"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    PrivateDirectory.ensure(shared, dir.resolve("sock"));

    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("sock"))).isEqualTo("rwx------");
  }

  @Test
  void aDirectoryAnotherUserMadeIsRefusedAndLeftAsItIs() throws IOException {
    Path dir = Files.createDirectory(shared.resolve("monarch-u"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    giveToNobody(dir);

    assertThatThrownBy(() -> PrivateDirectory.ensure(shared, dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("owned by nobody (uid 65534), mode 0777")
        .hasMessageContaining("remove it, or set java.io.tmpdir elsewhere");
    assertThat(mode(dir)).as("never changed: it is not ours").isEqualTo("rwxrwxrwx");
  }

  @Test
  void aBadParentRefusesEverythingBelowIt() throws IOException {
    Path parent =
        Files.createDirectory(
            shared.resolve("monarch-u"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    giveToNobody(parent);
    Path dir = parent.resolve("cds");

    assertThatThrownBy(() -> PrivateDirectory.ensure(shared, dir))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(parent + " is owned by nobody");
    assertThat(dir).doesNotExist();
  }

  @Test
  void aSymbolicLinkIsRefusedAndNotFollowed() throws IOException {
    Path target =
        Files.createDirectory(
            shared.resolve("elsewhere"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path link = Files.createSymbolicLink(shared.resolve("monarch-u"), target);

    assertThatThrownBy(() -> PrivateDirectory.ensure(shared, link.resolve("sock")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(link + " is a symbolic link");
    assertThat(target.resolve("sock")).doesNotExist();
  }

  @Test
  void aFileInTheWayIsRefused() throws IOException {
    Path file = Files.createFile(shared.resolve("monarch-u"));

    assertThatThrownBy(() -> PrivateDirectory.ensure(shared, file))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file + " is not a directory");
  }

  @Test
  void onlyPathsBelowTheSharedDirectoryAreAsked() {
    assertThatThrownBy(() -> PrivateDirectory.ensure(shared, shared))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrivateDirectory.ensure(shared, shared.resolve("../x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPrivateFileIsARegularFileOfOursThatOnlyWeCanReadOrWrite() throws IOException {
    Path file =
        Files.createFile(
            shared.resolve("f"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Path link = Files.createSymbolicLink(shared.resolve("link"), file);
    assertThat(PrivateDirectory.isPrivateFile(file)).isTrue();
    assertThat(PrivateDirectory.isPrivateFile(link)).as("a link, even to a private file").isFalse();
    assertThat(PrivateDirectory.isPrivateFile(shared.resolve("missing"))).isFalse();
    assertThat(PrivateDirectory.isPrivateFile(shared)).as("a directory").isFalse();

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(PrivateDirectory.isPrivateFile(file)).as("0644").isFalse();

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    giveToNobody(file);
    assertThat(PrivateDirectory.isPrivateFile(file)).as("someone else's").isFalse();
  }

  @Test
  void theSocketDirectoryIsPrivateAndRefusedWhenAnotherUserMadeItFirst() throws IOException {
    Path base = SocketDirectory.userBase(shared, "u");
    assertThat(base).isEqualTo(shared.resolve("monarch-u/sock"));
    assertThat(mode(base.getParent())).isEqualTo("rwx------");
    assertThat(mode(base)).isEqualTo("rwx------");

    giveToNobody(base.getParent());
    assertThatThrownBy(() -> SocketDirectory.userBase(shared, "u"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(base.getParent() + " is owned by nobody");
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /** Gives {@code p} to user nobody; skips the test when we may not (we are not root). */
  public static void giveToNobody(Path p) throws IOException {
    UserPrincipal nobody =
        p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    try {
      Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setOwner(nobody);
    } catch (FileSystemException e) {
      Assumptions.abort("only root can give a file to another user: " + e);
    }
  }
}
