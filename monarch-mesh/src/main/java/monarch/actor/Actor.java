package monarch.actor;

import java.util.concurrent.Callable;

/**
 * Base class of user actors. A subclass has a public constructor (no-arg, or one matching the
 * arguments given to {@code ProcMesh.spawn}) and public {@link Endpoint} methods. Each actor
 * instance lives in one proc and handles one call at a time, in arrival order.
 */
public abstract class Actor {
  /** The context of the actor whose constructor runs on this thread (see {@link #createWith}). */
  private static final ThreadLocal<Context> CONSTRUCTING = new ThreadLocal<>();

  private final Context context;

  protected Actor() {
    this.context = CONSTRUCTING.get();
  }

  /** Rank, world size, proc id and hostname of the proc this actor runs in. */
  public final Context context() {
    if (context == null) {
      throw new IllegalStateException(
          getClass().getName() + " was not created by a proc mesh, so it has no context");
    }
    return context;
  }

  /**
   * Runs {@code constructor}, whose actor gets {@code context} as its {@link #context()}: how a
   * proc creates actors, and how a unit test can create one outside a mesh.
   *
   * @throws Exception whatever the constructor throws
   */
  public static <T> T createWith(Context context, Callable<T> constructor) throws Exception {
    CONSTRUCTING.set(context);
    try {
      return constructor.call();
    } finally {
      CONSTRUCTING.remove();
    }
  }
}
