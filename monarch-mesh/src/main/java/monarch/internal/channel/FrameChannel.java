package monarch.internal.channel;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One end of a proc channel: a connected Unix socket that reads and writes whole frames. One
 * thread reads; any thread may write (writes are serialized, so frames never interleave). It
 * uses the SocketChannel directly: JDK 17's Channels.newInputStream/newOutputStream hold one lock
 * across a blocking read, which would stall every writer.
 */
public final class FrameChannel implements Closeable {
  /** Reused read buffer; a frame larger than this gets a one-off buffer of exactly its size. */
  private static final int READ_BUFFER = 64 * 1024;

  private final SocketChannel socket;
  private final ByteBuffer header = ByteBuffer.allocate(FrameCodec.HEADER);
  private final byte[] body = new byte[READ_BUFFER];
  private final Object writeLock = new Object();

  public FrameChannel(SocketChannel socket) {
    this.socket = socket;
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
        socket.write(buf);
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

  public boolean isOpen() {
    return socket.isOpen();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
