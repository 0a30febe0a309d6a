package monarch.internal.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import monarch.internal.remote.PekkoSystems;
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

  /**
   * The client's systems on the network, for meshes of remote agents, by address and keys: their
   * own, since a system's transport is fixed when it starts and the local one never pays for
   * Artery. Usually one; a JVM that reaches agents with other keys, or by another route, gets one
   * for each. Guarded by the class.
   */
  private static final java.util.Map<String, ActorSystem<Void>> remotes = new java.util.HashMap<>();

  private ClientRuntime() {}

  public static ActorSystem<Void> system() {
    ActorSystem<Void> s = system;
    if (s == null) {
      synchronized (ClientRuntime.class) {
        s = system;
        if (s == null) {
          s = PekkoSystems.create(Behaviors.empty(), "monarch", config());
          system = s;
        }
      }
    }
    return s;
  }

  /**
   * The client's system on the network bound to {@code host} (on a free port) with TLS from {@code
   * tlsDir} (null: in the clear); started by the first call with these settings, shared by later
   * ones.
   */
  public static synchronized ActorSystem<Void> remoteSystem(
      String host, java.nio.file.Path tlsDir) {
    String settings = host + " " + (tlsDir == null ? "-" : tlsDir.toAbsolutePath().normalize());
    return remotes.computeIfAbsent(
        settings,
        k ->
            PekkoSystems.create(
                Behaviors.empty(),
                "monarch",
                monarch.internal.remote.ArteryConfig.bind(host, 0, tlsDir, false)
                    .withFallback(config())
                    .resolve()));
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
    return onExit(system(), task);
  }

  /** As {@link #onExit(Runnable)}, when {@code on} exits. */
  public static Cancellable onExit(ActorSystem<?> on, Runnable task) {
    return CoordinatedShutdown.get(on)
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
