package monarch.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import monarch.config.MonarchConfig;
import monarch.internal.agent.BootstrapProcManager;
import monarch.internal.agent.HostAgent;
import monarch.internal.agent.LogForwardActor;
import monarch.internal.client.AgentLocator;
import monarch.internal.client.ClientReceiver;
import monarch.internal.client.ClientRuntime;
import monarch.internal.client.LogClientActor;
import monarch.internal.client.OutputLedger;
import monarch.internal.client.Requests;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.AgentProtocol.Command;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcExited;
import monarch.internal.protocol.AgentProtocol.ProcInfo;
import monarch.internal.protocol.AgentProtocol.ProcsFailed;
import monarch.internal.protocol.AgentProtocol.ProcsReady;
import monarch.internal.protocol.AgentProtocol.RankReply;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.remote.ArteryConfig;
import monarch.logging.LoggingOptions;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts a client can launch procs on, each fronted by a host agent. {@link #local()} runs one
 * agent inside this JVM; the client talks to it with the same serializable messages it would send
 * to a remote one. Closing it stops every proc it launched.
 */
public final class HostMesh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostMesh.class);

  /** Slack on top of the agent's own bounds before the client gives up waiting for it. */
  private static final Duration CLIENT_SLACK = Duration.ofSeconds(5);

  private final MonarchConfig config;
  private final ActorSystem<Void> system;
  private final List<ActorRef<Command>> agents;

  /** Where each agent is, for messages: {@code host:port}, or "this host". */
  private final List<String> agentNames;

  /** Agents that are gone (died, or cut off): nothing is sent to them any more. */
  private final java.util.Set<Integer> lost = ConcurrentHashMap.newKeySet();

  /** Whether the agents are this mesh's own (local) or serve other clients too (connect). */
  private final boolean ownsAgents;

  private final Requests requests;
  private final ActorRef<Object> receiver;
  private final Map<String, ProcMesh> meshes = new ConcurrentHashMap<>();

  /** Exits that arrived before their mesh was registered (a fast executable); guarded by meshes. */
  private final Map<String, List<ProcExited>> earlyExits = new java.util.HashMap<>();

  private volatile boolean closed;

  /** Closes this mesh if the JVM exits first; cancelled by close(). */
  private final Cancellable onExit;

  private HostMesh(
      MonarchConfig config,
      ActorSystem<Void> system,
      List<ActorRef<Command>> agents,
      List<String> agentNames,
      boolean ownsAgents) {
    this.config = config;
    this.system = system;
    this.agents = List.copyOf(agents);
    this.ownsAgents = ownsAgents;
    this.requests = new Requests(HostMesh::orphan);
    this.agentNames = List.copyOf(agentNames);
    this.receiver =
        system.systemActorOf(
            ClientReceiver.create(requests, this::procExited, this.agents, this::agentLost),
            ClientRuntime.uniqueName("client"),
            Props.empty());
    this.onExit = ClientRuntime.onExit(system, this::close);
  }

  /** One host: this machine, with its host agent running inside this JVM. */
  public static HostMesh local() {
    return local(MonarchConfig.fromEnvironment());
  }

  public static HostMesh local(MonarchConfig config) {
    ActorSystem<Void> system = ClientRuntime.system();
    BootstrapProcManager manager = new BootstrapProcManager(config, true);
    ActorRef<Command> agent =
        system.systemActorOf(
            HostAgent.create(manager), ClientRuntime.uniqueName("host-agent"), Props.empty());
    return new HostMesh(config, system, List.of(agent), List.of("this host"), true);
  }

  /**
   * The hosts of running agents ({@code monarch agent}), each {@code host:port} as the agent
   * printed it, reached within 10 s (MONARCH_CONNECT_TIMEOUT_MS) or not at all. Keys for TLS come
   * from MONARCH_TLS_DIR.
   *
   * @throws MeshException naming every agent it could not reach, and why
   */
  public static HostMesh connect(List<String> agents) {
    return connect(agents, MonarchConfig.fromEnvironment());
  }

  /** As {@link #connect(List)}, with the TLS keys and client address of {@code config}. */
  public static HostMesh connect(List<String> agents, MonarchConfig config) {
    if (agents == null || agents.isEmpty()) {
      throw new IllegalArgumentException("connect needs at least one agent, as host:port");
    }
    List<java.net.InetSocketAddress> addresses = agents.stream().map(AgentLocator::parse).toList();
    try {
      if (config.tlsDir() != null) {
        ArteryConfig.checkTlsDir(config.tlsDir());
      }
      String bind =
          config.clientAddress() != null
              ? config.clientAddress()
              : AgentLocator.routeTo(addresses.get(0));
      ActorSystem<Void> system = ClientRuntime.remoteSystem(bind, config.tlsDir());
      return new HostMesh(
          config,
          system,
          AgentLocator.locate(system, addresses, config.connectTimeout()),
          agents,
          false);
    } catch (java.io.IOException e) {
      throw new MeshException(e.getMessage(), e);
    }
  }

  ActorSystem<Void> system() {
    return system;
  }

  public int hostCount() {
    return agents.size();
  }

  MonarchConfig config() {
    return config;
  }

  Requests requests() {
    return requests;
  }

  List<ActorRef<Command>> agents() {
    return agents;
  }

  /**
   * Launches procs on every host: {@code Map.of("gpus", 4)} starts 4 per host, in parallel, and
   * returns when all of them are ready. Ranks are host-major: host h has ranks h*N .. h*N+N-1.
   */
  public ProcMesh spawnProcs(Map<String, Integer> perHost) {
    return spawnProcs(perHost, ProcCommand.actorHost());
  }

  /**
   * As {@link #spawnProcs(Map)}, with each proc running {@code command}: the actor host, a Java
   * main class, or any executable (which gets RANK, LOCAL_RANK, WORLD_SIZE and LOCAL_WORLD_SIZE).
   */
  public ProcMesh spawnProcs(Map<String, Integer> perHost, ProcCommand command) {
    return spawnProcs(perHost, command, LoggingOptions.defaults());
  }

  /**
   * As {@link #spawnProcs(Map, ProcCommand)}, with {@code logging} in force from the procs' first
   * byte (for procs that may finish before a later loggingOption call could reach them).
   */
  public ProcMesh spawnProcs(
      Map<String, Integer> perHost, ProcCommand command, LoggingOptions logging) {
    return spawnProcs(perHost, command, logging, MeshListener.logging());
  }

  /**
   * As {@link #spawnProcs(Map, ProcCommand, LoggingOptions)}, telling {@code listener} what happens
   * to the procs ({@link MeshEvent}) instead of logging it: from their start on, so a proc that
   * ends before this returns is heard of too.
   */
  public ProcMesh spawnProcs(
      Map<String, Integer> perHost,
      ProcCommand command,
      LoggingOptions logging,
      MeshListener listener) {
    if (command == null || logging == null || listener == null) {
      throw new IllegalArgumentException(
          "spawnProcs needs a command, logging options and a listener");
    }
    int perHostCount = perHostCount(perHost);
    ensureOpen();
    if (!lost.isEmpty()) {
      // ranks are host-major over every agent: a mesh without one would not be the one asked for
      List<String> gone = lost.stream().sorted().map(agentNames::get).toList();
      throw new MeshException(
          "cannot spawn procs: the host agent at "
              + String.join(", ", gone)
              + " is gone; connect again to the agents that are up");
    }
    String meshId = "m" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xffffffffL, 36);
    int worldSize = perHostCount * agents.size();
    ProcsCollector collector = new ProcsCollector(agents.size());
    ActorRef<Event> client = receiver.narrow();
    // The one LogClientActor of this mesh exists before the procs, so no line is ever early.
    OutputLedger ledger = new OutputLedger();
    ActorRef<LogClientMessage> logClient =
        config.enableLogForwarding()
            ? system.systemActorOf(
                LogClientActor.create(
                    System.out,
                    System.err,
                    logging.aggregateWindowSec(),
                    logging.similarity() != null ? logging.similarity() : config.aggregateRule(),
                    ledger),
                "log-client-" + meshId,
                LogForwardActor.DISPATCHER)
            : null;
    long id = requests.open(collector);
    for (int h = 0; h < agents.size(); h++) {
      agents
          .get(h)
          .tell(
              new AgentProtocol.SpawnProcs(
                  id,
                  meshId,
                  perHostCount,
                  h * perHostCount,
                  worldSize,
                  client,
                  logClient,
                  logging.streamToClient(),
                  logging.level(),
                  command.spec(),
                  config.procClasspath()));
    }
    List<ProcInfo> procs;
    try {
      procs =
          collector.future.get(
              config.procReadyTimeout().plus(CLIENT_SLACK).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      requests.cancel(id, e);
      stopOnAgents(meshId);
      if (logClient != null) {
        logClient.tell(new LogClientMessage.Shutdown());
      }
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      String message = "cannot spawn " + worldSize + " procs: " + cause.getMessage();
      throw cause instanceof ProcLaunchException l
          ? new ProcLaunchException(message, l.exitStatus(), cause)
          : new MeshException(message, cause);
    }
    EventDelivery events = new EventDelivery(listener, system.executionContext());
    if (logClient != null) {
      logClient.tell(new LogClientMessage.Attach(procs.stream().map(ProcInfo::forwarder).toList()));
    }
    ProcMesh mesh = new ProcMesh(this, meshId, procs, logClient, ledger, command, events);
    synchronized (meshes) {
      // in order: every start, then the ends that came early, then (once registered) the rest
      procs.forEach(
          p -> events.deliver(new MeshEvent.ProcStarted(p.rank(), p.pid(), p.hostname())));
      meshes.put(meshId, mesh);
      List<ProcExited> early = earlyExits.remove(meshId);
      if (early != null) {
        early.forEach(e -> mesh.procEnded(e.exit(), e.failure()));
      }
    }
    return mesh;
  }

  static int perHostCount(Map<String, Integer> perHost) {
    if (perHost == null || perHost.size() != 1) {
      throw new IllegalArgumentException(
          "spawnProcs expects exactly one per-host extent, such as Map.of(\"gpus\", 4); got "
              + perHost);
    }
    Map.Entry<String, Integer> e = perHost.entrySet().iterator().next();
    if (e.getValue() == null || e.getValue() < 1) {
      throw new IllegalArgumentException(
          "spawnProcs expects a positive proc count per host, such as Map.of(\"gpus\", 4); got "
              + e.getKey()
              + "="
              + e.getValue());
    }
    return e.getValue();
  }

  /** Stops a mesh's procs on every agent and waits for them, within the agents' stop bound. */
  void stopOnAgents(String meshId) {
    synchronized (meshes) {
      meshes.remove(meshId);
      earlyExits.remove(meshId);
    }
    List<ActorRef<Command>> live = liveAgents();
    StoppedCollector collector = new StoppedCollector(live.size());
    long id = requests.open(collector);
    for (ActorRef<Command> agent : live) {
      agent.tell(new AgentProtocol.StopProcs(id, meshId));
    }
    try {
      collector.future.get(stopWaitMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      requests.cancel(id, e);
      log.warn("procs of mesh {} did not confirm their stop in time: {}", meshId, e.toString());
    }
  }

  private static long stopWaitMillis() {
    return 5_000 + CLIENT_SLACK.toMillis();
  }

  /** The agents not lost, in order. */
  List<ActorRef<Command>> liveAgents() {
    List<ActorRef<Command>> live = new ArrayList<>();
    for (int h = 0; h < agents.size(); h++) {
      if (!lost.contains(h)) {
        live.add(agents.get(h));
      }
    }
    return live;
  }

  /**
   * Agent {@code h} is gone (on the receiver's thread): every proc it ran is reported failed, and
   * every call waiting on them fails, since neither the procs nor their answers can reach us.
   */
  private void agentLost(int h) {
    if (closed || !lost.add(h)) {
      return; // (our own close stops a local agent)
    }
    log.warn("lost the host agent at {}: its procs are reported failed", agentNames.get(h));
    synchronized (meshes) {
      for (ProcMesh mesh : List.copyOf(meshes.values())) {
        mesh.hostLost(h, agents.size(), agentNames.get(h));
      }
    }
  }

  private void procExited(ProcExited e) {
    synchronized (meshes) { // so that an early exit's replay and later ends keep their order
      ProcMesh mesh = meshes.get(e.meshId());
      if (mesh == null) {
        // bounded by the procs of meshes being spawned right now
        earlyExits.computeIfAbsent(e.meshId(), k -> new ArrayList<>()).add(e);
        return;
      }
      mesh.procEnded(e.exit(), e.failure());
    }
  }

  private static void orphan(Event e) {
    if (e instanceof RankReply r && r.failure() != null) {
      log.warn("a broadcast failed on rank {}: {}", r.rank(), r.failure().summary());
    }
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this HostMesh is closed");
    }
  }

  /** Stops every proc launched through this mesh, then its agents. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (ProcMesh mesh : List.copyOf(meshes.values())) {
      mesh.stop();
    }
    if (ownsAgents) {
      StoppedCollector collector = new StoppedCollector(agents.size());
      long id = requests.open(collector);
      for (ActorRef<Command> agent : agents) {
        agent.tell(new AgentProtocol.Shutdown(id, receiver.narrow()));
      }
      try {
        collector.future.get(stopWaitMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("host agents did not confirm their shutdown in time: {}", e.toString());
      }
    }
    requests.failAll(new IllegalStateException("the HostMesh was closed"));
    receiver.tell(ClientReceiver.Stop.INSTANCE);
    onExit.cancel();
  }

  /** Gathers ProcsReady from every host. */
  private static final class ProcsCollector implements Requests.Collector {
    final CompletableFuture<List<ProcInfo>> future = new CompletableFuture<>();
    private final List<ProcInfo> procs = new ArrayList<>();
    private int hostsLeft;

    ProcsCollector(int hosts) {
      this.hostsLeft = hosts;
    }

    @Override
    public boolean accept(Event e) {
      if (e instanceof ProcsFailed f) {
        future.completeExceptionally(
            f.launchStatus() != 0
                ? new ProcLaunchException(f.message(), f.launchStatus(), null)
                : new MeshException(f.message()));
        return true;
      }
      if (e instanceof ProcsReady r) {
        procs.addAll(r.procs());
        if (--hostsLeft == 0) {
          procs.sort(Comparator.comparingInt(ProcInfo::rank));
          future.complete(List.copyOf(procs));
          return true;
        }
      }
      return false;
    }

    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  /** Counts ProcsStopped from every host. */
  private static final class StoppedCollector implements Requests.Collector {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private int hostsLeft;

    StoppedCollector(int hosts) {
      this.hostsLeft = hosts;
    }

    @Override
    public boolean accept(Event e) {
      if (e instanceof AgentProtocol.ProcsStopped && --hostsLeft == 0) {
        future.complete(null);
        return true;
      }
      return false;
    }

    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }
}
