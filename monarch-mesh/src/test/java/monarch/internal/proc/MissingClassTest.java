package monarch.internal.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MissingClassTest {
  @Test
  void namesTheClassTheHostAndTheEntriesThatAreNotThere(@TempDir Path dir) {
    String cp = dir + ":/nowhere/a.jar:" + dir + "/*:/nowhere/lib/*";
    assertThat(MissingClass.explain("x.Y", "host-b", cp))
        .startsWith("cannot load class x.Y on host host-b: it is not on the procs' class path")
        .contains("(2 of its 4 entries do not exist on host-b, first /nowhere/a.jar)")
        .contains("MONARCH_PROC_CLASSPATH");
  }

  @Test
  void saysNothingOfEntriesWhenAllAreThere(@TempDir Path dir) {
    assertThat(MissingClass.explain("x.Y", "h", dir.toString())).doesNotContain("entries");
  }
}
