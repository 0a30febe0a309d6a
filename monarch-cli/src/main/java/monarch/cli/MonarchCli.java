package monarch.cli;

import org.slf4j.LoggerFactory;

/**
 * The {@code monarch} command: the entry point of bin/monarch. Owns dispatch to the subcommands and
 * exit statuses (0 ok, 1 an internal error, 2 a bad command line); the work itself lives in the
 * subcommands.
 *
 * <p>Arguments are read by {@link ArgReader}, not a library: the parsing is a few lines, and a
 * library's start-up (reflection over annotations, classes the JVM's class-data archive cannot
 * hold) cost every command about 0.13 s of its 0.8 s.
 */
public final class MonarchCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE_ERROR = 2;

  static final String USAGE =
      """
      Usage: monarch [-h] [-V] COMMAND [ARGS...]
      Launch a mesh of procs and stream their output back, in order, per proc.
        -h, --help      show this help and exit
        -V, --version   print the version and exit
      Commands:
        run    run COMMAND in N procs on this host and stream their output, in order, per proc
        demo   run a fake training job on a local mesh and watch its logs stream and aggregate
        agent  run a host agent that clients on other machines launch procs through
        keygen make the TLS keys that agents and clients on a network share
        aggregate  group the lines of log files (or stdin) the way run aggregates them
        help   show the help of a command: monarch help run
      """;

  private MonarchCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    String command = args.length == 0 ? "help" : args[0];
    try {
      switch (command) {
        case "run" -> {
          RunCommand run = RunCommand.parse(new ArgReader(args, 1));
          return run == null ? OK : run.call();
        }
        case "demo" -> {
          DemoCommand demo = DemoCommand.parse(new ArgReader(args, 1));
          return demo == null ? OK : demo.call();
        }
        case "agent" -> {
          AgentCommand agent = AgentCommand.parse(new ArgReader(args, 1));
          return agent == null ? OK : agent.call();
        }
        case "keygen" -> {
          KeygenCommand keygen = KeygenCommand.parse(new ArgReader(args, 1));
          return keygen == null ? OK : keygen.call();
        }
        case "aggregate" -> {
          AggregateCommand aggregate = AggregateCommand.parse(new ArgReader(args, 1));
          return aggregate == null ? OK : aggregate.call();
        }
        case "help", "-h", "--help" -> {
          return help(args.length > 1 ? args[1] : null);
        }
        case "-V", "--version" -> {
          String v = MonarchCli.class.getPackage().getImplementationVersion();
          System.out.println("monarch " + (v == null ? "(development build)" : v));
          return OK;
        }
        default -> {
          System.err.println("monarch: unknown command '" + command + "'");
          System.err.print(USAGE);
          return USAGE_ERROR;
        }
      }
    } catch (ArgReader.UsageException e) {
      System.err.println("monarch " + command + ": " + e.getMessage());
      System.err.print(usageOf(command));
      return USAGE_ERROR;
    } catch (IllegalArgumentException | monarch.mesh.MeshException e) {
      // a bad setting, procs that cannot start: the message says what, and names it
      System.err.println("monarch " + command + ": " + describe(e));
      LoggerFactory.getLogger(MonarchCli.class).debug("monarch {} failed", command, e);
      return FAILED;
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(MonarchCli.class)
          .error("monarch {} failed", command, e); // a bug of ours
      return FAILED;
    }
  }

  /** The exception's message, with its causes' where they add something. */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (sb.indexOf(m) < 0) {
        sb.append(sb.length() == 0 ? "" : ": ").append(m);
      }
    }
    return sb.toString();
  }

  private static int help(String command) {
    String usage = command == null ? USAGE : usageOf(command);
    if (usage == null) {
      System.err.println("monarch help: unknown command '" + command + "'");
      System.err.print(USAGE);
      return USAGE_ERROR;
    }
    System.out.print(usage);
    return OK;
  }

  /** The usage text of a subcommand, or null if there is no such command. */
  private static String usageOf(String command) {
    return switch (command) {
      case "run" -> RunCommand.USAGE;
      case "demo" -> DemoCommand.USAGE;
      case "agent" -> AgentCommand.USAGE;
      case "keygen" -> KeygenCommand.USAGE;
      case "aggregate" -> AggregateCommand.USAGE;
      default -> null;
    };
  }
}
