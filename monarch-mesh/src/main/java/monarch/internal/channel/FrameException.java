package monarch.internal.channel;

import java.io.IOException;

/** A frame that cannot be encoded or decoded: too large, wrong version, or not a frame at all. */
public final class FrameException extends IOException {
  public FrameException(String message) {
    super(message);
  }

  public FrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
