package monarch.cli;

import java.util.Arrays;
import java.util.List;

/**
 * Reads one command's arguments left to right, the way mpirun and torchrun do: options ({@code -n
 * 4}, {@code -n4}, {@code --procs 4}, {@code --procs=4}, flags) up to the first operand or {@code
 * --}, then the operands verbatim, so a proc's own flags need no {@code --}. Owns only the reading;
 * it never prints or exits, and reports a bad argument as a {@link UsageException}. Public for
 * monarch-bench's mains, so that the CLI and the benchmarks read their command lines one way.
 */
public final class ArgReader {
  /** A bad command line: the message says which argument and why. Exit status 2. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  private final String[] args;
  private int next;

  /** The value glued to the last option ({@code --procs=4}, {@code -n4}), or null. */
  private String glued;

  public ArgReader(String[] args, int from) {
    this.args = args;
    this.next = from;
  }

  /**
   * The next option's name ({@code -n}, {@code --procs}), or null where the options end: at an
   * operand, after {@code --} (which is consumed), or at the end.
   */
  public String nextOption() {
    glued = null;
    if (next >= args.length) {
      return null;
    }
    String a = args[next];
    if (a.equals("--")) {
      next++;
      return null;
    }
    if (a.length() < 2 || a.charAt(0) != '-') {
      return null; // an operand ("-" alone too, as for stdin)
    }
    next++;
    if (a.startsWith("--")) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        return a;
      }
      glued = a.substring(eq + 1);
      return a.substring(0, eq);
    }
    if (a.length() > 2) {
      glued = a.substring(2);
    }
    return a.substring(0, 2);
  }

  /** The value of {@code option}: glued to it, or the next argument. */
  public String value(String option) {
    if (glued != null) {
      String v = glued;
      glued = null;
      return v;
    }
    if (next >= args.length) {
      throw new UsageException("option '" + option + "' needs a value");
    }
    return args[next++];
  }

  /** The value of {@code option} as an int at least {@code min}. */
  public int intValue(String option, int min) {
    return (int) number("option '" + option + "'", value(option), min, Integer.MAX_VALUE);
  }

  /** The value of {@code option} as a long at least {@code min}. */
  public long longValue(String option, long min) {
    return number("option '" + option + "'", value(option), min, Long.MAX_VALUE);
  }

  /**
   * {@code text} as a whole number in min..max; {@code what} names it in the error (an option, or
   * an operand such as {@code SAMPLES}).
   */
  public static long number(String what, String text, long min, long max) {
    try {
      long n = Long.parseLong(text.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        what + " takes a whole number of at least " + min + ", got '" + text + "'");
  }

  /**
   * Checks that the flag {@code option} was not given a value ({@code --no-prefix=yes}); true, so
   * that a caller can set its switch in one statement: {@code all = in.flag(o)}.
   */
  public boolean flag(String option) {
    if (glued != null) {
      throw new UsageException("option '" + option + "' takes no value, got '" + glued + "'");
    }
    return true;
  }

  /** What follows the options. */
  public List<String> operands() {
    return List.copyOf(Arrays.asList(args).subList(next, args.length));
  }

  public static UsageException unknown(String option) {
    return new UsageException("unknown option '" + option + "'");
  }
}
