package monarch.logging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import monarch.internal.aggregate.LevenshteinAggregator;
import monarch.internal.aggregate.LineAggregator;
import monarch.internal.aggregate.TemplateAggregator;

/**
 * Groups lines as one aggregation window, by a {@link Similarity} rule, the way the client groups a
 * mesh's output: for logs from anywhere ({@code monarch aggregate}), or to check what a rule does.
 * Every line added is in exactly one group; lines past the group cap (not seen in practice below
 * {@code maxGroups} distinct event types) are groups of their own.
 *
 * <p>Memory: the rule's groups (bounded by {@code maxGroups}), plus, with {@code keepMembers}, 4
 * bytes per line added (each group's line numbers). Not thread-safe.
 */
public final class LogGrouper {
  /** One group: its line count, first line, template, printed summary and 1-based line numbers. */
  public record Group(
      long count, String firstLine, String template, String summary, int[] members) {
    /** The block line: {@code [N similar log lines] summary}. */
    @Override
    public String toString() {
      return "[" + count + " similar log lines] " + summary;
    }
  }

  private final LineAggregator groups;
  private final boolean keepMembers;
  private int lines;
  private int[] partOf = new int[0]; // per line: its part, or -1 - (its own group's index)
  private final List<String> loners = new ArrayList<>();

  /** A grouper by {@code rule}, with at most {@code maxGroups} groups before lines go alone. */
  public LogGrouper(Similarity rule, int maxGroups, boolean keepMembers) {
    this.groups =
        rule == Similarity.LEVENSHTEIN
            ? new LevenshteinAggregator(maxGroups)
            : new TemplateAggregator(maxGroups);
    this.keepMembers = keepMembers;
  }

  /** Adds the line utf8[off, off + len) (no newline; invalid UTF-8 is shown replaced). */
  public void add(byte[] utf8, int off, int len) {
    int part;
    if (groups.add(-1, utf8, off, len)) {
      part = groups.lastGroup();
    } else {
      loners.add(new String(utf8, off, len, StandardCharsets.UTF_8));
      part = -loners.size();
    }
    if (keepMembers) {
      if (lines == partOf.length) {
        partOf = Arrays.copyOf(partOf, Math.max(1024, lines * 2));
      }
      partOf[lines] = part;
    }
    lines++;
  }

  public void add(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    add(b, 0, b.length);
  }

  /**
   * The groups, first seen first (lines past the cap after them, each alone), with their line
   * numbers if kept; then empty, for a next window.
   */
  public List<Group> groups() {
    List<LineAggregator.Summary> summaries = groups.drain();
    Map<Integer, Integer> groupOfPart = new HashMap<>();
    int[] sizes = new int[summaries.size() + loners.size()];
    for (int g = 0; g < summaries.size(); g++) {
      for (int p : summaries.get(g).parts()) {
        groupOfPart.put(p, g);
      }
    }
    int[][] members = new int[sizes.length][];
    if (keepMembers) {
      int[] groupOf = new int[lines];
      for (int i = 0; i < lines; i++) {
        int p = partOf[i];
        groupOf[i] = p >= 0 ? groupOfPart.get(p) : summaries.size() - p - 1;
        sizes[groupOf[i]]++;
      }
      for (int g = 0; g < sizes.length; g++) {
        members[g] = new int[sizes[g]];
        sizes[g] = 0;
      }
      for (int i = 0; i < lines; i++) {
        int g = groupOf[i];
        members[g][sizes[g]++] = i + 1;
      }
    }
    List<Group> out = new ArrayList<>(sizes.length);
    int g = 0;
    for (LineAggregator.Summary s : summaries) {
      int[] m = members[g++];
      out.add(
          new Group(s.count(), s.firstLine(), s.template(), s.text(), m == null ? new int[0] : m));
    }
    for (String l : loners) {
      int[] m = members[g++];
      out.add(new Group(1, l, l, l, m == null ? new int[0] : m));
    }
    loners.clear();
    lines = 0;
    partOf = new int[0];
    return out;
  }
}
