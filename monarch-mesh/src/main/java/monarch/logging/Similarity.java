package monarch.logging;

import java.util.Locale;

/**
 * How aggregation decides that two lines are alike (DESIGN.md section 4).
 *
 * <p>{@link #TEMPLATE}, the default, groups lines of the same event type: the same words, with
 * other numbers, ids, hashes, paths, addresses, durations, times, {@code name=value} values, and
 * words seen to vary (a user name, a host). Each group prints the ranks it came from and what
 * varied: {@code [65 similar log lines] [ranks 0-3] step {3..19}/40 loss {0.91..1.98}}.
 *
 * <p>{@link #LEVENSHTEIN} is the seeds' rule, exact: a line joins the group whose first line is
 * closest by normalized edit distance, if below 0.15, and a group prints its first line: {@code [65
 * similar log lines] [0] step 3/40 loss 1.98}.
 */
public enum Similarity {
  TEMPLATE,
  LEVENSHTEIN;

  /** The rule named {@code name} ({@code template} or {@code levenshtein}, any case). */
  public static Similarity parse(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    for (Similarity s : values()) {
      if (s.name().equals(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown aggregation rule '" + name + "': use template or levenshtein");
  }
}
