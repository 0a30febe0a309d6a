package monarch.internal.aggregate;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference for {@link Aggregator}: the grouping rule exactly as specified, with nothing
 * clever. Each line is compared with every group's first line by full Levenshtein distance over
 * UTF-16 chars; d = lev / max(len, len) (0 for two empty strings); among groups with d < THRESHOLD
 * it joins the smallest d, the earliest on a tie; otherwise it starts a group, or is an overflow
 * line once maxGroups groups exist. Never used by the client: it is the reference the tests compare
 * {@link Aggregator} with, and the benchmark's baseline.
 */
public final class NaiveAggregator {
  private final int maxGroups;
  private final List<String> reps = new ArrayList<>();
  private final List<Long> counts = new ArrayList<>();

  public NaiveAggregator(int maxGroups) {
    if (maxGroups < 1) {
      throw new IllegalArgumentException("maxGroups must be >= 1, got " + maxGroups);
    }
    this.maxGroups = maxGroups;
  }

  public boolean add(String line) {
    int best = -1;
    double bestD = 0;
    for (int g = 0; g < reps.size(); g++) {
      double d = distance(line, reps.get(g));
      if (d < Aggregator.THRESHOLD && (best < 0 || d < bestD)) {
        best = g;
        bestD = d;
      }
    }
    if (best >= 0) {
      counts.set(best, counts.get(best) + 1);
      return true;
    }
    if (reps.size() == maxGroups) {
      return false;
    }
    reps.add(line);
    counts.add(1L);
    return true;
  }

  public List<Aggregator.Group> drain() {
    List<Aggregator.Group> out = new ArrayList<>();
    for (int g = 0; g < reps.size(); g++) {
      out.add(new Aggregator.Group(reps.get(g), counts.get(g)));
    }
    reps.clear();
    counts.clear();
    return out;
  }

  static double distance(String a, String b) {
    int max = Math.max(a.length(), b.length());
    return max == 0 ? 0 : (double) levenshtein(a, b) / max;
  }

  static int levenshtein(String s, String t) {
    char[] a = s.toCharArray();
    char[] b = t.toCharArray();
    int[] prev = new int[b.length + 1];
    int[] cur = new int[b.length + 1];
    for (int j = 0; j <= b.length; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length; i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length; j++) {
        int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] tmp = prev;
      prev = cur;
      cur = tmp;
    }
    return prev[b.length];
  }
}
