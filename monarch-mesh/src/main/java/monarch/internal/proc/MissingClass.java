package monarch.internal.proc;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Says why a proc cannot load a class the client named: the class, the host, and which entries of
 * the proc's class path do not exist on that host (a client's path that is not shared with it).
 * Where the class path came from is the agent's rule: its MONARCH_PROC_CLASSPATH, else the
 * client's. Only builds a message; never loads anything.
 */
public final class MissingClass {
  private MissingClass() {}

  /** The message for {@code className}, which this proc could not load, on {@code hostname}. */
  public static String explain(String className, String hostname, String classpath) {
    List<String> entries = List.of(classpath.split(File.pathSeparator, -1));
    List<String> missing = missingEntries(entries);
    StringBuilder sb =
        new StringBuilder("cannot load class ")
            .append(className)
            .append(" on host ")
            .append(hostname)
            .append(": it is not on the procs' class path there");
    if (!missing.isEmpty()) {
      sb.append(" (")
          .append(missing.size())
          .append(" of its ")
          .append(entries.size())
          .append(" entries do not exist on ")
          .append(hostname)
          .append(", first ")
          .append(missing.get(0))
          .append(')');
    }
    return sb.append(
            "; procs get the client's class path (right where hosts share its files), unless the"
                + " agent sets MONARCH_PROC_CLASSPATH")
        .toString();
  }

  /** The entries that name nothing on this host (a {@code dir/*} wildcard: its directory). */
  static List<String> missingEntries(List<String> entries) {
    List<String> missing = new ArrayList<>();
    for (String e : entries) {
      String path = e.endsWith("/*") ? e.substring(0, e.length() - 2) : e;
      if (!path.isEmpty() && !Files.exists(Path.of(path))) {
        missing.add(e);
      }
    }
    return missing;
  }
}
