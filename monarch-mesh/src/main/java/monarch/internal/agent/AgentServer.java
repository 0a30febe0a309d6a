package monarch.internal.agent;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import monarch.config.MonarchConfig;
import monarch.internal.remote.ArteryConfig;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A host agent on its own, reachable over the network: an ActorSystem bound with Artery ({@link
 * ArteryConfig}) whose one entry point, {@link ArteryConfig#AGENT_PATH}, is the {@link HostAgent}
 * of this host's {@link BootstrapProcManager}. It owns that system; when the system ends (close, or
 * the JVM's exit through Pekko's shutdown hook) the agent stops every proc it launched. It never
 * decides who may connect beyond what the transport's TLS does.
 */
public final class AgentServer implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentServer.class);
  private final ActorSystem<Void> system;
  private final String address;
  private final String hostname;

  private AgentServer(ActorSystem<Void> system, String hostname) {
    this.system = system;
    this.hostname = hostname;
    Address bound = Adapter.toClassic(system).provider().getDefaultAddress();
    this.address = bound.getHost().orElseThrow() + ":" + bound.getPort().orElseThrow();
  }

  /**
   * Starts an agent listening at {@code host:port} (0: a free port), with TLS from {@code tlsDir},
   * or in the clear when it is null, which only loopback allows unless {@code insecure}.
   *
   * @param hostname the name in its procs' lines; null for this machine's
   * @throws IllegalArgumentException for a non-loopback address without TLS or insecure
   * @throws IOException for a TLS directory that is not usable, or an address it cannot listen on,
   *     saying why
   */
  public static AgentServer start(
      String host, int port, Path tlsDir, boolean insecure, String hostname, MonarchConfig config)
      throws IOException {
    if (tlsDir == null && !insecure && !ArteryConfig.isLoopback(host)) {
      throw new IllegalArgumentException(
          "will not listen on "
              + host
              + " without TLS: anyone who can reach it could run commands here. Pass --tls DIR"
              + " (keys from `monarch keygen DIR`, copied to every host), or --insecure on a"
              + " network you trust");
    }
    if (tlsDir != null) {
      ArteryConfig.checkTlsDir(tlsDir);
    } else if (!ArteryConfig.isLoopback(host)) {
      log.warn(
          "listening on {} without TLS (insecure): anyone who can reach it can run commands as"
              + " this user",
          host);
    }
    String name = hostname != null ? hostname : osHostname();
    BootstrapProcManager manager = new BootstrapProcManager(config, false, name);
    Behavior<Void> guardian =
        Behaviors.setup(
            ctx -> {
              ctx.spawn(HostAgent.shared(manager), "agent");
              return Behaviors.empty();
            });
    Config settings =
        ArteryConfig.bind(host, port, tlsDir, true)
            .withFallback(ConfigFactory.defaultOverrides())
            .withFallback(
                ConfigFactory.parseResources(
                    AgentServer.class.getClassLoader(), "monarch-pekko.conf"))
            .withFallback(ConfigFactory.load(AgentServer.class.getClassLoader()))
            .resolve();
    try {
      ActorSystem<Void> system = ActorSystem.create(guardian, "monarch-agent", settings);
      // SIGTERM (the JVM's exit) stops the procs before the system goes, within the phase's
      // 30 s (monarch-pekko.conf); close() bounds the stop itself
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeServiceUnbind(),
              "stop-procs",
              () ->
                  CompletableFuture.supplyAsync(
                      () -> {
                        manager.close();
                        return Done.getInstance();
                      },
                      r -> new Thread(r, "monarch-agent-stop").start()));
      return new AgentServer(system, name);
    } catch (RuntimeException e) {
      manager.close();
      // a port in use, an address not on this host: Artery's bind failure, said plainly
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      throw new IOException("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), e);
    }
  }

  /** Where it listens, as {@code host:port}. */
  public String address() {
    return address;
  }

  public String hostname() {
    return hostname;
  }

  /** Completes when the agent has stopped (its procs are gone by then). */
  public CompletableFuture<Void> terminated() {
    return system.getWhenTerminated().toCompletableFuture().thenApply(done -> null);
  }

  /**
   * Stops every proc it launched, then the agent; returns once it has stopped, or after {@link
   * #CLOSE_BOUND_SECONDS} with a warning (a test run once saw the system's termination never
   * complete after its procs were stopped; see the note on issue [7]).
   */
  @Override
  public void close() {
    system.terminate();
    try {
      terminated().get(CLOSE_BOUND_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      log.warn("agent {} did not stop within {} s; leaving it", address, CLOSE_BOUND_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      log.warn("agent {} stopped with {}", address, e.getCause().toString());
    }
  }

  /** The procs' stop phase has 30 s (monarch-pekko.conf); the rest of the shutdown, the rest. */
  private static final long CLOSE_BOUND_SECONDS = 60;

  /**
   * The kernel's name for this host (its UTS namespace's), read without resolving it: a host whose
   * name no DNS knows still has one.
   */
  public static String osHostname() {
    try {
      String name =
          Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException notLinux) {
      // below
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
