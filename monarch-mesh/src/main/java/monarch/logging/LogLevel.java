package monarch.logging;

/**
 * Log levels with Python's numbers, as the seeds use them. A level filters as Python would: a proc
 * at level n shows records of level n and above, so FATAL (50) hides ERROR (40).
 */
public enum LogLevel {
  DEBUG(10),
  INFO(20),
  WARNING(30),
  ERROR(40),
  FATAL(50);

  private final int value;

  LogLevel(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** CRITICAL is Python's other name for FATAL. */
  public static final LogLevel CRITICAL = FATAL;

  /** The level with this number, or an IllegalArgumentException listing the known ones. */
  public static LogLevel of(int value) {
    for (LogLevel l : values()) {
      if (l.value == value) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "no log level "
            + value
            + " (known: 10 DEBUG, 20 INFO, "
            + "30 WARNING, 40 ERROR, 50 FATAL; any number in 0..255 is accepted where a level is set)");
  }

  /** Checks a level number as set_mode takes it. */
  public static int check(int level) {
    if (level < 0 || level > 255) {
      throw new IllegalArgumentException(
          "level must be in 0..255 (Python's numbers: 10 DEBUG, "
              + "20 INFO, 30 WARNING, 40 ERROR, 50 FATAL), got "
              + level);
    }
    return level;
  }
}
