package monarch.internal.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The client's single ActorSystem, started on first use and shared by every HostMesh of the JVM (an
 * ActorSystem costs about a second to start); the one piece of static state the client has. Its
 * threads are daemons, so it never keeps the client alive. What must happen if the JVM exits first
 * (closing meshes, so procs never outlive their client) is a task of the system's
 * CoordinatedShutdown, which Pekko runs from a JVM shutdown hook.
 */
public final class ClientRuntime {
  /** The phase our exit tasks run in: before the system stops, so the meshes can still talk. */
  private static final String EXIT_PHASE = CoordinatedShutdown.PhaseBeforeServiceUnbind();

  private static volatile ActorSystem<Void> system;

  private ClientRuntime() {}

  public static ActorSystem<Void> system() {
    ActorSystem<Void> s = system;
    if (s == null) {
      synchronized (ClientRuntime.class) {
        s = system;
        if (s == null) {
          s = ActorSystem.create(Behaviors.empty(), "monarch", config());
          system = s;
        }
      }
    }
    return s;
  }

  static Config config() {
    return ConfigFactory.defaultOverrides()
        .withFallback(
            ConfigFactory.parseResources(
                ClientRuntime.class.getClassLoader(), "monarch-pekko.conf"))
        .withFallback(ConfigFactory.load(ClientRuntime.class.getClassLoader()))
        .resolve();
  }

  /** A name no other actor of this system has: {@code prefix} and a random suffix. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
  }

  /**
   * Runs {@code task} (on its own thread) if the JVM exits before the returned handle is cancelled;
   * the exit waits for it, within the phase's timeout (monarch-pekko.conf).
   */
  public static Cancellable onExit(Runnable task) {
    return CoordinatedShutdown.get(system())
        .addCancellableTask(
            EXIT_PHASE,
            uniqueName("close"),
            () ->
                CompletableFuture.runAsync(
                        task,
                        r -> {
                          Thread t = new Thread(r, "monarch-exit");
                          t.setDaemon(true);
                          t.start();
                        })
                    .handle((ok, err) -> Done.getInstance()));
  }
}
