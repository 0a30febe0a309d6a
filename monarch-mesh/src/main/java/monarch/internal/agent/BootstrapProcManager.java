package monarch.internal.agent;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import monarch.config.MonarchConfig;
import monarch.internal.capture.FileAppender;
import monarch.internal.capture.LocalLogSender;
import monarch.internal.capture.ReadWatch;
import monarch.internal.channel.ProcFrame;
import monarch.internal.channel.SocketDirectory;
import monarch.internal.launch.Executables;
import monarch.internal.launch.ProcLauncher;
import monarch.internal.launch.ProcReaper;
import monarch.internal.launch.StdioFifos;
import monarch.internal.proc.ProcEnv;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcInfo;
import monarch.internal.protocol.LogForwardMessage;
import monarch.internal.protocol.ProcSpec;
import monarch.logging.LogLevel;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches and owns the procs of one host: serves each proc's channel socket before starting it,
 * pipes its stdio, routes requests to it and tears it down, gracefully and then by force within
 * {@link #STOP_BOUND_MILLIS}. Thread-safe; never blocks its caller except in {@link #close()}. It
 * knows nothing of Pekko: the HostAgent actor fronts it.
 */
public final class BootstrapProcManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BootstrapProcManager.class);

  /** Batches of one proc between its tees and the client: the data path's memory bound per proc. */
  static final int IN_FLIGHT_BATCHES = 32;

  /**
   * Creates a proc's LogForwardActor; called on the agent's thread, before the proc's tees start.
   */
  @FunctionalInterface
  public interface ForwarderFactory {
    ActorRef<LogForwardMessage> create(
        LogForwardActor.Origin origin, LocalLogSender sender, LogForwardActor.ProcControl proc);
  }

  /** Graceful stop (Stop frame), then SIGTERM, then SIGKILL: each phase gets a share of this. */
  static final long STOP_BOUND_MILLIS = 5_000;

  private static final long GRACE_MILLIS = 3_000;
  private static final long TERM_MILLIS = 1_000;

  private final MonarchConfig config;
  private final boolean local;
  private final String hostname;

  /**
   * Launchers by the class path their JVM procs run on, each with its CDS archive; at most {@link
   * #CLASSPATHS}, the least recently used going first.
   */
  private final Map<String, ProcLauncher> launchers =
      Collections.synchronizedMap(
          new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ProcLauncher> eldest) {
              return size() > CLASSPATHS;
            }
          });

  static final int CLASSPATHS = 8;

  /** Where the log directory is a per-user path under (java.io.tmpdir), or null (see files()). */
  private final Path logDirShared;

  private final Map<String, List<ProcHandle>> meshes = new ConcurrentHashMap<>();
  private volatile Path socketDir;

  /** Started with the first proc; signals procs' groups, and stops them if this JVM dies first. */
  private ProcReaper reaper;

  /** The threads every proc of this host shares: its channels, its ends, its tees' retries. */
  private final ChannelHub hub;

  /** Threads only while procs end (each end waits up to 2 s for an exit status and last lines). */
  private final ExecutorService finisher =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          2,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          daemons("monarch-proc-end"));

  private final ScheduledExecutorService teeRetries =
      Executors.newSingleThreadScheduledExecutor(daemons("monarch-tee-retry"));
  private final ProcHandle.Plumbing plumbing;
  private volatile boolean closed;

  /**
   * @param local whether this agent runs inside the client: files are then written only when
   *     HYPERACTOR_FORCE_FILE_LOG says so. Either way the tees keep quiet on the host console while
   *     the client prints the lines: a local agent's console is the client's terminal, and a
   *     standalone one's stdout (often a pipe or a journal nobody reads) would only slow every proc
   *     down, or block them; its files keep every line.
   */
  public BootstrapProcManager(MonarchConfig config, boolean local) {
    this(config, local, localHostname());
  }

  /**
   * @param hostname this host's name in its procs' lines and files
   */
  public BootstrapProcManager(MonarchConfig config, boolean local, String hostname) {
    this.config = config;
    this.local = local;
    this.hostname = hostname;
    // The default, ${java.io.tmpdir}/<user>/monarch, could have been made by another user first;
    // a directory chosen by name is the user's to vouch for.
    this.logDirShared =
        config.logDir().equals(MonarchConfig.defaults().logDir())
            ? Paths.get(System.getProperty("java.io.tmpdir"))
            : null;
    try {
      this.hub = new ChannelHub();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot serve proc channels: " + e.getMessage(), e);
    }
    this.plumbing = new ProcHandle.Plumbing(hub, finisher, teeRetries);
  }

  private static ThreadFactory daemons(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public String hostname() {
    return hostname;
  }

  /**
   * The class path of this host's JVM procs: this agent's MONARCH_PROC_CLASSPATH when it sets one
   * (one that is not its own JVM's), else the client's {@code clientClasspath}, else this JVM's.
   */
  String procClasspath(String clientClasspath) {
    String own = config.procClasspath();
    boolean agentChose = !own.equals(System.getProperty("java.class.path"));
    return agentChose || clientClasspath == null || clientClasspath.isBlank()
        ? own
        : clientClasspath;
  }

  /**
   * Starts {@code count} JVM procs in parallel and completes when every one has dialed in. If any
   * fails to start, the others are stopped and the future fails with what went wrong. JVM procs run
   * on {@link #procClasspath}.
   */
  public CompletableFuture<List<ProcInfo>> spawn(
      String meshId,
      int count,
      int rankOffset,
      int worldSize,
      int level,
      ProcSpec spec,
      String clientClasspath,
      Consumer<Event> events,
      ForwarderFactory forwarders) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the host agent is stopped"));
    }
    List<ProcHandle> procs = new ArrayList<>(count);
    StdioFifos fifos = null;
    StdioFifos.Pair io = null; // a proc's FIFOs until its tees have them
    try {
      Path dir = socketDir();
      if (ReadWatch.works()) { // (else a tee could not tell when it may serve a request itself)
        try {
          fifos = StdioFifos.create(dir, meshId + "-" + rankOffset, count);
        } catch (IOException e) {
          log.debug(
              "no FIFOs ({}): the procs' output comes through the JDK's pipes, polled",
              e.toString());
        }
      }
      List<String> command =
          launchers
              .computeIfAbsent(
                  procClasspath(clientClasspath), cp -> ProcLauncher.forClasspath(config, cp))
              .command(spec);
      Executables.Problem problem =
          spec instanceof ProcSpec.Executable e
              ? Executables.check(e.argv().get(0), System.getenv().getOrDefault("PATH", ""))
              : null;
      if (problem != null) {
        throw new Executables.CannotRun(problem);
      }
      for (int i = 0; i < count; i++) {
        int rank = rankOffset + i;
        // An executable never dials: it gets no channel, only its pipes and environment.
        Path sock = spec.hasChannel() ? dir.resolve(meshId + "-r" + rank + ".sock") : null;
        ServerSocketChannel server = null;
        if (sock != null) {
          server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          server.bind(UnixDomainSocketAddress.of(sock));
          Files.setPosixFilePermissions(sock, SocketDirectory.OWNER_ONLY_FILE);
        }
        // started first: if it cannot start, no proc is left running outside procs
        ProcReaper reaper = reaper();
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        new ProcEnv(
                rank,
                i,
                worldSize,
                count,
                sock == null ? null : sock.toString(),
                meshId + "/" + rank,
                hostname)
            .exportTo(pb.environment());
        pb.environment().remove(ProcEnv.LOG_LEVEL); // never the agent's own, if it has one
        if (spec.hasChannel() && level != LogLevel.INFO.value()) {
          // in force before a main class runs; INFO, the default, is left to the proc's own config
          pb.environment().put(ProcEnv.LOG_LEVEL, Integer.toString(level));
        }
        io = fifos == null ? null : fifos.open(i);
        if (io != null) {
          pb.redirectOutput(io.stdoutFile()).redirectError(io.stderrFile());
        }
        Process process;
        try {
          process = pb.start();
        } catch (IOException e) {
          if (server != null) {
            server.close();
          }
          throw new IOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        // in procs at once: whatever fails from here on, stopAll stops it
        reaper.watch(process.pid()); // the group's id: the proc leads it (ProcLauncher.SETSID)
        ProcHandle proc =
            new ProcHandle(rank, hostname, meshId, process, server, sock, events, spec, plumbing);
        procs.add(proc);
        if (io != null) {
          io.started();
        }
        startTees(proc, rank, process.pid(), forwarders, io);
        io = null; // the tees have it
      }
    } catch (IOException | RuntimeException e) {
      if (io != null) {
        io.close();
      }
      if (fifos != null) {
        fifos.discard();
      }
      stopAll(procs);
      return CompletableFuture.failedFuture(
          new IOException("cannot launch procs on " + hostname + ": " + e.getMessage(), e));
    }
    meshes.put(meshId, procs);
    CompletableFuture<?>[] ready =
        procs.stream().map(ProcHandle::ready).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(ready)
        .orTimeout(config.procReadyTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (ok, err) -> {
              if (err == null) {
                return procs.stream().map(p -> p.ready().join()).toList();
              }
              meshes.remove(meshId);
              CompletableFuture.runAsync(() -> stopAll(procs));
              Throwable cause =
                  err instanceof CompletionException && err.getCause() != null
                      ? err.getCause()
                      : err;
              String why =
                  cause instanceof java.util.concurrent.TimeoutException
                      ? "procs were not ready within "
                          + config.procReadyTimeout().toMillis()
                          + " ms"
                      : cause.getMessage();
              throw new CompletionException(
                  new IOException("cannot start procs on " + hostname + ": " + why, cause));
            });
  }

  private void startTees(
      ProcHandle proc, int rank, long pid, ForwarderFactory forwarders, StdioFifos.Pair io) {
    byte[] prefix =
        config.prefixWithRank() ? ("[" + rank + "] ").getBytes(StandardCharsets.UTF_8) : null;
    LocalLogSender sender = null;
    ActorRef<LogForwardMessage> forwarder = null;
    if (forwarders != null) {
      sender = new LocalLogSender(IN_FLIGHT_BATCHES, config.logPolicy(), prefix);
      forwarder = forwarders.create(new LogForwardActor.Origin(hostname, pid, rank), sender, proc);
      sender.attach(forwarder::tell);
    }
    proc.start(io, prefix, config.readLogBuffer(), sender, files(rank), forwarder);
  }

  private FileAppender files(int rank) {
    if (local && !config.forceFileLog()) {
      return null;
    }
    try {
      return FileAppender.create(config.logDir(), logDirShared, "rank" + rank, hostname);
    } catch (IOException e) {
      log.warn(
          "cannot create per-proc log files in {} ({}); streaming and the console go on"
              + " (MONARCH_LOG_DIR chooses another directory)",
          config.logDir(),
          e.toString());
      return null;
    }
  }

  /** Sets the log level of every JVM proc of the mesh; one RankReply per rank. */
  public void setLevel(String meshId, long requestId, int level, Consumer<Event> events) {
    broadcast(meshId, requestId, new ProcFrame.SetLevel(requestId, level), true, events);
  }

  /** Sends {@code frame} to every proc of the mesh; ranks that cannot answer get RankLost. */
  public void broadcast(
      String meshId, long requestId, ProcFrame frame, boolean tracked, Consumer<Event> events) {
    List<ProcHandle> procs = meshes.get(meshId);
    if (procs == null) {
      events.accept(
          new AgentProtocol.ProcsFailed(
              requestId,
              "no mesh "
                  + meshId
                  + " on "
                  + hostname
                  + " (it was stopped, or never started here)"));
      return;
    }
    for (ProcHandle p : procs) {
      p.request(requestId, frame, tracked);
    }
  }

  /**
   * Stops the mesh's procs within {@link #STOP_BOUND_MILLIS}; completes when all have exited, with
   * their forwarders (none when forwarding is off).
   */
  public CompletableFuture<List<ActorRef<LogForwardMessage>>> stop(String meshId) {
    List<ProcHandle> procs = meshes.remove(meshId);
    if (procs == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<ActorRef<LogForwardMessage>> forwarders =
        procs.stream().map(ProcHandle::forwarder).filter(java.util.Objects::nonNull).toList();
    return CompletableFuture.runAsync(
            () -> stopAll(procs),
            runnable -> {
              Thread t = new Thread(runnable, "monarch-stop-" + meshId);
              t.setDaemon(true);
              t.start();
            })
        .thenApply(ok -> forwarders);
  }

  private void stopAll(List<ProcHandle> procs) {
    stopProcesses(procs);
    // Every process of every proc's group has been killed; the tees read what they wrote to its
    // end. A pipe still open a moment later is held by a process that left the group (a
    // daemon), and is not the proc's: its tee ends at its first empty pipe (a tee still behind
    // a slow client reads everything first).
    try {
      CompletableFuture.allOf(
              procs.stream().map(ProcHandle::teesDone).toArray(CompletableFuture[]::new))
          .get(TERM_MILLIS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      procs.forEach(ProcHandle::endStreamsWhenEmpty);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      log.debug("a tee failed: {}", e.toString());
    }
    // The tees go on reading what the procs wrote last, for as long as the client takes it;
    // each closes its own file at its stream's end.
  }

  /**
   * Stops every process of every proc: the proc itself and whatever it started, including
   * background children whose parent is gone (they are in its process group) and those that left
   * the group but are still its descendants. A proc that already ended by itself still has its
   * group stopped: "the mesh ended" means nothing it started runs on.
   */
  private void stopProcesses(List<ProcHandle> procs) {
    boolean anyListens = false;
    for (ProcHandle p : procs) {
      anyListens |= p.requestStop();
    }
    if (anyListens) {
      awaitExit(procs, GRACE_MILLIS); // executables have no channel: they go straight to SIGTERM
    }
    // Descendants are collected before the signal: once a proc is gone they are no longer its.
    // Signals go through the ProcessHandle or the reaper: Process.destroy() also closes the
    // pipes, which would throw away what the proc wrote that the tees have not read yet.
    ProcReaper r = existingReaper();
    List<ProcessHandle> tree = new ArrayList<>();
    for (ProcHandle p : procs) {
      p.process().descendants().forEach(tree::add);
      if (r != null) {
        r.terminate(p.pid());
      }
      p.process().toHandle().destroy();
    }
    tree.forEach(ProcessHandle::destroy);
    awaitExit(procs, TERM_MILLIS);
    for (ProcHandle p : procs) {
      if (p.process().isAlive()) {
        log.warn("rank {} (pid {}) ignored SIGTERM; killing it", p.rank, p.pid());
        p.process().toHandle().destroyForcibly();
      }
      if (r != null) {
        r.kill(p.pid()); // what is left of its group, whether or not it heeded SIGTERM
        r.forget(p.pid());
      }
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    awaitExit(procs, STOP_BOUND_MILLIS - GRACE_MILLIS - TERM_MILLIS);
  }

  private static void awaitExit(List<ProcHandle> procs, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (ProcHandle p : procs) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !p.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized ProcReaper reaper() throws IOException {
    if (reaper == null) {
      reaper = ProcReaper.start();
    }
    return reaper;
  }

  private synchronized ProcReaper existingReaper() {
    return reaper;
  }

  /** Stops every mesh of this host (bounded) and removes the socket directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ProcHandle> all = new ArrayList<>();
    for (String id : List.copyOf(meshes.keySet())) {
      List<ProcHandle> procs = meshes.remove(id);
      if (procs != null) {
        all.addAll(procs);
      }
    }
    stopAll(all);
    synchronized (this) {
      if (reaper != null) {
        reaper.close();
      }
    }
    hub.close();
    teeRetries.shutdownNow();
    finisher.shutdown();
    Path dir = socketDir;
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        log.debug("cannot remove socket directory {}: {}", dir, e.toString());
      }
    }
  }

  private synchronized Path socketDir() throws IOException {
    if (socketDir == null) {
      socketDir = SocketDirectory.createAgentDirectory();
    }
    return socketDir;
  }

  private static String localHostname() {
    String env = System.getenv("HOSTNAME");
    return env != null && !env.isBlank() ? env : AgentServer.osHostname();
  }
}
