package monarch.internal.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The client's single ActorSystem, started on first use and shared by every HostMesh of the JVM
 * (an ActorSystem costs about a second to start). Its threads are daemons, so it never keeps the
 * client alive; a JVM shutdown hook closes the meshes that are still open, so procs never outlive
 * a client that exits without closing them.
 */
public final class ClientRuntime {
  private static volatile ActorSystem<Void> system;
  private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
  /** Reports waiting for their moment (see {@link #report}); a few at most. */
  private static final Set<Runnable> PENDING = ConcurrentHashMap.newKeySet();
  private static volatile boolean exitMeansInterrupted;

  private ClientRuntime() {}

  public static ActorSystem<Void> system() {
    ActorSystem<Void> s = system;
    if (s == null) {
      synchronized (ClientRuntime.class) {
        s = system;
        if (s == null) {
          s = ActorSystem.create(Behaviors.empty(), "monarch", config());
          system = s;
          Runtime.getRuntime().addShutdownHook(new Thread(ClientRuntime::closeAll, "monarch-exit"));
        }
      }
    }
    return s;
  }

  static Config config() {
    return ConfigFactory.defaultOverrides()
        .withFallback(ConfigFactory.parseResources(ClientRuntime.class.getClassLoader(), "monarch-pekko.conf"))
        .withFallback(ConfigFactory.load(ClientRuntime.class.getClassLoader()))
        .resolve();
  }

  /**
   * A launcher (the CLI) whose JVM only exits early on a signal says so while its job runs: a
   * terminal's Ctrl-C reaches the client and its procs together, and procs that die of it are
   * then part of the exit, not failures worth a warning.
   */
  public static void exitMeansInterrupted(boolean yes) {
    exitMeansInterrupted = yes;
  }

  /** Whether this JVM is exiting on an interrupt (see {@link #exitMeansInterrupted}). */
  public static boolean interrupted() {
    if (!exitMeansInterrupted) {
      return false;
    }
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException shutdownInProgress) {
      return true;
    }
  }

  /** Runs {@code report} after {@code millis}, or when the JVM exits if that comes first; once. */
  public static void report(long millis, Runnable report) {
    PENDING.add(report);
    CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS).execute(() -> {
      if (PENDING.remove(report)) {
        report.run();
      }
    });
  }

  /** Remembers something to close if the JVM exits before the user closes it. */
  public static void register(AutoCloseable c) {
    OPEN.add(c);
  }

  public static void unregister(AutoCloseable c) {
    OPEN.remove(c);
  }

  private static void closeAll() {
    for (Runnable r : PENDING.toArray(new Runnable[0])) {
      if (PENDING.remove(r)) {
        r.run();
      }
    }
    for (AutoCloseable c : OPEN.toArray(new AutoCloseable[0])) {
      try {
        c.close();
      } catch (Exception e) {
        // exiting anyway: the procs' channels close with this JVM and they exit too
      }
    }
  }
}
