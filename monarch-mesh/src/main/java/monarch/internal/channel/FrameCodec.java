package monarch.internal.channel;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Encodes and decodes proc-channel frames: a 4-byte big-endian length, one version byte, then the
 * frame as CBOR. The length covers the version byte and the body and may not exceed
 * {@link #MAX_FRAME_SIZE}, so a reader never allocates more than that for one frame. Stateless
 * and thread-safe; it never does I/O (see {@link FrameChannel}).
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
          frame.getClass().getSimpleName() + " frame of " + length
              + " bytes exceeds the proc channel's maximum of " + MAX_FRAME_SIZE + " bytes");
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

  /** Decodes a frame from {@code length} bytes (version byte first) starting at buf's position. */
  static ProcFrame decode(byte[] buf, int length) throws FrameException {
    if (buf[0] != VERSION) {
      throw new FrameException(
          "proc-channel protocol version " + buf[0] + " is not supported (this side speaks "
              + VERSION + "); are the agent and the proc from the same monarch build?");
    }
    try {
      return CBOR.readValue(buf, 1, length - 1, ProcFrame.class);
    } catch (IOException e) {
      throw new FrameException("malformed proc-channel frame: " + e.getMessage(), e);
    }
  }
}
