package monarch.internal.agent;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import monarch.internal.capture.FileAppender;
import monarch.internal.capture.LocalLogSender;
import monarch.internal.capture.StreamForwarder;
import monarch.internal.channel.FrameChannel;
import monarch.internal.channel.FrameCodec;
import monarch.internal.channel.FrameException;
import monarch.internal.channel.ProcFrame;
import monarch.internal.channel.RemoteFailure;
import monarch.internal.launch.StdioFifos;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcExit;
import monarch.internal.protocol.AgentProtocol.ProcExited;
import monarch.internal.protocol.AgentProtocol.ProcInfo;
import monarch.internal.protocol.AgentProtocol.RankLost;
import monarch.internal.protocol.AgentProtocol.RankReply;
import monarch.internal.protocol.LogForwardMessage;
import monarch.internal.protocol.ProcSpec;
import monarch.logging.OutputTarget;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running proc as its host agent sees it: the process, its channel, its two tees, and the
 * requests it has not answered yet. The agent's {@link ChannelHub} serves its channel (the proc's
 * dial, its frames); when the channel ends, or an executable exits, it learns the exit status and
 * the tees' last lines (off the hub's thread) and answers every open request with RankLost, so no
 * caller waits on a dead proc. It is also the forwarder's {@link LogForwardActor.ProcControl}:
 * flush the proc's buffers, drain both tees. Its only threads of its own are the two tees.
 */
final class ProcHandle implements LogForwardActor.ProcControl {
  private static final Logger log = LoggerFactory.getLogger(ProcHandle.class);

  /** After the channel closes, how long to wait for the exit status before reporting anyway. */
  private static final long EXIT_STATUS_WAIT_MILLIS = 2_000;

  final int rank;
  final String hostname;
  private final String meshId;
  private final Process process;
  private final ServerSocketChannel server;
  private final Path socketPath;
  private final Consumer<Event> events;
  private final CompletableFuture<ProcInfo> ready = new CompletableFuture<>();
  private final CompletableFuture<ProcExit> exited = new CompletableFuture<>();
  private final Set<Long> open = ConcurrentHashMap.newKeySet();

  /** The agent's own requests to the proc (flush, ...), by negative id. */
  private final Map<Long, CompletableFuture<ProcFrame.Reply>> local = new ConcurrentHashMap<>();

  private final AtomicLong localIds = new AtomicLong();
  private final List<StreamForwarder> tees = new ArrayList<>(2);
  private volatile ActorRef<LogForwardMessage> forwarder;
  private volatile FrameChannel channel;
  private volatile boolean stopping;

  /** Whether exit status 0 is this proc's success (a main class, an executable). */
  private final ProcSpec spec;

  /** What a proc's handle shares with the others of its host: the threads that serve them all. */
  record Plumbing(ChannelHub hub, Executor finisher, ScheduledExecutorService teeRetries) {}

  private final Plumbing plumbing;

  /** {@code server} is null for an executable: it never dials, and is ready once started. */
  ProcHandle(
      int rank,
      String hostname,
      String meshId,
      Process process,
      ServerSocketChannel server,
      Path socketPath,
      Consumer<Event> events,
      ProcSpec spec,
      Plumbing plumbing) {
    this.plumbing = plumbing;
    this.spec = spec;
    this.rank = rank;
    this.hostname = hostname;
    this.meshId = meshId;
    this.process = process;
    this.server = server;
    this.socketPath = socketPath;
    this.events = events;
  }

  /**
   * Starts the tees on the proc's stdout and stderr and serves its channel. The tees write to the
   * files and the sender (either may be null) and to the host console, except what they stream (the
   * client prints that). {@code io}: the agent's own FIFOs the proc writes, whose tees may block in
   * a read (StreamForwarder); null for the JDK's pipes.
   */
  void start(
      StdioFifos.Pair io,
      byte[] prefix,
      int batchLines,
      LocalLogSender sender,
      FileAppender files,
      ActorRef<LogForwardMessage> forwarder) {
    this.forwarder = forwarder;
    String name = meshId + "-r" + rank;
    tees.add(
        new StreamForwarder(
                "monarch-stdout-" + name,
                io == null ? process.getInputStream() : io.stdout(),
                OutputTarget.STDOUT,
                prefix,
                batchLines,
                process::isAlive,
                new StreamForwarder.Sinks(sender, files, System.out, true),
                io == null
                    ? null
                    : new StreamForwarder.Blocking(plumbing.teeRetries(), () -> io.wake(true)))
            .start());
    tees.add(
        new StreamForwarder(
                "monarch-stderr-" + name,
                io == null ? process.getErrorStream() : io.stderr(),
                OutputTarget.STDERR,
                prefix,
                batchLines,
                process::isAlive,
                new StreamForwarder.Sinks(sender, files, System.err, true),
                io == null
                    ? null
                    : new StreamForwarder.Blocking(plumbing.teeRetries(), () -> io.wake(false)))
            .start());
    if (io != null) {
      teesDone().whenComplete((ok, err) -> io.unlink());
    }
    if (server == null) {
      ready.complete(new ProcInfo(rank, process.pid(), hostname, forwarder));
      process.onExit().thenRunAsync(this::finish, plumbing.finisher());
      return;
    }
    plumbing.hub().serve(server, new Channel());
    // A proc that dies before it dials must not leave its socket waiting forever.
    process
        .onExit()
        .thenRun(
            () -> {
              if (!ready.isDone()) {
                plumbing.hub().abandon(server);
              }
            });
  }

  @Override
  public CompletableFuture<Void> flushStreams() {
    FrameChannel ch = channel;
    if (ch == null || exited.isDone()) {
      return CompletableFuture.completedFuture(null);
    }
    long id = -localIds.incrementAndGet();
    CompletableFuture<ProcFrame.Reply> reply = new CompletableFuture<>();
    local.put(id, reply);
    try {
      ch.write(new ProcFrame.FlushStreams(id));
    } catch (IOException e) {
      local.remove(id);
      return CompletableFuture.completedFuture(null);
    }
    return reply.handle((r, err) -> null);
  }

  @Override
  public void requestDrain(long version, boolean coversPartialLine) {
    for (StreamForwarder t : tees) {
      t.requestDrain(version, coversPartialLine);
    }
  }

  @Override
  public boolean failed() {
    return !process.isAlive()
        && !stopping
        && (!spec.runsToCompletion() || process.exitValue() != 0);
  }

  /**
   * The proc and its process group are gone (its mesh stopped): its tees end at their first empty
   * pipe, even where a daemon that left the group still holds it open.
   */
  void endStreamsWhenEmpty() {
    tees.forEach(StreamForwarder::endWhenEmpty);
  }

  /** Completes when both tees have reached the end of their streams. */
  CompletableFuture<Void> teesDone() {
    return CompletableFuture.allOf(
        tees.stream().map(StreamForwarder::done).toArray(CompletableFuture[]::new));
  }

  ActorRef<LogForwardMessage> forwarder() {
    return forwarder;
  }

  /** The last lines of stdout then stderr, each marked with its stream. */
  List<String> lastLines() {
    List<String> out = new ArrayList<>();
    for (StreamForwarder t : tees) {
      for (String line : t.peek()) {
        out.add("[" + t.target().name().toLowerCase() + "] " + line);
      }
    }
    return out;
  }

  CompletableFuture<ProcInfo> ready() {
    return ready;
  }

  CompletableFuture<ProcExit> exited() {
    return exited;
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** Sends a request; if the proc is gone, answers it at once with RankLost. */
  void request(long requestId, ProcFrame frame, boolean tracked) {
    if (!spec.hasChannel()) {
      answerForExecutable(requestId, frame);
      return;
    }
    if (tracked) {
      open.add(requestId);
    }
    FrameChannel ch = channel;
    if (ch != null && !exited.isDone()) {
      try {
        ch.write(frame);
        // If the channel ended between the check and the write, the drain in
        // serveChannel may have missed this request: answer it here.
        if (exited.isDone() && open.remove(requestId)) {
          events.accept(new RankLost(requestId, exited.join()));
        }
        return;
      } catch (FrameException e) {
        // this frame cannot be sent at all (too large): that request fails, the channel is fine
        if (open.remove(requestId) || tracked) {
          events.accept(
              new RankReply(
                  requestId,
                  rank,
                  null,
                  RemoteFailure.of(new IllegalArgumentException(e.getMessage()))));
        }
        return;
      } catch (IOException e) {
        // falls through: the channel thread will see the end as well
        if (frame instanceof ProcFrame.Call || frame instanceof ProcFrame.SpawnActor) {
          log.debug("rank {}: write failed ({}); waiting for its exit", rank, e.toString());
        }
        if (!exited.isDone()) {
          return; // the drain in serveChannel answers it with the exit status
        }
      }
    }
    if (open.remove(requestId)) {
      events.accept(new RankLost(requestId, exitOrUnknown()));
    }
  }

  /** An executable has no runtime: levels do not apply (success), actors cannot run there. */
  private void answerForExecutable(long requestId, ProcFrame frame) {
    if (frame instanceof ProcFrame.SetLevel) {
      events.accept(new RankReply(requestId, rank, null, null));
    } else {
      events.accept(
          new RankReply(
              requestId,
              rank,
              null,
              new monarch.internal.channel.RemoteFailure(
                  UnsupportedOperationException.class.getName(),
                  "rank " + rank + " runs an executable, which hosts no actors",
                  "")));
    }
  }

  private ProcExit exitOrUnknown() {
    return exited.getNow(new ProcExit(rank, pid(), hostname, -1, List.of()));
  }

  /** Asks the proc to exit; false if it has no channel to hear it (an executable). */
  boolean requestStop() {
    stopping = true;
    FrameChannel ch = channel;
    if (ch != null) {
      try {
        ch.write(new ProcFrame.Stop());
      } catch (IOException e) {
        // already gone
      }
    }
    return ch != null;
  }

  boolean stopping() {
    return stopping;
  }

  /** The proc's side of its channel, as the hub serves it: a Hello first, then replies. */
  private final class Channel implements ChannelHub.Handler {
    private FrameChannel connected;

    @Override
    public void connected(FrameChannel ch) {
      connected = ch;
      try {
        Files.deleteIfExists(socketPath);
      } catch (IOException e) {
        log.debug("cannot remove {}: {}", socketPath, e.toString());
      }
    }

    @Override
    public void frame(ProcFrame frame) throws IOException {
      if (channel == null) {
        if (!(frame instanceof ProcFrame.Hello hello)
            || hello.protocolVersion() != FrameCodec.VERSION) {
          throw new IOException("rank " + rank + " did not announce itself correctly: " + frame);
        }
        channel = connected;
        ready.complete(new ProcInfo(rank, process.pid(), hostname, forwarder));
      } else if (frame instanceof ProcFrame.Reply r) {
        CompletableFuture<ProcFrame.Reply> mine =
            r.requestId() < 0 ? local.remove(r.requestId()) : null;
        if (mine != null) {
          mine.complete(r);
        } else if (open.remove(r.requestId()) || r.failure() != null) {
          events.accept(new RankReply(r.requestId(), rank, r.value(), r.failure()));
        }
      } else {
        log.warn(
            "rank {} sent an unexpected {} frame; ignored", rank, frame.getClass().getSimpleName());
      }
    }

    @Override
    public void ended(IOException cause) {
      if (cause != null) {
        if (!ready.isDone() && !process.isAlive()) {
          // it died before dialing: finish() says how it exited
        } else if (!ready.isDone()) {
          ready.completeExceptionally(cause);
        } else if (!stopping) {
          log.warn("channel of rank {} failed: {}", rank, cause.getMessage());
        }
      }
      closeQuietly(server);
      if (connected != null) {
        closeQuietly(connected);
      }
      plumbing.finisher().execute(ProcHandle.this::finish);
    }
  }

  /** The channel is over: learn the exit status, answer open requests, report the exit. */
  private void finish() {
    for (CompletableFuture<ProcFrame.Reply> f : local.values()) {
      f.complete(null);
    }
    local.clear();
    int status;
    try {
      status =
          process.waitFor(EXIT_STATUS_WAIT_MILLIS, TimeUnit.MILLISECONDS)
              ? process.exitValue()
              : -1;
      // the last lines are only known once the tees have read the pipes to their end
      teesDone().get(EXIT_STATUS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = process.isAlive() ? -1 : process.exitValue();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      status = process.isAlive() ? -1 : process.exitValue();
    }
    ProcExit exit = new ProcExit(rank, process.pid(), hostname, status, lastLines());
    exited.complete(exit);
    if (!ready.isDone()) {
      ready.completeExceptionally(
          new IOException(
              "rank "
                  + rank
                  + " (pid "
                  + process.pid()
                  + ") exited with status "
                  + status
                  + " before it was ready"));
    }
    for (Long id : open) {
      if (open.remove(id)) {
        events.accept(new RankLost(id, exit));
      }
    }
    if (!stopping && ready.isDone() && !ready.isCompletedExceptionally()) {
      boolean failure = !spec.runsToCompletion() || status != 0;
      if (failure) {
        // the client reports it to the user; this is the agent's own record
        log.info(
            "proc rank {} (pid {}) on {} exited unexpectedly with {}",
            rank,
            process.pid(),
            hostname,
            AgentProtocol.describeStatus(status));
      }
      events.accept(new ProcExited(meshId, exit, failure));
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
