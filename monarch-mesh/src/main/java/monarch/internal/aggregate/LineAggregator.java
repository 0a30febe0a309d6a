package monarch.internal.aggregate;

import java.util.List;

/**
 * One aggregation window's grouping of log lines, by one similarity rule: lines go in one at a
 * time, the groups come out when the window ends. Owns nothing but its groups; never prints.
 */
public interface LineAggregator {
  /**
   * A group as printed: {@code count} lines, the first of them, its template (what every line of
   * the group shares, {@code <*>} where they differ), what follows {@code [N similar log lines] }
   * in the block, and the ids ({@link #lastGroup()}) of the lines it holds.
   */
  record Summary(long count, String firstLine, String template, String text, int[] parts) {}

  /**
   * Adds the line utf8[off, off + len) from {@code rank} (-1: none). False if it is an overflow
   * line (over the group cap): it is in no group, and the caller prints it on its own.
   */
  boolean add(int rank, byte[] utf8, int off, int len);

  /** The id of the part of a group the last added line went into (see {@link Summary#parts()}). */
  int lastGroup();

  boolean isEmpty();

  /** The window's groups in first-seen order, and resets to empty for the next window. */
  List<Summary> drain();
}
