package monarch.mesh;

/**
 * An endpoint (or an actor's constructor) threw in a proc. Carries the rank and the remote
 * exception's class, message and stack trace as text; when several ranks failed, the others are
 * attached as suppressed exceptions. The mesh keeps working.
 */
public final class ActorCallException extends MeshException {
  private final int rank;
  private final String remoteType;
  private final String remoteMessage;
  private final String remoteStackTrace;

  public ActorCallException(
      String what, int rank, String remoteType, String remoteMessage, String remoteStackTrace) {
    super(
        what
            + " failed on rank "
            + rank
            + ": "
            + remoteType
            + (remoteMessage == null || remoteMessage.equals("null") ? "" : ": " + remoteMessage));
    this.rank = rank;
    this.remoteType = remoteType;
    this.remoteMessage = remoteMessage;
    this.remoteStackTrace = remoteStackTrace;
  }

  public int rank() {
    return rank;
  }

  /** The remote exception's class name, such as {@code java.lang.IllegalStateException}. */
  public String remoteType() {
    return remoteType;
  }

  public String remoteMessage() {
    return remoteMessage;
  }

  /** The remote stack trace, as the proc printed it. */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }
}
