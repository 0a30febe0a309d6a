package monarch.mesh;

/** A request could not complete because a proc of the mesh is gone. */
public final class ProcFailedException extends MeshException {
  private final ProcFailure failure;

  public ProcFailedException(String what, ProcFailure failure) {
    super(
        what
            + " failed: "
            + failure.describe()
            + (failure.lastLines().isEmpty() ? "" : "; last lines: " + failure.lastLines()));
    this.failure = failure;
  }

  public ProcFailure failure() {
    return failure;
  }

  public int rank() {
    return failure.rank();
  }
}
