package monarch.internal.agent;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import monarch.config.MonarchConfig;
import monarch.internal.remote.ArteryConfig;
import monarch.internal.remote.PekkoSystems;
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

  /** Completes once the shutdown's first task has stopped every proc this agent launched. */
  private final CompletableFuture<Void> procsStopped;

  private AgentServer(
      ActorSystem<Void> system, String hostname, CompletableFuture<Void> procsStopped) {
    this.system = system;
    this.hostname = hostname;
    this.procsStopped = procsStopped;
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
    CompletableFuture<Void> procsStopped = new CompletableFuture<>();
    try {
      ActorSystem<Void> system = PekkoSystems.create(guardian, "monarch-agent", settings);
      // SIGTERM (the JVM's exit) stops the procs before the system goes, within the phase's
      // 30 s (monarch-pekko.conf); close() bounds the stop itself
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeServiceUnbind(),
              "stop-procs",
              () ->
                  CompletableFuture.supplyAsync(
                      () -> {
                        try {
                          manager.close();
                        } finally {
                          procsStopped.complete(null);
                        }
                        return Done.getInstance();
                      },
                      r -> new Thread(r, "monarch-agent-stop").start()));
      return new AgentServer(system, name, procsStopped);
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
   * Stops every proc it launched (within the shutdown phase's 30 s, monarch-pekko.conf), then the
   * agent's ActorSystem, which it waits for at most {@link #SYSTEM_END_SECONDS}: after a TLS
   * connection failed (a peer killed mid-stream, bytes that are not TLS) Pekko 1.2's termination
   * can stay pending for ever (as akka/akka-core#29162 reports); the procs are gone by then, so
   * close returns and says so at debug level.
   */
  @Override
  public void close() {
    system.terminate();
    try {
      procsStopped.get(PROCS_STOP_SECONDS, TimeUnit.SECONDS);
      terminated().get(SYSTEM_END_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      if (procsStopped.isDone()) {
        log.debug("agent {}: its procs are stopped, its ActorSystem has not ended", address);
      } else {
        log.warn("agent {}: its procs did not stop within {} s", address, PROCS_STOP_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("agent {} stopped with {}", address, e.getCause().toString());
    }
  }

  /** The shutdown phase that stops the procs has 30 s; a little more for the task to start. */
  private static final long PROCS_STOP_SECONDS = 35;

  /** What the rest of a shutdown takes when nothing holds it up: well under a second. */
  private static final long SYSTEM_END_SECONDS = 5;

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
