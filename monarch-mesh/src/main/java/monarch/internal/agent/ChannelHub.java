package monarch.internal.agent;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import monarch.internal.channel.FrameChannel;
import monarch.internal.channel.ProcFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the channels of a host agent's JVM procs on one thread, whatever their number: accepts
 * each proc's dial on its socket, reads frames as they arrive and hands each to its proc's {@link
 * Handler}, and says when a channel has ended. It wakes only when a socket has something; an idle
 * proc costs it nothing. Writes to a proc happen on the writers' own threads ({@link
 * FrameChannel}). A handler runs on this thread and must not block.
 */
final class ChannelHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChannelHub.class);

  /** What happens on one proc's channel. */
  interface Handler {
    /** The proc has dialed; {@code channel} is how to write to it. */
    void connected(FrameChannel channel);

    /** A frame from the proc. An exception ends the channel (as {@link #ended}). */
    void frame(ProcFrame frame) throws IOException;

    /**
     * The channel is over: the proc closed it ({@code cause} null), it broke or sent garbage, or
     * the socket was closed before the proc dialed. Called once, last.
     */
    void ended(IOException cause);
  }

  private final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  ChannelHub() throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "monarch-channels");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits for the proc's dial on {@code server}, then serves its channel; {@code server} is closed
   * after the dial.
   */
  void serve(ServerSocketChannel server, Handler handler) {
    onThread(
        () -> {
          try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT, new Waiting(server, handler));
          } catch (IOException | RuntimeException e) {
            handler.ended(e instanceof IOException io ? io : new IOException(e));
          }
        });
  }

  /**
   * The proc has exited: a dial of its that this thread has not taken yet is taken now (it may have
   * said Hello and ended at once, as a short main does); if it never dialed, its handler hears that
   * the channel ended.
   */
  void abandon(ServerSocketChannel server) {
    onThread(
        () -> {
          SelectionKey key = server.keyFor(selector);
          if (key != null && key.attachment() instanceof Waiting w) {
            accept(key, w);
            if (key.isValid()) { // nothing to take: it never dialed
              end(key, w.handler, new IOException("the proc did not dial its channel"));
              close(server);
            }
          }
        });
  }

  private void onThread(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private record Waiting(ServerSocketChannel server, Handler handler) {}

  private static final class Serving {
    final FrameChannel channel;
    final Handler handler;

    Serving(FrameChannel channel, Handler handler) {
      this.channel = channel;
      this.handler = handler;
    }
  }

  private void run() {
    try {
      while (!closed) {
        selector.select();
        for (Runnable t; (t = tasks.poll()) != null; ) {
          runSafely(t);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.attachment() instanceof Waiting w) {
            runSafely(() -> accept(key, w));
          } else if (key.attachment() instanceof Serving s) {
            runSafely(() -> read(key, s));
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.error(
            "the proc channels' thread failed; procs of this agent can no longer be reached", e);
      }
    }
  }

  /** One proc's bug (a handler that throws) must not end the serving of every other proc. */
  private static void runSafely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error(
          "a proc channel's handler failed; that proc's channel is now in an unknown state", e);
    }
  }

  private void accept(SelectionKey key, Waiting w) {
    SocketChannel socket = null;
    try {
      socket = w.server.accept();
      if (socket == null) {
        return;
      }
      key.cancel();
      close(w.server); // one proc, one dial
      socket.configureBlocking(false);
    } catch (IOException e) {
      if (socket != null) {
        close(socket);
      }
      end(key, w.handler, e);
      close(w.server);
      return;
    }
    FrameChannel channel = new FrameChannel(socket);
    try {
      socket.register(selector, SelectionKey.OP_READ, new Serving(channel, w.handler));
      w.handler.connected(channel);
    } catch (IOException e) {
      w.handler.ended(e);
      close(channel);
    }
  }

  private void read(SelectionKey key, Serving s) {
    try {
      if (!s.channel.readAvailable(
          frame -> {
            try {
              s.handler.frame(frame);
            } catch (IOException e) {
              throw new HandlerFailed(e);
            }
          })) {
        end(key, s.handler, null);
        close(s.channel);
      }
    } catch (HandlerFailed e) {
      end(key, s.handler, e.cause);
      close(s.channel);
    } catch (IOException e) {
      end(key, s.handler, e);
      close(s.channel);
    }
  }

  private static void end(SelectionKey key, Handler handler, IOException cause) {
    key.cancel();
    handler.ended(cause);
  }

  /** A handler's IOException on its way out of the frame callback. */
  private static final class HandlerFailed extends RuntimeException {
    final IOException cause;

    HandlerFailed(IOException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  private static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }

  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      thread.join(1_000);
      selector.close();
    } catch (IOException e) {
      log.debug("closing the channels' selector: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
