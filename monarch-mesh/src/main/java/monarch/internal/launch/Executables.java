package monarch.internal.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds a command the way execvp would (a name with a '/' as is, otherwise the first match on PATH)
 * and, when it cannot run, says why the way a shell does, with the shell's exit status: 127 not
 * found (the command, or the interpreter its {@code #!} line names), 126 found but not executable
 * (a directory, no execute permission). Procs start under setsid, which reports such failures only
 * after the fact; checking first makes them a launch error with a clear message.
 */
public final class Executables {
  /** Why a command cannot run: a shell's exit status and message ("x: Is a directory"). */
  public record Problem(int status, String message) {}

  /** A launch that failed on a {@link Problem}; its message is the problem's. */
  public static final class CannotRun extends IOException {
    private final int status;

    public CannotRun(Problem problem) {
      super(problem.message());
      this.status = problem.status();
    }
  }

  /** The shell status of the first {@link CannotRun} in {@code error}'s causes, or 0. */
  public static int shellStatus(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CannotRun c) {
        return c.status;
      }
    }
    return 0;
  }

  static final int NOT_EXECUTABLE = 126;
  static final int NOT_FOUND = 127;

  private Executables() {}

  /** Null when {@code command} names an executable this process could run. */
  public static Problem check(String command, String path) {
    if (command.contains("/")) {
      return checkFile(command, Paths.get(command));
    }
    Problem found = new Problem(NOT_FOUND, command + ": command not found");
    for (String dir : path.split(File.pathSeparator, -1)) {
      Path p = Paths.get(dir.isEmpty() ? "." : dir, command);
      if (Files.isRegularFile(p)) {
        Problem problem = checkFile(command, p);
        if (problem == null || problem.status == NOT_FOUND) {
          return problem; // runs, or its interpreter is missing: execvp stops here either way
        }
        found = problem; // not executable: execvp goes on, and says so if nothing else runs
      }
    }
    return found;
  }

  private static Problem checkFile(String command, Path p) {
    if (!Files.exists(p)) {
      return new Problem(NOT_FOUND, command + ": No such file or directory");
    }
    if (Files.isDirectory(p)) {
      return new Problem(NOT_EXECUTABLE, command + ": Is a directory");
    }
    if (!Files.isExecutable(p)) {
      return new Problem(NOT_EXECUTABLE, command + ": Permission denied");
    }
    String interpreter = interpreter(p);
    if (interpreter != null && !Files.isExecutable(Paths.get(interpreter))) {
      return new Problem(
          NOT_FOUND, command + ": bad interpreter: " + interpreter + ": No such file or directory");
    }
    return null;
  }

  /** The interpreter a {@code #!} line names, or null (a binary, or no such line). */
  static String interpreter(Path p) {
    byte[] head = new byte[256];
    int n;
    try (InputStream in = Files.newInputStream(p)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      return null; // unreadable: exec decides
    }
    if (n < 3 || head[0] != '#' || head[1] != '!') {
      return null;
    }
    String line = new String(head, 2, n - 2, StandardCharsets.UTF_8).split("\n", 2)[0].strip();
    String interp = line.split("[ \t]", 2)[0];
    return interp.startsWith("/") ? interp : null;
  }
}
