package monarch.bench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import monarch.bench.Machine.Tool;
import org.junit.jupiter.api.Test;

class MachineTest {
  @Test
  void aMissingToolIsNamedWithItsPackageAndNeverInstalled() {
    Tool present = new Tool("sh", "dash", () -> true);
    assertThatCode(() -> Machine.requireTools(List.of(present))).doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                Machine.requireTools(
                    List.of(
                        new Tool("mpirun", "openmpi-bin", () -> false),
                        present,
                        new Tool("a C compiler 'cc'", "gcc", () -> false))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "missing mpirun (Debian package openmpi-bin), a C compiler 'cc' (Debian package gcc):"
                + " apt-get install -y openmpi-bin gcc, or run bash .ci/run, which installs what is missing");
  }
}
