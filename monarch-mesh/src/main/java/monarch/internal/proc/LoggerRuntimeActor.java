package monarch.internal.proc;

import java.lang.reflect.Method;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The logging plane inside a JVM proc: sets the root level of java.util.logging always, and of
 * Logback or Log4j2 when they are on the proc's class path (found by reflection: no dependency on
 * either). Levels are Python's numbers: a level n shows records of n and above, so 50 (FATAL) hides
 * ERROR. It never touches the proc's stdout or stderr.
 */
final class LoggerRuntimeActor {
  /** Above SEVERE (= ERROR): what JUL needs to hide ERROR records at FATAL. */
  static final Level FATAL =
      new Level("FATAL", 1100) {
        private static final long serialVersionUID = 1L;
      };

  private LoggerRuntimeActor() {}

  static void setLevel(int level) {
    Level jul = julLevel(level);
    Logger root = Logger.getLogger("");
    root.setLevel(jul);
    for (Handler h : root.getHandlers()) {
      h.setLevel(jul);
    }
    setLogback(level);
    setLog4j2(level);
  }

  /** The lowest JUL level whose records Python would show at {@code level}. */
  static Level julLevel(int level) {
    if (level <= 0) return Level.ALL;
    if (level <= 10) return Level.FINE;
    if (level <= 20) return Level.INFO;
    if (level <= 30) return Level.WARNING;
    if (level <= 40) return Level.SEVERE;
    if (level <= 50) return FATAL;
    return Level.OFF;
  }

  static String logbackLevel(int level) {
    if (level <= 0) return "ALL";
    if (level <= 10) return "DEBUG";
    if (level <= 20) return "INFO";
    if (level <= 30) return "WARN";
    if (level <= 40) return "ERROR";
    return "OFF"; // Logback has no FATAL: hiding ERROR is what FATAL means here
  }

  static String log4j2Level(int level) {
    if (level <= 0) return "ALL";
    if (level <= 10) return "DEBUG";
    if (level <= 20) return "INFO";
    if (level <= 30) return "WARN";
    if (level <= 40) return "ERROR";
    if (level <= 50) return "FATAL";
    return "OFF";
  }

  private static void setLogback(int level) {
    try {
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level", false, cl);
      Class<?> factory = Class.forName("org.slf4j.LoggerFactory", true, cl);
      Object root = factory.getMethod("getLogger", String.class).invoke(null, "ROOT");
      if (!root.getClass().getName().equals("ch.qos.logback.classic.Logger")) {
        return;
      }
      Object lvl = levelClass.getMethod("toLevel", String.class).invoke(null, logbackLevel(level));
      root.getClass().getMethod("setLevel", levelClass).invoke(root, lvl);
    } catch (ClassNotFoundException absent) {
      // no Logback on this proc's class path
    } catch (ReflectiveOperationException | LinkageError e) {
      System.err.println("monarch proc: cannot set the Logback level: " + e);
    }
  }

  private static void setLog4j2(int level) {
    try {
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      Class<?> configurator =
          Class.forName("org.apache.logging.log4j.core.config.Configurator", false, cl);
      Class<?> levelClass = Class.forName("org.apache.logging.log4j.Level", true, cl);
      Object lvl = levelClass.getMethod("toLevel", String.class).invoke(null, log4j2Level(level));
      Method set = configurator.getMethod("setRootLevel", levelClass);
      set.invoke(null, lvl);
    } catch (ClassNotFoundException absent) {
      // no Log4j2 core on this proc's class path
    } catch (ReflectiveOperationException | LinkageError e) {
      System.err.println("monarch proc: cannot set the Log4j2 level: " + e);
    }
  }
}
