package monarch.actor;

import monarch.internal.proc.ActorContexts;

/**
 * Base class of user actors. A subclass has a public constructor (no-arg, or one matching the
 * arguments given to {@code ProcMesh.spawn}) and public {@link Endpoint} methods. Each actor
 * instance lives in one proc and handles one call at a time, in arrival order.
 */
public abstract class Actor {
  private final Context context;

  protected Actor() {
    this.context = ActorContexts.current();
  }

  /** Rank, world size, proc id and hostname of the proc this actor runs in. */
  public final Context context() {
    if (context == null) {
      throw new IllegalStateException(
          getClass().getName() + " was not created by a proc mesh, so it has no context");
    }
    return context;
  }
}
