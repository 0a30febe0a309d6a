package monarch.internal.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grouping accuracy, as the log-parsing literature measures it (Zhu et al., "Tools and Benchmarks
 * for Automated Log Parsing"): the fraction of lines whose group holds exactly the lines of their
 * true event type. Also groups lines by a rule in one window, and by Ray's rule for comparison.
 * Pure functions over what it is given; no I/O.
 */
public final class GroupingAccuracy {
  private GroupingAccuracy() {}

  /** The accuracy of {@code predicted} groups (one id per line) against {@code truth} labels. */
  public static double of(List<String> truth, int[] predicted) {
    Map<String, Set<Integer>> byTruth = new HashMap<>();
    Map<Integer, Set<Integer>> byGroup = new HashMap<>();
    for (int i = 0; i < predicted.length; i++) {
      byTruth.computeIfAbsent(truth.get(i), x -> new HashSet<>()).add(i);
      byGroup.computeIfAbsent(predicted[i], x -> new HashSet<>()).add(i);
    }
    int right = 0;
    for (int i = 0; i < predicted.length; i++) {
      if (byTruth.get(truth.get(i)).equals(byGroup.get(predicted[i]))) {
        right++;
      }
    }
    return predicted.length == 0 ? 1 : (double) right / predicted.length;
  }

  /**
   * The group of each line when {@code agg} takes them all as one window (a line starting with
   * {@code [r] } comes from rank r); a line over the cap is a group of its own.
   */
  public static int[] group(LineAggregator agg, List<String> lines) {
    int[] part = new int[lines.size()];
    for (int i = 0; i < part.length; i++) {
      String l = lines.get(i);
      byte[] b = l.getBytes(StandardCharsets.UTF_8);
      part[i] = agg.add(rankOf(l), b, 0, b.length) ? agg.lastGroup() : -1;
    }
    Map<Integer, Integer> groupOfPart = new HashMap<>();
    int g = 0;
    for (LineAggregator.Summary s : agg.drain()) {
      for (int p : s.parts()) {
        groupOfPart.put(p, g);
      }
      g++;
    }
    int[] out = new int[part.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = part[i] < 0 ? g++ : groupOfPart.get(part[i]);
    }
    return out;
  }

  /** Ray's rule: lines are alike when their words without digits are equal. */
  public static int[] ray(List<String> lines) {
    Map<String, Integer> ids = new HashMap<>();
    int[] out = new int[lines.size()];
    for (int i = 0; i < out.length; i++) {
      StringBuilder key = new StringBuilder();
      for (String w : lines.get(i).split("\\s+")) {
        if (w.chars().noneMatch(Character::isDigit)) {
          key.append(w).append(' ');
        }
      }
      out[i] = ids.computeIfAbsent(key.toString(), k -> ids.size());
    }
    return out;
  }

  private static int rankOf(String line) {
    int close = line.indexOf("] ");
    if (!line.startsWith("[") || close < 2 || close > 6) {
      return -1;
    }
    try {
      return Integer.parseInt(line.substring(1, close));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
