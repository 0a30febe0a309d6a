package monarch.internal.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What one proc runs, as its host agent launches it; what follows from that is said here and
 * nowhere else. An actor host and a Java main class are JVM procs with a channel to their agent; an
 * executable is the proc itself, with none. A proc that runs a command ends by itself, and status 0
 * is its success; an actor host that ends is a failure.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ProcSpec.ActorHost.class, name = "actor-host"),
  @JsonSubTypes.Type(value = ProcSpec.JavaMain.class, name = "java-main"),
  @JsonSubTypes.Type(value = ProcSpec.Executable.class, name = "executable"),
})
public sealed interface ProcSpec {

  /** A light JVM that hosts actors until it is stopped. */
  record ActorHost() implements ProcSpec {}

  /** A JVM proc that runs {@code mainClass.main(args)} and exits when it returns. */
  record JavaMain(String mainClass, List<String> args) implements ProcSpec {
    public JavaMain {
      args = List.copyOf(args);
    }
  }

  /** Any program: the proc itself, no JVM in between. */
  record Executable(List<String> argv) implements ProcSpec {
    public Executable {
      argv = List.copyOf(argv);
    }
  }

  /** Whether the proc dials a channel to its agent (endpoints, levels, its own flush). */
  default boolean hasChannel() {
    return !(this instanceof Executable);
  }

  /** Whether the proc ends by itself, status 0 being its success. */
  default boolean runsToCompletion() {
    return !(this instanceof ActorHost);
  }
}
