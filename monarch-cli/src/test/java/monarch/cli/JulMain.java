package monarch.cli;

import java.util.logging.Logger;

/** A main class that logs through java.util.logging first thing, for `monarch run --level`. */
public final class JulMain {
  public static void main(String[] args) {
    Logger log = Logger.getLogger("monarch.cli.test");
    log.warning("warning at start");
    log.severe("severe at start");
  }
}
