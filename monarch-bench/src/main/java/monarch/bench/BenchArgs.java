package monarch.bench;

import java.util.List;
import java.util.function.Function;
import monarch.cli.ArgReader;
import monarch.cli.ArgReader.UsageException;

/**
 * How the benchmarks' mains read their command lines: with the CLI's {@link ArgReader}, so an
 * option takes the same forms ({@code --runs 3}, {@code --runs=3}), and a bad line is handled as
 * the CLI handles one (message and usage on stderr, exit status 2; {@code -h} prints the usage).
 * Owns only that; each main owns its options and what they mean.
 */
final class BenchArgs {
  private BenchArgs() {}

  /**
   * What {@code read} makes of {@code args}; it returns null for {@code -h}/{@code --help}. Exits
   * instead of returning after the help, or on a bad command line.
   */
  static <T> T readOrExit(String main, String usage, String[] args, Function<ArgReader, T> read) {
    T t;
    try {
      t = read.apply(new ArgReader(args, 0));
    } catch (UsageException e) {
      System.err.println(main + ": " + e.getMessage());
      System.err.print(usage);
      System.exit(2);
      throw e; // not reached
    }
    if (t == null) {
      System.out.print(usage);
      System.exit(0);
    }
    return t;
  }

  /** For a main that takes options only: fails at the first operand. */
  static void noOperands(ArgReader in) {
    if (!in.operands().isEmpty()) {
      throw new UsageException("takes no operands, got '" + in.operands().get(0) + "'");
    }
  }

  /**
   * For a main that takes operands only: its {@code min} to {@code max} operands, or null for
   * {@code -h}/{@code --help}.
   */
  static List<String> operands(ArgReader in, int min, int max) {
    String option = in.nextOption();
    if (option != null) {
      if (option.equals("-h") || option.equals("--help")) {
        return null;
      }
      throw ArgReader.unknown(option);
    }
    List<String> operands = in.operands();
    if (operands.size() < min || operands.size() > max) {
      throw new UsageException(
          "takes " + (min == max ? "" : min + " to ") + max + " operands, got " + operands.size());
    }
    return operands;
  }

  /** An operand as an int at least {@code min}; {@code name} says which in the error. */
  static int intOperand(String name, String value, int min) {
    return (int) ArgReader.number(name, value, min, Integer.MAX_VALUE);
  }
}
