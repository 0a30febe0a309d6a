package monarch.mesh;

/** Something went wrong on a mesh's procs; the message says what and on which rank. */
public class MeshException extends RuntimeException {
  public MeshException(String message) {
    super(message);
  }

  public MeshException(String message, Throwable cause) {
    super(message, cause);
  }
}
