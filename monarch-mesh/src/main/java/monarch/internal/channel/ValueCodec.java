package monarch.internal.channel;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * CBOR for endpoint arguments and results. The sender writes values without type information; the
 * receiver decodes them with the declared Java types of the endpoint (the proc for arguments, the
 * client for results), so only the endpoint name and plain values cross the wire. Encoded arguments
 * and results are held to {@link #MAX_ENCODED}, so a call always fits one frame.
 */
public final class ValueCodec {
  /**
   * The most a call's encoded arguments or result may take: a frame's limit less room for the
   * frame's own fields (names, ids), so that a value under it never makes a frame over it.
   */
  public static final int MAX_ENCODED = FrameCodec.MAX_FRAME_SIZE - 64 * 1024;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(new CBORFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final byte[] NO_ARGS = encodeUnchecked(new Object[0]);

  private ValueCodec() {}

  public static byte[] encodeArgs(Object... args) {
    if (args.length == 0) {
      return NO_ARGS;
    }
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(args);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode arguments as CBOR: " + e.getMessage(), e);
    }
    if (bytes.length > MAX_ENCODED) {
      throw new IllegalArgumentException(tooLarge("the arguments", bytes.length));
    }
    return bytes;
  }

  /** "the arguments: 17,000,000 bytes encoded, over the limit of ..." */
  static String tooLarge(String what, int bytes) {
    return String.format(
        "%s: %,d bytes encoded, over the limit of %,d bytes that a call's arguments "
            + "or its result may take (one proc-channel frame is at most %,d bytes)",
        what, bytes, MAX_ENCODED, FrameCodec.MAX_FRAME_SIZE);
  }

  /** Decodes an argument array; null if it does not hold exactly {@code types.length} values. */
  public static Object[] decodeArgs(byte[] bytes, Type[] types) throws IOException {
    JsonNode array = MAPPER.readTree(bytes);
    if (array == null || !array.isArray() || array.size() != types.length) {
      return null;
    }
    Object[] out = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      JavaType type = MAPPER.getTypeFactory().constructType(types[i]);
      out[i] = MAPPER.treeToValue(array.get(i), type);
    }
    return out;
  }

  /** The number of values in an encoded argument array. */
  public static int argCount(byte[] bytes) throws IOException {
    JsonNode array = MAPPER.readTree(bytes);
    return array != null && array.isArray() ? array.size() : -1;
  }

  /** A result as CBOR; an IllegalStateException naming the size and the limit if it is over it. */
  public static byte[] encodeValue(Object value) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(value);
    if (bytes.length > MAX_ENCODED) {
      throw new IllegalStateException(tooLarge("the result", bytes.length));
    }
    return bytes;
  }

  public static Object decodeValue(byte[] bytes, Type type) throws IOException {
    return MAPPER.readValue(bytes, MAPPER.getTypeFactory().constructType(type));
  }

  private static byte[] encodeUnchecked(Object[] args) {
    try {
      return MAPPER.writeValueAsBytes(args);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
