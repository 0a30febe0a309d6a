package monarch.internal.channel;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * CBOR for endpoint arguments and results. The sender writes values without type information;
 * the receiver decodes them with the declared Java types of the endpoint (the proc for arguments,
 * the client for results), so only the endpoint name and plain values cross the wire.
 */
public final class ValueCodec {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(new CBORFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final byte[] NO_ARGS = encodeUnchecked(new Object[0]);

  private ValueCodec() {}

  public static byte[] encodeArgs(Object... args) {
    if (args.length == 0) {
      return NO_ARGS;
    }
    try {
      return MAPPER.writeValueAsBytes(args);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode arguments as CBOR: " + e.getMessage(), e);
    }
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

  public static byte[] encodeValue(Object value) throws IOException {
    return MAPPER.writeValueAsBytes(value);
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
