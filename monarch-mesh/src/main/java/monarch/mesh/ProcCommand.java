package monarch.mesh;

import java.util.List;
import monarch.internal.protocol.ProcSpec;

/**
 * What each proc of a mesh runs: the actor host (a light JVM that serves actors: the default), a
 * Java main class (a JVM proc that also runs {@code main(args)} and exits when it returns), or any
 * executable (the proc itself, no JVM in between: no endpoints, no levels, but its output is
 * streamed and flushed like any other).
 */
public record ProcCommand(Kind kind, List<String> argv) {
  public enum Kind {
    ACTOR_HOST,
    JAVA_MAIN,
    EXECUTABLE
  }

  public ProcCommand {
    argv = List.copyOf(argv);
    if (kind != Kind.ACTOR_HOST && argv.isEmpty()) {
      throw new IllegalArgumentException(kind + " needs a command");
    }
  }

  public static ProcCommand actorHost() {
    return new ProcCommand(Kind.ACTOR_HOST, List.of());
  }

  /** {@code mainClass} must be on the procs' class path. */
  public static ProcCommand javaMain(String mainClass, List<String> args) {
    return new ProcCommand(Kind.JAVA_MAIN, concat(mainClass, args));
  }

  public static ProcCommand executable(List<String> argv) {
    return new ProcCommand(Kind.EXECUTABLE, argv);
  }

  /** What the agents launch: the one place a kind's consequences are decided. */
  ProcSpec spec() {
    return switch (kind) {
      case ACTOR_HOST -> new ProcSpec.ActorHost();
      case JAVA_MAIN -> new ProcSpec.JavaMain(argv.get(0), argv.subList(1, argv.size()));
      case EXECUTABLE -> new ProcSpec.Executable(argv);
    };
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new java.util.ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
