package monarch.internal.proc;

import java.util.concurrent.Callable;
import monarch.actor.Context;

/** Hands an actor its Context while its constructor runs, so user constructors need no argument. */
public final class ActorContexts {
  private static final ThreadLocal<Context> CONSTRUCTING = new ThreadLocal<>();

  private ActorContexts() {}

  /** The context of the actor being constructed on this thread, or null outside a proc. */
  public static Context current() {
    return CONSTRUCTING.get();
  }

  static <T> T constructWith(Context context, Callable<T> constructor) throws Exception {
    CONSTRUCTING.set(context);
    try {
      return constructor.call();
    } finally {
      CONSTRUCTING.remove();
    }
  }
}
