package monarch.mesh;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import monarch.actor.Actor;
import monarch.actor.Endpoint;

/**
 * An actor that writes: prints to stdout/stderr and logs through java.util.logging, Log4j2 and
 * SLF4J.
 */
public class Chatty extends Actor {
  private static final Logger JUL = Logger.getLogger(Chatty.class.getName());

  @Endpoint
  public void print(String s) {
    System.out.println(s);
  }

  /** The name of the host this proc runs on, as its agent knows it. */
  @Endpoint
  public String hostname() {
    return context().hostname();
  }

  /** {@code n} lines "s i", i = 0..n-1, as fast as the proc can write them. */
  @Endpoint
  public void printNumbered(String s, int n) {
    for (int i = 0; i < n; i++) {
      System.out.println(s + " " + i);
    }
  }

  @Endpoint
  public void printTimes(String s, int n) {
    for (int i = 0; i < n; i++) {
      System.out.println(s);
    }
  }

  @Endpoint
  public void printErr(String s) {
    System.err.println(s);
  }

  /** No newline: the barrier must still deliver it. */
  @Endpoint
  public void printPartial(String s) {
    System.out.print(s);
  }

  @Endpoint
  public void logError(String s) {
    JUL.severe(s);
  }

  @Endpoint
  public void logInfo(String s) {
    JUL.info(s);
  }

  @Endpoint
  public void log4jError(String s) {
    org.apache.logging.log4j.LogManager.getLogger(Chatty.class).error(s);
  }

  @Endpoint
  public void log4jFatal(String s) {
    org.apache.logging.log4j.LogManager.getLogger(Chatty.class).fatal(s);
  }

  /** Through whichever SLF4J binding the proc's class path has (Logback in LogbackLevelTest). */
  @Endpoint
  public void slf4jWarn(String s) {
    org.slf4j.LoggerFactory.getLogger(Chatty.class).warn(s);
  }

  @Endpoint
  public void slf4jError(String s) {
    org.slf4j.LoggerFactory.getLogger(Chatty.class).error(s);
  }

  @Endpoint
  public void printThenBlock(String s) throws InterruptedException {
    System.out.println(s);
    new CountDownLatch(1).await();
  }
}
