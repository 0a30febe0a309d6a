package monarch.internal.logging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * Groups the log lines of one aggregation window by similarity, for the client's
 * {@code [N similar log lines] <first line>} output.
 *
 * <p>The rule (the spec; {@code NaiveAggregator} in the tests is its literal form): a line L
 * joins the group g, in creation order, with the smallest d(L, rep(g)) = lev(L, rep(g)) /
 * max(|L|, |rep(g)|) among those with d &lt; {@link #THRESHOLD}, the earliest on a tie, where
 * rep(g) is g's first line and lev the Levenshtein distance over UTF-16 chars (d of two empty
 * strings is 0). Otherwise L starts a group, or, once {@code maxGroups} groups exist, is an
 * overflow line. Every decision here is the same as the naive one, down to ties and the strict
 * threshold: filters only skip a group when a lower bound on its distance proves it cannot win,
 * and the winner is chosen by the same double expression.
 *
 * <p>Owns, per group: the first line, its count, and filter data (length, a char-bucket
 * histogram and presence mask); plus an exact-match map, groups sorted by length, a small hint
 * table and reusable scratch rows. Memory is bounded by {@code maxGroups}; it never keeps any
 * line but a group's first, never prints, and is not thread-safe (one window, one owner).
 */
public final class Aggregator {
  /** A line joins a group only if its normalized edit distance is strictly below this. */
  public static final double THRESHOLD = 0.15;

  /** A group: its first line and how many lines (including the first) joined it. */
  public record Group(String firstLine, long count) {}

  // Char buckets for the histogram filter: merging chars only weakens the bound, never breaks it.
  private static final int BUCKETS = 64;
  private static final byte[] ASCII_BUCKET = asciiBuckets();
  private static final int HINTS = 1 << 12;

  private final int maxGroups;
  private int size;

  // Per group, indexed by creation order.
  private String[] reps;
  private char[][] repChars;
  private long[] counts;
  private int[] lens;
  private long[] masks;
  private byte[] hists; // BUCKETS counts per group, saturated at 255

  /** Representative -> group; representatives are pairwise distinct (see add). */
  private final HashMap<String, Integer> exact = new HashMap<>();
  /** Group ids sorted by representative length, and those lengths, for the length filter. */
  private int[] byLen;
  private int[] sortedLens;
  /** Shape of a line (its chars other than digits), hashed -> the group it last joined, plus 1. */
  private final int[] hints = new int[HINTS];

  // The line being added, and the best group so far.
  private char[] line = new char[256];
  private int n;
  private long lineMask;
  private final int[] lineHist = new int[BUCKETS];
  private int best;
  private double bestD;

  // Banded DP rows, reused across lines.
  private int[] rowA = new int[258];
  private int[] rowB = new int[258];

  /** {@code maxGroups}: the cap on groups per window, at least 1. */
  public Aggregator(int maxGroups) {
    if (maxGroups < 1) {
      throw new IllegalArgumentException("maxGroups must be >= 1, got " + maxGroups);
    }
    this.maxGroups = maxGroups;
    int cap = Math.min(maxGroups, 64);
    reps = new String[cap];
    repChars = new char[cap][];
    counts = new long[cap];
    lens = new int[cap];
    masks = new long[cap];
    hists = new byte[cap * BUCKETS];
    byLen = new int[cap];
    sortedLens = new int[cap];
  }

  /**
   * Adds a line. Returns false if it is an overflow line (the caller prints it on its own; it is
   * NOT counted in any group).
   */
  public boolean add(String s) {
    // A line equal to a representative has d = 0, the least possible. Representatives are
    // pairwise distinct (a line equal to one joins it, d = 0 < THRESHOLD, and never founds a
    // group), so exactly one group has d = 0 and every other group, earlier or later, has d > 0:
    // the naive scan would pick this one too.
    Integer same = exact.get(s);
    if (same != null) {
      counts[same]++;
      return true;
    }
    int hint = prepare(s);
    best = -1;
    bestD = THRESHOLD;
    int h = hints[hint] - 1;
    if (h >= 0 && h < size) {
      consider(h); // a likely close group first, so the bound is tight for the rest
    }
    scanByLength(h);
    if (best >= 0) {
      counts[best]++;
      hints[hint] = best + 1;
      return true;
    }
    if (size == maxGroups) {
      return false;
    }
    hints[hint] = size + 1;
    newGroup(s);
    return true;
  }

  /** The groups in creation order, and resets to empty for the next window. */
  public List<Group> drain() {
    if (size == 0) {
      return List.of();
    }
    List<Group> out = new ArrayList<>(size);
    for (int g = 0; g < size; g++) {
      out.add(new Group(reps[g], counts[g]));
    }
    Arrays.fill(reps, 0, size, null);
    Arrays.fill(repChars, 0, size, null);
    exact.clear();
    Arrays.fill(hints, 0);
    size = 0;
    return out;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public int groupCount() {
    return size;
  }

  /** Copies the line to the scratch buffer and fills its filter data; returns its hint slot. */
  private int prepare(String s) {
    n = s.length();
    if (line.length < n) {
      line = new char[Math.max(n, line.length * 2)];
    }
    s.getChars(0, n, line, 0);
    int[] hist = lineHist;
    Arrays.fill(hist, 0);
    long mask = 0;
    int shape = 0;
    char[] c = line;
    for (int i = 0; i < n; i++) {
      char ch = c[i];
      int b = bucket(ch);
      hist[b]++;
      mask |= 1L << b;
      if (ch < '0' || ch > '9') {
        shape = 31 * shape + ch;
      }
    }
    for (int b = 0; b < BUCKETS; b++) {
      hist[b] = Math.min(hist[b], 255); // as stored for groups, so the bound stays a bound
    }
    lineMask = mask;
    shape ^= shape >>> 16;
    return (shape * 0x9E3779B1 >>> 20) & (HINTS - 1);
  }

  /**
   * Visits groups in order of |length difference| from the line, stopping each side once the
   * length bound alone (lev >= |length difference|) rules out every further group.
   */
  private void scanByLength(int skip) {
    int[] sl = sortedLens;
    int hi = lowerBound(sl, size, n);
    int lo = hi - 1;
    while (true) {
      // right side: r >= n, d >= (r - n) / r, which grows with r
      boolean right = hi < size && sl[hi] - n <= upperLimit(sl[hi]);
      // left side: r < n, d >= (n - r) / n, which grows as r shrinks
      boolean left = lo >= 0 && n - sl[lo] <= upperLimit(n);
      int g;
      if (right && (!left || sl[hi] - n <= n - sl[lo])) {
        g = byLen[hi++];
      } else if (left) {
        g = byLen[lo--];
      } else {
        return;
      }
      if (g != skip) {
        consider(g);
      }
    }
  }

  /**
   * An upper bound on the distance a group whose longer side is {@code max} chars could have and
   * still win: at least the largest lev with (double) lev / max <= bestD. Used by cheap filters
   * only; {@link #exactLimit} decides.
   */
  private int upperLimit(int max) {
    return (int) (bestD * max) + 1;
  }

  /**
   * The largest lev that would win against the best so far, by the naive rule's own double
   * comparison: d < bestD, or d == bestD for a group created earlier than the best (ties go to
   * the earliest group). Before any candidate bestD is THRESHOLD and only d < THRESHOLD counts.
   * Returns -1 if none.
   */
  private int exactLimit(int max, boolean tieWins) {
    int k = (int) (bestD * max);
    while (wins(k + 1, max, tieWins)) {
      k++;
    }
    while (k >= 0 && !wins(k, max, tieWins)) {
      k--;
    }
    return k;
  }

  private boolean wins(int lev, int max, boolean tieWins) {
    double d = (double) lev / max;
    return d < bestD || (tieWins && d == bestD);
  }

  /** Evaluates group g against the line; makes it the best if it beats the best so far. */
  private void consider(int g) {
    int r = lens[g];
    int max = Math.max(n, r);
    int limit = upperLimit(max);
    int dl = Math.abs(n - r);
    if (dl > limit) {
      return;
    }
    // Bag distance, bucketed: each edit changes the multiset of chars by at most one in and one
    // out, so lev >= max(|L \ R|, |R \ L|) over buckets. The presence masks give it cheaply from
    // buckets one side has and the other lacks; then the full histogram.
    long gm = masks[g];
    int onlyLine = Long.bitCount(lineMask & ~gm);
    int onlyRep = Long.bitCount(gm & ~lineMask);
    int lb = n >= r ? Math.max(onlyLine, onlyRep + dl) : Math.max(onlyRep, onlyLine + dl);
    if (lb > limit) {
      return;
    }
    lb = Math.max(lb, bagDistance(g, dl));
    if (lb > limit) {
      return;
    }
    int k = exactLimit(max, best >= 0 && g < best);
    if (lb > k) {
      return;
    }
    int lev = boundedLevenshtein(line, n, repChars[g], r, k);
    if (lev > k) {
      return;
    }
    // The naive expression, for the record; exactLimit already guaranteed it wins.
    best = g;
    bestD = (double) lev / max;
  }

  /**
   * max(|L \ R|, |R \ L|) over bucket histograms (saturated, which only lowers it). With S the
   * sum of |hL - hR| and the two differences summing to S and differing by |n - r|, it is
   * (S + |n - r|) / 2.
   */
  private int bagDistance(int g, int dl) {
    int[] lh = lineHist;
    byte[] gh = hists;
    int off = g * BUCKETS;
    int sum = 0;
    for (int b = 0; b < BUCKETS; b++) {
      sum += Math.abs(lh[b] - (gh[off + b] & 0xFF));
    }
    return (sum + dl) >>> 1;
  }

  /**
   * Levenshtein distance of a[0, n) and b[0, m) if it is at most k, else some value above k.
   * Ukkonen's band: after trimming, with n <= m and delta = m - n, a path through diagonal
   * j - i = t costs at least |t| + |delta - t|, so only t in [-h, delta + h] with
   * h = (k - delta) / 2 can lead to a cost <= k; a row whose cells all exceed k ends it early.
   */
  private int boundedLevenshtein(char[] a, int n, char[] b, int m, int k) {
    // lev(xAy, xBy) = lev(A, B): a common prefix and suffix cost nothing
    int lim = Math.min(n, m);
    int p = 0;
    while (p < lim && a[p] == b[p]) {
      p++;
    }
    int s = 0;
    while (s < lim - p && a[n - 1 - s] == b[m - 1 - s]) {
      s++;
    }
    n -= p + s;
    m -= p + s;
    if (n > m) {
      char[] t = a;
      a = b;
      b = t;
      int tn = n;
      n = m;
      m = tn;
    }
    int delta = m - n;
    if (delta > k) {
      return k + 1;
    }
    if (n == 0) {
      return m;
    }
    if (rowA.length < m + 2) {
      rowA = new int[Math.max(m + 2, rowA.length * 2)];
      rowB = new int[rowA.length];
    }
    int big = k + 1;
    int h = (k - delta) >> 1;
    int[] prev = rowA;
    int[] cur = rowB;
    int hi0 = Math.min(m, delta + h);
    for (int j = 0; j <= hi0; j++) {
      prev[j] = j;
    }
    if (hi0 < m) {
      prev[hi0 + 1] = big;
    }
    for (int i = 1; i <= n; i++) {
      int jlo = i - h;
      int jhi = Math.min(m, i + delta + h);
      int rowMin;
      if (jlo <= 0) {
        cur[0] = i;
        rowMin = i;
        jlo = 1;
      } else {
        cur[jlo - 1] = big;
        rowMin = big;
      }
      char ca = a[p + i - 1];
      int left = cur[jlo - 1];
      for (int j = jlo; j <= jhi; j++) {
        int v = prev[j - 1] + (ca == b[p + j - 1] ? 0 : 1);
        int up = prev[j] + 1;
        if (up < v) {
          v = up;
        }
        if (left + 1 < v) {
          v = left + 1;
        }
        cur[j] = v;
        left = v;
        if (v < rowMin) {
          rowMin = v;
        }
      }
      if (jhi < m) {
        cur[jhi + 1] = big;
      }
      if (rowMin > k) {
        return big;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[m];
  }

  private void newGroup(String s) {
    int g = size;
    if (g == reps.length) {
      grow();
    }
    reps[g] = s;
    repChars[g] = Arrays.copyOf(line, n);
    counts[g] = 1;
    lens[g] = n;
    masks[g] = lineMask;
    int off = g * BUCKETS;
    for (int b = 0; b < BUCKETS; b++) {
      hists[off + b] = (byte) lineHist[b];
    }
    exact.put(s, g);
    int at = lowerBound(sortedLens, size, n + 1); // after equal lengths
    System.arraycopy(sortedLens, at, sortedLens, at + 1, size - at);
    System.arraycopy(byLen, at, byLen, at + 1, size - at);
    sortedLens[at] = n;
    byLen[at] = g;
    size++;
  }

  private void grow() {
    int cap = (int) Math.min(maxGroups, 2L * reps.length);
    reps = Arrays.copyOf(reps, cap);
    repChars = Arrays.copyOf(repChars, cap);
    counts = Arrays.copyOf(counts, cap);
    lens = Arrays.copyOf(lens, cap);
    masks = Arrays.copyOf(masks, cap);
    hists = Arrays.copyOf(hists, cap * BUCKETS);
    byLen = Arrays.copyOf(byLen, cap);
    sortedLens = Arrays.copyOf(sortedLens, cap);
  }

  /** The first index in a[0, len) whose value is >= key (a is sorted). */
  private static int lowerBound(int[] a, int len, int key) {
    int lo = 0;
    int hi = len;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int bucket(char c) {
    return c < 128 ? ASCII_BUCKET[c] : 37 + c % 27;
  }

  /** Digits and letters (case folded) get a bucket each; punctuation shares the rest. */
  private static byte[] asciiBuckets() {
    byte[] t = new byte[128];
    for (int c = 0; c < 128; c++) {
      if (c >= '0' && c <= '9') {
        t[c] = (byte) (c - '0');
      } else if (c >= 'a' && c <= 'z') {
        t[c] = (byte) (10 + c - 'a');
      } else if (c >= 'A' && c <= 'Z') {
        t[c] = (byte) (10 + c - 'A');
      } else if (c == ' ') {
        t[c] = 36;
      } else {
        t[c] = (byte) (37 + c % 27);
      }
    }
    return t;
  }
}
