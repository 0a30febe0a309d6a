package monarch.internal.logging;

import java.util.ArrayList;
import java.util.List;

/** PLACEHOLDER until the fast exact aggregator lands: the naive algorithm. */
public final class Aggregator {
  public static final double THRESHOLD = 0.15;
  private final int maxGroups;
  private final List<String> reps = new ArrayList<>();
  private final List<long[]> counts = new ArrayList<>();

  public Aggregator(int maxGroups) {
    this.maxGroups = maxGroups;
  }

  public boolean add(String line) {
    int best = -1;
    double bestD = THRESHOLD;
    for (int i = 0; i < reps.size(); i++) {
      String r = reps.get(i);
      int max = Math.max(r.length(), line.length());
      double d = max == 0 ? 0 : (double) lev(r, line) / max;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    if (best >= 0) {
      counts.get(best)[0]++;
      return true;
    }
    if (reps.size() >= maxGroups) {
      return false;
    }
    reps.add(line);
    counts.add(new long[] {1});
    return true;
  }

  static int lev(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev; prev = cur; cur = t;
    }
    return prev[b.length()];
  }

  public List<Group> drain() {
    List<Group> out = new ArrayList<>();
    for (int i = 0; i < reps.size(); i++) out.add(new Group(reps.get(i), counts.get(i)[0]));
    reps.clear();
    counts.clear();
    return out;
  }

  public boolean isEmpty() {
    return reps.isEmpty();
  }

  public int groupCount() {
    return reps.size();
  }

  public record Group(String firstLine, long count) {}
}
