package monarch.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code monarch} command: the entry point of bin/monarch. Owns argument parsing and exit
 * statuses (0 ok, 2 usage error); the work itself lives in the subcommands.
 */
@Command(
    name = "monarch",
    mixinStandardHelpOptions = true,
    versionProvider = MonarchCli.Version.class,
    description = "Launch a mesh of procs and stream their output back, in order, per proc.",
    subcommands = {RunCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class MonarchCli implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new MonarchCli()).execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MonarchCli.class.getPackage().getImplementationVersion();
      return new String[] {"monarch " + (v == null ? "(development build)" : v)};
    }
  }
}
