package monarch.internal.host;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import monarch.internal.channel.FrameChannel;
import monarch.internal.channel.FrameCodec;
import monarch.internal.channel.ProcFrame;
import monarch.internal.host.AgentProtocol.Event;
import monarch.internal.host.AgentProtocol.ProcExit;
import monarch.internal.host.AgentProtocol.ProcExited;
import monarch.internal.host.AgentProtocol.ProcInfo;
import monarch.internal.host.AgentProtocol.RankLost;
import monarch.internal.host.AgentProtocol.RankReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running proc as its host agent sees it: the process, its channel, and the requests it has
 * not answered yet. Its channel thread accepts the proc's dial, reads its frames and, when the
 * channel ends, waits for the exit status and answers every open request with RankLost, so no
 * caller waits on a dead proc. It never touches the proc's stdout/stderr pipes.
 */
final class ProcHandle {
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
  private volatile FrameChannel channel;
  private volatile boolean stopping;

  ProcHandle(int rank, String hostname, String meshId, Process process, ServerSocketChannel server,
      Path socketPath, Consumer<Event> events) {
    this.rank = rank;
    this.hostname = hostname;
    this.meshId = meshId;
    this.process = process;
    this.server = server;
    this.socketPath = socketPath;
    this.events = events;
    Thread t = new Thread(this::serveChannel, "monarch-proc-" + meshId + "-r" + rank);
    t.setDaemon(true);
    t.start();
    // A proc that dies before it dials must not leave accept() waiting forever.
    process.onExit().thenRun(() -> {
      if (!ready.isDone()) {
        closeQuietly(server);
      }
    });
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

  private ProcExit exitOrUnknown() {
    return exited.getNow(new ProcExit(rank, pid(), hostname, -1, List.of()));
  }

  /** Asks the proc to exit; see BootstrapProcManager.stop for the forced part. */
  void requestStop() {
    stopping = true;
    FrameChannel ch = channel;
    if (ch != null) {
      try {
        ch.write(new ProcFrame.Stop());
      } catch (IOException e) {
        // already gone
      }
    }
  }

  boolean stopping() {
    return stopping;
  }

  private void serveChannel() {
    try {
      FrameChannel ch = new FrameChannel(server.accept());
      closeQuietly(server);
      Files.deleteIfExists(socketPath);
      ProcFrame first = ch.read();
      if (!(first instanceof ProcFrame.Hello hello) || hello.protocolVersion() != FrameCodec.VERSION) {
        throw new IOException("rank " + rank + " did not announce itself correctly: " + first);
      }
      channel = ch;
      ready.complete(new ProcInfo(rank, process.pid(), hostname));
      ProcFrame frame;
      while ((frame = ch.read()) != null) {
        if (frame instanceof ProcFrame.Reply r) {
          if (open.remove(r.requestId()) || r.failure() != null) {
            events.accept(new RankReply(r.requestId(), rank, r.value(), r.failure()));
          }
        } else {
          log.warn("rank {} sent an unexpected {} frame; ignored", rank, frame.getClass().getSimpleName());
        }
      }
    } catch (IOException e) {
      if (!ready.isDone()) {
        ready.completeExceptionally(e);
      } else if (!stopping) {
        log.warn("channel of rank {} failed: {}", rank, e.getMessage());
      }
    } finally {
      closeQuietly(server);
      FrameChannel ch = channel;
      if (ch != null) {
        closeQuietly(ch);
      }
      finish();
    }
  }

  /** The channel is over: learn the exit status, answer open requests, report the exit. */
  private void finish() {
    int status;
    try {
      status = process.waitFor(EXIT_STATUS_WAIT_MILLIS, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = -1;
    }
    ProcExit exit = new ProcExit(rank, process.pid(), hostname, status, List.of());
    exited.complete(exit);
    if (!ready.isDone()) {
      ready.completeExceptionally(new IOException(
          "rank " + rank + " (pid " + process.pid() + ") exited with status " + status
              + " before it was ready"));
    }
    for (Long id : open) {
      if (open.remove(id)) {
        events.accept(new RankLost(id, exit));
      }
    }
    if (!stopping && ready.isDone() && !ready.isCompletedExceptionally()) {
      log.warn("proc rank {} (pid {}) on {} exited unexpectedly with {}", rank, process.pid(),
          hostname, describeStatus(status));
      events.accept(new ProcExited(meshId, exit));
    }
  }

  static String describeStatus(int status) {
    if (status > 128 && status < 128 + 65) {
      return "status " + status + " (killed by signal " + (status - 128) + ")";
    }
    return status < 0 ? "an unknown status" : "status " + status;
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
