package monarch.internal.channel;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * One end of a proc channel: a connected Unix socket that reads and writes whole frames. One thread
 * reads: blocking ({@link #read()}, a proc's own end) or, on a socket in non-blocking mode that a
 * selector serves (an agent's end), whatever has arrived ({@link #readAvailable}). Any thread may
 * write; writes are serialized, so frames never interleave, and on a non-blocking socket a full
 * buffer makes the writer wait for room, never the reader. It uses the SocketChannel directly: JDK
 * 17's Channels.newInputStream/newOutputStream hold one lock across a blocking read, which would
 * stall every writer.
 */
public final class FrameChannel implements Closeable {
  /** The longest a writer waits for a proc to take bytes off a full channel. */
  static final long WRITE_TIMEOUT_MILLIS = 5_000;

  /** Reused read buffer; a frame larger than this gets a one-off buffer of exactly its size. */
  private static final int READ_BUFFER = 64 * 1024;

  private final SocketChannel socket;
  private final ByteBuffer header = ByteBuffer.allocate(FrameCodec.HEADER);
  private final byte[] body = new byte[READ_BUFFER];
  private final Object writeLock = new Object();

  /** A frame being read by readAvailable: its length once the header is in, else -1. */
  private int pendingLength = -1;

  private ByteBuffer pendingBody;

  /** Where a writer waits for room on a non-blocking socket; opened the first time it must. */
  private volatile Selector writable;

  public FrameChannel(SocketChannel socket) {
    this.socket = socket;
  }

  /**
   * Reads, from a non-blocking socket, whatever has arrived, handing each complete frame to {@code
   * frames}; a frame cut short waits for the rest. False at a clean end of stream (the peer closed
   * between frames).
   */
  public boolean readAvailable(Consumer<ProcFrame> frames) throws IOException {
    while (true) {
      if (pendingLength < 0) {
        if (socket.read(header) < 0) {
          if (header.position() == 0) {
            return false;
          }
          throw new EOFException("proc channel closed in the middle of a frame");
        }
        if (header.hasRemaining()) {
          return true;
        }
        pendingLength = FrameCodec.checkLength(header.flip().getInt());
        header.clear();
        pendingBody =
            pendingLength <= body.length
                ? ByteBuffer.wrap(body, 0, pendingLength)
                : ByteBuffer.allocate(pendingLength);
      }
      if (socket.read(pendingBody) < 0) {
        throw new EOFException("proc channel closed in the middle of a frame");
      }
      if (pendingBody.hasRemaining()) {
        return true;
      }
      ProcFrame frame = FrameCodec.decode(pendingBody.array(), 0, pendingLength);
      pendingLength = -1;
      pendingBody = null;
      frames.accept(frame);
    }
  }

  /** The next frame, or null at a clean end of stream (the peer closed between frames). */
  public ProcFrame read() throws IOException {
    header.clear();
    if (!fill(header, true)) {
      return null;
    }
    int length = FrameCodec.checkLength(header.flip().getInt());
    byte[] target = length <= body.length ? body : new byte[length];
    fill(ByteBuffer.wrap(target, 0, length), false);
    return FrameCodec.decode(target, 0, length);
  }

  public void write(ProcFrame frame) throws IOException {
    ByteBuffer buf = FrameCodec.encode(frame);
    synchronized (writeLock) {
      while (buf.hasRemaining()) {
        if (socket.write(buf) == 0) {
          awaitRoom();
        }
      }
    }
  }

  /** Fills buf; false if the stream ended before the first byte and that is allowed. */
  private boolean fill(ByteBuffer buf, boolean eofAllowedAtStart) throws IOException {
    boolean first = true;
    while (buf.hasRemaining()) {
      if (socket.read(buf) < 0) {
        if (first && eofAllowedAtStart) {
          return false;
        }
        throw new EOFException("proc channel closed in the middle of a frame");
      }
      first = false;
    }
    return true;
  }

  /**
   * On a non-blocking socket whose buffer is full: waits until it takes bytes again, for at most
   * {@link #WRITE_TIMEOUT_MILLIS}: a proc that stopped reading its channel (frozen, stopped with
   * SIGSTOP) fails the write instead of holding the writer (a stop, an actor) forever.
   */
  private void awaitRoom() throws IOException {
    if (writable == null) {
      writable = Selector.open();
      socket.register(writable, SelectionKey.OP_WRITE);
    }
    int ready;
    try {
      ready = writable.select(WRITE_TIMEOUT_MILLIS);
      writable.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      throw new ClosedChannelException(); // close() meanwhile
    }
    if (!socket.isOpen()) {
      throw new ClosedChannelException();
    }
    if (ready == 0) {
      close(); // half a frame is out: the channel can carry nothing more
      throw new IOException(
          "the proc has not read its channel for " + WRITE_TIMEOUT_MILLIS + " ms");
    }
  }

  public boolean isOpen() {
    return socket.isOpen();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    Selector w = writable;
    if (w != null) {
      w.close(); // (wakes a writer waiting for room)
    }
  }
}
