package monarch.mesh;

/**
 * Procs could not be launched because their command cannot run on a host: not found, not
 * executable, a directory, or a script whose interpreter is missing. The message says which, as a
 * shell would; {@link #exitStatus()} is the status a shell exits with for it.
 */
public final class ProcLaunchException extends MeshException {
  private final int exitStatus;

  ProcLaunchException(String message, int exitStatus, Throwable cause) {
    super(message, cause);
    this.exitStatus = exitStatus;
  }

  /** 127 when the command (or its interpreter) is not found, 126 when it is not executable. */
  public int exitStatus() {
    return exitStatus;
  }
}
