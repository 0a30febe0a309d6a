package monarch.internal.channel;

import java.io.PrintWriter;
import java.io.StringWriter;

/** An exception that happened in a proc, as text: its class, message and stack trace. */
public record RemoteFailure(String type, String message, String stackTrace) {

  public static RemoteFailure of(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    return new RemoteFailure(t.getClass().getName(), String.valueOf(t.getMessage()), sw.toString());
  }

  /** {@code "java.lang.IllegalStateException: boom"}, as Throwable.toString() would say. */
  public String summary() {
    return message == null || message.equals("null") ? type : type + ": " + message;
  }
}
