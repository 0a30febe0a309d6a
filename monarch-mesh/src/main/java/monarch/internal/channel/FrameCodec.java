package monarch.internal.channel;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Encodes and decodes proc-channel frames: a 4-byte big-endian length, one version byte, then the
 * frame as CBOR. The length covers the version byte and the body and may not exceed {@link
 * #MAX_FRAME_SIZE}, so a reader never allocates more than that for one frame. Stateless and
 * thread-safe; it never does I/O (see {@link FrameChannel}).
 */
public final class FrameCodec {
  public static final byte VERSION = 1;

  /** Upper bound of one frame: bounds a reader's buffer; a larger call argument is refused. */
  public static final int MAX_FRAME_SIZE = 16 * 1024 * 1024;

  static final int HEADER = 4;

  private static final ObjectMapper CBOR =
      new ObjectMapper(new CBORFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private FrameCodec() {}

  /** The whole frame, header included, ready to write. */
  public static ByteBuffer encode(ProcFrame frame) throws FrameException {
    byte[] body;
    try {
      body = CBOR.writeValueAsBytes(frame);
    } catch (IOException e) {
      throw new FrameException("cannot encode " + frame.getClass().getSimpleName() + ": " + e, e);
    }
    int length = body.length + 1;
    if (length > MAX_FRAME_SIZE) {
      throw new FrameException(
          frame.getClass().getSimpleName()
              + " frame of "
              + length
              + " bytes exceeds the proc channel's maximum of "
              + MAX_FRAME_SIZE
              + " bytes");
    }
    ByteBuffer buf = ByteBuffer.allocate(HEADER + length);
    buf.putInt(length).put(VERSION).put(body).flip();
    return buf;
  }

  /** Validates a frame length read from the header. */
  static int checkLength(int length) throws FrameException {
    if (length < 1 || length > MAX_FRAME_SIZE) {
      throw new FrameException(
          "malformed proc-channel frame: length " + length + " is outside 1.." + MAX_FRAME_SIZE);
    }
    return length;
  }

  /**
   * Decodes one whole frame as {@link #encode} returns it, header included, and moves the buffer's
   * position past it. For tools and benchmarks that hold frames in memory; {@link FrameChannel}
   * reads the header itself and decodes straight from its read buffer.
   */
  public static ProcFrame decode(ByteBuffer frame) throws FrameException {
    int start = frame.position();
    if (frame.remaining() < HEADER) {
      throw new FrameException(
          "truncated proc-channel frame: " + frame.remaining() + " bytes, no complete header");
    }
    int length = checkLength(frame.getInt(start));
    if (frame.remaining() - HEADER < length) {
      throw new FrameException(
          "truncated proc-channel frame: header says "
              + length
              + " bytes, "
              + (frame.remaining() - HEADER)
              + " follow");
    }
    ProcFrame decoded;
    if (frame.hasArray()) {
      decoded = decode(frame.array(), frame.arrayOffset() + start + HEADER, length);
    } else {
      byte[] body = new byte[length];
      frame.get(start + HEADER, body);
      decoded = decode(body, 0, length);
    }
    frame.position(start + HEADER + length);
    return decoded;
  }

  /** Decodes a frame from the {@code length} bytes (version byte first) at {@code buf[off]}. */
  static ProcFrame decode(byte[] buf, int off, int length) throws FrameException {
    if (buf[off] != VERSION) {
      throw new FrameException(
          "proc-channel protocol version "
              + buf[off]
              + " is not supported (this side speaks "
              + VERSION
              + "); are the agent and the proc from the same monarch build?");
    }
    try {
      return CBOR.readValue(buf, off + 1, length - 1, ProcFrame.class);
    } catch (IOException e) {
      throw new FrameException("malformed proc-channel frame: " + e.getMessage(), e);
    }
  }
}
