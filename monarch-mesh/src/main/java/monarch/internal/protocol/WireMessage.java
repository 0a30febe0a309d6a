package monarch.internal.protocol;

/**
 * Marks a message that may cross between JVMs (client and host agent) over Pekko Artery. Bound to
 * Pekko's Jackson CBOR serializer; Java serialization stays disabled.
 */
public interface WireMessage {}
