package monarch.internal.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Groups the log lines of one aggregation window by similarity, for the client's {@code [N similar
 * log lines] <first line>} output.
 *
 * <p>The rule (the spec; {@code NaiveAggregator} in the tests is its literal form): a line L joins
 * the group g, in creation order, with the smallest d(L, rep(g)) = lev(L, rep(g)) / max(|L|,
 * |rep(g)|) among those with d &lt; {@link #THRESHOLD}, the earliest on a tie, where rep(g) is g's
 * first line and lev the Levenshtein distance over UTF-16 chars (d of two empty strings is 0).
 * Otherwise L starts a group, or, once {@code maxGroups} groups exist, is an overflow line. Every
 * decision here is the same as the naive one, down to ties and the strict threshold: filters only
 * skip a group when a lower bound on its distance proves it cannot win, and the winner is chosen by
 * the same double expression. The one exception is a line whose distances would cost more than
 * {@link #WORK_PER_LINE}: it takes the closest group found within that budget, or if there is none
 * it is printed on its own, like an overflow line.
 *
 * <p>How a line finds its group, cheapest first: an exact-match table; the group of the line
 * before, when the two differ so little that no other group can be as close (see {@link
 * #closeToLast}; a repeated message whose numbers change stops there); a hint (the group the last
 * line of the same shape joined) tried first so the bound is tight early; then the groups on its
 * key's candidate list (a key is a length and a skeleton, the line without its hex digits; the list
 * holds the groups that bounds shared by every line of the key leave in reach; lines without a
 * cached key sweep the groups in order of length difference instead). Per group, lower bounds: the
 * triangle inequality through the best group so far (representatives are pairwise at least the
 * threshold apart), char-bucket level masks, the bucket histogram (bag distance), and Levenshtein
 * of the two hex-digit projections; then Levenshtein itself, trimmed of the common prefix and
 * suffix: Myers' one-word bit-vector when at most 64 chars are left, else Ukkonen's band for the
 * best distance so far, 64 cells at a time, in as many words as the band needs. Lines of 256 chars
 * and more also get a q-gram bound, which tells long random text (encoded blobs, tokens) apart
 * without any distance.
 *
 * <p>Owns, per group: the first line (its chars, and its hex digits alone), its count, and that
 * filter data; plus the exact-match table, groups sorted by length, the hint table, the key table
 * and reusable scratch. Memory is bounded by {@code maxGroups}: per group O(first line's length);
 * at most min(2 maxGroups, 16384) keys of at most 512 skeleton chars (and 4 table slots each), with
 * candidate lists of at most 64 maxGroups ints in all (allocated: twice that, plus 64 per key); the
 * exact-match table at most 4 maxGroups ints; 4,096 hints and 1,024 first-sight marks; scratch that
 * grows with the longest lines seen, never per line: the match masks, (128 + a line's distinct
 * non-ASCII chars) rows of up to 1.15 L / 64 + 5 words for lines of up to L chars (the widest
 * band's words included; about 2.7 MiB at most for 4 KiB lines), and a 4 L-slot char-to-row table.
 * It never keeps a line other than a group's first, allocates per line only when a group or key is
 * created (or a byte line is not ASCII), never prints, and is not thread-safe (one window, one
 * owner).
 */
public final class Aggregator {
  /** A line joins a group only if its normalized edit distance is strictly below this. */
  public static final double THRESHOLD = 0.15;

  /** A group: its first line and how many lines (including the first) joined it. */
  public record Group(String firstLine, long count) {}

  // Char buckets for the histogram filter: merging chars only weakens the bound, never breaks it.
  private static final int BUCKETS = 64;
  // Bucket counts capped at LEVELS, as one presence mask per level: bit b of level t is set when
  // bucket b occurs more than t times. A few popcounts give most of the bag distance.
  private static final int LEVELS = 4;
  private static final byte[] ASCII_BUCKET = asciiBuckets();
  private static final int HINTS = 1 << 12;
  private static final int NO_LEV = Integer.MAX_VALUE / 2;

  /** SEPARATION[M] = separation(M) for the common lengths. */
  private static final int[] SEPARATION = separations(1 << 12);

  // Buckets 0..15 hold exactly the hex digits (0-9, a-f, A-F); the skeleton is everything else.
  private static final long SKELETON_BUCKETS = -1L << 16;
  private static final int MAX_SKELETON = 512;

  /** Lines of at least this many chars also get a q-gram set (see {@link #qgramBound}). */
  private static final int QGRAM_MIN = 256;

  private static final int Q = 3;

  /**
   * Work allowed per line, in units of about 5 ns: one bit-parallel column of one 64-bit word, or
   * four words of a q-gram set comparison. 2^16 is about 0.3 ms of distances, four times the most a
   * line of LogCorpus needs (1,000 groups: at most about 17,000). A line that needs more (long
   * lines near the threshold of many groups) joins the closest group found so far, or if none is
   * found is printed on its own like an overflow line: the naive rule would take up to seconds per
   * line there, and the client has to keep up with its procs. (Per-group filters cost a few ns each
   * and are not counted: the group cap bounds them.)
   */
  static final long WORK_PER_LINE = 1 << 16;

  private final int maxGroups;
  private int size;

  /** The group the previous line joined or founded, or -1. */
  private int last = -1;

  // Per group, indexed by creation order.
  private String[] reps;
  private char[][] repChars;
  private char[][] repHex; // the representative's hex digits alone
  private long[] counts;
  private int[] lens;
  private byte[] hists; // BUCKETS counts per group, saturated at 255
  private long[][] repGrams; // the representative's q-gram set, null below QGRAM_MIN chars

  /**
   * Exact-match table: open addressing by the representative's String hash, group + 1, 0 empty, at
   * most half full. Representatives are pairwise distinct (see addLine).
   */
  private int[] exactSlots = new int[64];

  private int[] repHash;

  /**
   * Groups sorted by representative length: ids, lengths and level masks (LEVELS per slot), so the
   * scan sweeps the cheap filters' data in order.
   */
  private int[] byLen;

  private int[] sortedLens;
  private long[] sortedMasks;

  /** The same level masks by group. */
  private long[] masks;

  /**
   * Skeleton cache. A line's key is its length and its skeleton, the line with the hex digits
   * deleted. Deleting the same chars from two strings never raises their distance (drop the deleted
   * chars from an optimal alignment: no step costs more), so bounds on the skeletons and the length
   * difference bound every line of the key alike. Per key: the groups those bounds could not rule
   * out at the threshold (triples: group, bound, L1 distance of the skeleton buckets), and how many
   * groups were checked; lines of one template share a handful of keys, so a line visits its key's
   * list instead of sweeping every group in length range. A key whose list would pass the budget is
   * not cached.
   */
  private final int maxKeys;

  private int[] keySlots; // open addressing, key + 1, 0 empty
  private int keyCount;
  private char[][] keyChars;
  private int[] keyN;
  private int[] keyHash;
  private int[][] keyCands;
  private int[] keyCandLen;
  private int[] keyChecked;
  private long candRoom;
  private static final int SEEN = 1 << 10;

  /** Skeleton hashes of lines that swept, by hash: a key is made when one comes back. */
  private final int[] seenOnce = new int[SEEN];

  private final long candBudget;
  // the line's skeleton
  private char[] skel = new char[256];
  private int skelLen;
  private int skelHash;

  /** Set by skeletonBound when it gets to the histogram: the skeleton buckets' L1 distance. */
  private int skelL1;

  /**
   * Shape of a line (its chars other than 0-9 and a-f: numbers and hex ids), hashed -> the group it
   * last joined, plus 1.
   */
  private final int[] hints = new int[HINTS];

  // The line being added, and the best group so far.
  private char[] line = new char[256];
  private int n;
  private final long[] lineLevels = new long[LEVELS];
  private final int[] lineHist = new int[BUCKETS];
  private int best;
  private double bestD;

  /** The best group's lev and representative length; bestLev is huge while there is none. */
  private int bestLev;

  private int bestLen;

  /** bestD * 2^32 rounded up, so (max * limitScale >>> 32) + 1 bounds any winning lev cheaply. */
  private long limitScale;

  /** The line's q-gram sets at its class and the two below (folded); class -1: none. */
  private final long[][] lineGrams = new long[3][];

  private int lineGramClass = -1;

  /** Work (distances, q-gram comparisons) spent on the current line, and whether it ran out. */
  private long work;

  private boolean exhausted;

  /** The line, and its hex digits alone (its projection), as rows of the bit-parallel band. */
  private final Pattern full = new Pattern();

  private final Pattern hex = new Pattern();

  /** {@code maxGroups}: the cap on groups per window, at least 1. */
  public Aggregator(int maxGroups) {
    if (maxGroups < 1) {
      throw new IllegalArgumentException("maxGroups must be >= 1, got " + maxGroups);
    }
    this.maxGroups = maxGroups;
    maxKeys = (int) Math.min(2L * maxGroups, 1 << 14);
    candBudget = 64L * maxGroups;
    candRoom = candBudget;
    keySlots = new int[Integer.highestOneBit(maxKeys) * 4];
    keyChars = new char[16][];
    keyN = new int[16];
    keyHash = new int[16];
    keyCands = new int[16][];
    keyCandLen = new int[16];
    keyChecked = new int[16];
    int cap = Math.min(maxGroups, 64);
    reps = new String[cap];
    repChars = new char[cap][];
    repHex = new char[cap][];
    counts = new long[cap];
    repHash = new int[cap];
    lens = new int[cap];
    hists = new byte[cap * BUCKETS];
    repGrams = new long[cap][];
    byLen = new int[cap];
    sortedLens = new int[cap];
    sortedMasks = new long[cap * LEVELS];
    masks = new long[cap * LEVELS];
  }

  /**
   * Adds a line. Returns false if it is an overflow line (the caller prints it on its own; it is
   * NOT counted in any group).
   */
  public boolean add(String s) {
    int len = s.length();
    startLine(len);
    s.getChars(0, len, line, 0);
    return addLine(len, s.hashCode(), s, null, 0);
  }

  /**
   * Adds the line utf8[off, off + len), exactly as {@code add(new String(utf8, off, len, UTF_8))}
   * would. A pure-ASCII line is read in place, and becomes a String only if it founds a group; any
   * other line is decoded (malformed input replaced as that constructor does) and added as a
   * String.
   */
  public boolean add(byte[] utf8, int off, int len) {
    Objects.checkFromIndexSize(off, len, utf8.length);
    startLine(len);
    char[] c = line;
    // String.hashCode of the decoded line (the exact-match table's hash), four chars a step so
    // the multiplications do not wait on each other: h * 31^4 + b0 * 31^3 + ... + b3
    int hash = 0;
    int or = 0;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      int b0 = utf8[off + i];
      int b1 = utf8[off + i + 1];
      int b2 = utf8[off + i + 2];
      int b3 = utf8[off + i + 3];
      or |= b0 | b1 | b2 | b3;
      c[i] = (char) b0;
      c[i + 1] = (char) b1;
      c[i + 2] = (char) b2;
      c[i + 3] = (char) b3;
      hash = hash * 923521 + b0 * 29791 + b1 * 961 + b2 * 31 + b3;
    }
    for (; i < len; i++) {
      int b = utf8[off + i];
      or |= b;
      c[i] = (char) b;
      hash = 31 * hash + b;
    }
    if (or < 0) { // a byte >= 0x80: not ASCII (what was copied is simply overwritten)
      return add(new String(utf8, off, len, StandardCharsets.UTF_8));
    }
    return addLine(len, hash, null, utf8, off);
  }

  /**
   * Adds the line now in line[0, len) with String hash {@code hash}; it is {@code s}, or if that is
   * null the ASCII bytes bytes[off, off + len).
   */
  private boolean addLine(int len, int hash, String s, byte[] bytes, int off) {
    work = 0;
    exhausted = false;
    // A line equal to a representative has d = 0, the least possible. Representatives are
    // pairwise distinct (a line equal to one joins it, d = 0 < THRESHOLD, and never founds a
    // group), so exactly one group has d = 0 and every other group, earlier or later, has d > 0:
    // the naive scan would pick this one too.
    int same = findExact(len, hash);
    if (same >= 0) {
      counts[same]++;
      last = same;
      return true;
    }
    if (last >= 0 && closeToLast(len)) {
      counts[last]++;
      return true;
    }
    int hint = prepare(len);
    setBest(-1, THRESHOLD, NO_LEV, 0);
    int h = hints[hint] - 1;
    if (h >= 0 && h < size) {
      // a likely close group first, so the bound is tight for the rest
      int r = lens[h];
      consider(h, r, Math.abs(n - r), true, -1);
    }
    int key = skelLen <= MAX_SKELETON ? findKey() : -1;
    if (key >= 0) {
      scanCandidates(key, h);
    } else {
      scanByLength(h);
    }
    if (best >= 0) {
      counts[best]++;
      last = best;
      hints[hint] = best + 1;
      return true;
    }
    if (size == maxGroups || exhausted) {
      return false; // exhausted: no group is proved close, nor every group far
    }
    hints[hint] = size + 1;
    newGroup(s != null ? s : new String(bytes, off, len, StandardCharsets.US_ASCII), hash);
    last = size - 1;
    return true;
  }

  /**
   * Whether the line in line[0, len) surely joins group {@code last}, every other group being
   * strictly farther. With the common prefix and suffix trimmed, e bounds lev(line, rep): the
   * longer leftover (substitute, then insert or delete the rest), or for leftovers of equal length
   * the chars that differ (substitutions alone). If {@code last} is the only group, e / max below
   * THRESHOLD is all the rule asks. Otherwise: representatives are pairwise at least THRESHOLD
   * apart (a later one joined none of the earlier ones), so for any other group g, lev(line, g) >=
   * THRESHOLD * max(|g|, |rep|) - e, and with 2e + 1 <= THRESHOLD * |rep| that makes d(line, g) >
   * d(line, rep) whatever g's length (the 1 is the margin for the naive rule's rounding), while
   * d(line, rep) <= THRESHOLD / 2 joins. The naive scan picks the same group.
   */
  private boolean closeToLast(int len) {
    char[] r = repChars[last];
    int m = lens[last];
    int max = Math.max(len, m);
    boolean alone = size == 1;
    int limit = alone ? (int) (THRESHOLD * max) : (int) ((THRESHOLD * m - 1) / 2);
    if (limit < 1 || Math.abs(len - m) > limit) {
      return false;
    }
    char[] c = line;
    int p = commonPrefix(c, len, r, m);
    int q = commonSuffix(c, len, r, m, p);
    int e = max - p - q;
    if (len == m && e > limit) {
      e = 0;
      for (int i = p; i < len - q && e <= limit; i++) {
        if (c[i] != r[i]) {
          e++;
        }
      }
    }
    return alone ? (double) e / max < THRESHOLD : e <= limit;
  }

  /** How many leading chars a[0, n) and b[0, m) share. */
  private static int commonPrefix(char[] a, int n, char[] b, int m) {
    int lim = Math.min(n, m);
    int p = 0;
    while (p < lim && a[p] == b[p]) {
      p++;
    }
    return p;
  }

  /** How many trailing chars they share, not counting the first p (their common prefix). */
  private static int commonSuffix(char[] a, int n, char[] b, int m, int p) {
    int lim = Math.min(n, m) - p;
    int s = 0;
    while (s < lim && a[n - 1 - s] == b[m - 1 - s]) {
      s++;
    }
    return s;
  }

  /** Makes room for a line of len chars. */
  private void startLine(int len) {
    if (line.length < len) {
      line = new char[Math.max(len, line.length * 2)];
    }
  }

  /** The group whose representative equals line[0, len), or -1. */
  private int findExact(int len, int hash) {
    int[] slots = exactSlots;
    int mask = slots.length - 1;
    for (int at = (hash ^ hash >>> 16) & mask; ; at = (at + 1) & mask) {
      int g = slots[at] - 1;
      if (g < 0) {
        return -1;
      }
      if (repHash[g] == hash
          && lens[g] == len
          && Arrays.equals(repChars[g], 0, len, line, 0, len)) {
        return g;
      }
    }
  }

  private void putExact(int g) {
    if (2 * (size + 1) > exactSlots.length) {
      exactSlots = new int[exactSlots.length * 2];
      for (int e = 0; e < size; e++) {
        insertExact(e);
      }
    }
    insertExact(g);
  }

  private void insertExact(int g) {
    int[] slots = exactSlots;
    int mask = slots.length - 1;
    int hash = repHash[g];
    int at = (hash ^ hash >>> 16) & mask;
    while (slots[at] != 0) {
      at = (at + 1) & mask;
    }
    slots[at] = g + 1;
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
    Arrays.fill(repHex, 0, size, null);
    Arrays.fill(repGrams, 0, size, null);
    Arrays.fill(exactSlots, 0);
    Arrays.fill(hints, 0);
    Arrays.fill(keySlots, 0);
    Arrays.fill(seenOnce, 0);
    for (int k = 0; k < keyCount; k++) {
      if (keyCands[k] != null && keyCands[k].length > 64) {
        keyCands[k] = null; // what a window leaves behind stays small
      }
    }
    keyCount = 0;
    candRoom = candBudget;
    size = 0;
    last = -1;
    return out;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The group the last line added joined or founded (meaningless after an overflow line). */
  public int lastGroup() {
    return last;
  }

  public int groupCount() {
    return size;
  }

  /** The work (in {@link #WORK_PER_LINE}'s units) the last line took. */
  long lastLineWork() {
    return work;
  }

  /** Whether the last line ran out of work budget (its group may not be the naive rule's). */
  boolean lastLineExhausted() {
    return exhausted;
  }

  /** Fills the filter data of the line in line[0, len); returns its hint slot. */
  private int prepare(int len) {
    full.ready = false;
    hex.ready = false;
    n = len;
    int[] hist = lineHist;
    Arrays.fill(hist, 0);
    long[] levels = lineLevels;
    Arrays.fill(levels, 0);
    int shape = 0;
    char[] c = line;
    if (skel.length < n) {
      skel = new char[Math.max(n, skel.length * 2)];
    }
    char[] sk = skel;
    int sl = 0;
    if (hex.chars.length < n) {
      hex.chars = new char[Math.max(n, hex.chars.length * 2)];
    }
    char[] hx = hex.chars;
    int hl = 0;
    int sh = 0;
    for (int i = 0; i < n; i++) {
      char ch = c[i];
      int b = bucket(ch);
      if (b >= 16) {
        sk[sl++] = ch;
        sh = 31 * sh + ch;
      } else {
        hx[hl++] = ch; // buckets 0 to 15 are exactly the hex digits
      }
      int v = ++hist[b];
      if (v <= LEVELS) {
        levels[v - 1] |= 1L << b;
      }
      if ((ch < '0' || ch > '9') && (ch < 'a' || ch > 'f')) {
        shape = 31 * shape + ch;
      }
    }
    for (int b = 0; b < BUCKETS; b++) {
      hist[b] = Math.min(hist[b], 255); // as stored for groups, so the bound stays a bound
    }
    full.chars = line;
    full.len = n;
    hex.len = hl;
    skelLen = sl;
    lineGramClass = n >= QGRAM_MIN ? fillLineGrams() : -1;
    skelHash = (sh ^ n * 0x9E3779B1) * 0x85EBCA6B;
    shape ^= shape >>> 16;
    return (shape * 0x9E3779B1 >>> 20) & (HINTS - 1);
  }

  /**
   * The line's key with its candidate list brought up to date, created if new; -1 if there is no
   * room for it or its list, and the line sweeps instead.
   */
  private int findKey() {
    int mask = keySlots.length - 1;
    int h = skelHash ^ skelHash >>> 15;
    for (int at = h & mask; ; at = (at + 1) & mask) {
      int k = keySlots[at] - 1;
      if (k < 0) {
        // a key pays off from its second line: the first one sweeps, and leaves a mark
        int seen = (h >>> 7) & (SEEN - 1);
        if (keyCount == maxKeys || seenOnce[seen] != skelHash) {
          seenOnce[seen] = skelHash;
          return -1;
        }
        k = newKey();
        keySlots[at] = k + 1;
        return extendKey(k) ? k : -1;
      }
      char[] kc = keyChars[k];
      if (keyHash[k] == skelHash
          && keyN[k] == n
          && Arrays.equals(kc, 0, kc.length, skel, 0, skelLen)) {
        return keyCandLen[k] >= 0 && extendKey(k) ? k : -1;
      }
    }
  }

  private int newKey() {
    int k = keyCount++;
    if (k == keyN.length) {
      int cap = keyN.length * 2;
      keyChars = Arrays.copyOf(keyChars, cap);
      keyN = Arrays.copyOf(keyN, cap);
      keyHash = Arrays.copyOf(keyHash, cap);
      keyCands = Arrays.copyOf(keyCands, cap);
      keyCandLen = Arrays.copyOf(keyCandLen, cap);
      keyChecked = Arrays.copyOf(keyChecked, cap);
    }
    keyChars[k] = Arrays.copyOf(skel, skelLen);
    keyN[k] = n;
    keyHash[k] = skelHash;
    keyCandLen[k] = 0;
    keyChecked[k] = 0;
    if (keyCands[k] == null) {
      keyCands[k] = new int[16];
    }
    return k;
  }

  /**
   * Adds to key k's list the groups created since it was last brought up to date that the key's
   * bound does not rule out. On a new key (nothing checked) only the groups in length range are
   * looked at. Returns false, and retires the key, if its list would pass the budget.
   */
  private boolean extendKey(int k) {
    int from = keyChecked[k];
    if (from == size) {
      return true;
    }
    if (from == 0) {
      // r >= n: r - n >= separation(r) rules r out, and r - n - separation(r) never decreases
      // (separation grows by at most 1 per char); r < n: n - r >= separation(n) rules it out
      int[] sl = sortedLens;
      int sepN = separation(n);
      int mid = lowerBound(sl, size, n);
      for (int i = mid; i < size && sl[i] - n < separation(sl[i]); i++) {
        if (!addCandidate(k, byLen[i], sl[i])) {
          return false;
        }
      }
      for (int i = mid - 1; i >= 0 && n - sl[i] < sepN; i--) {
        if (!addCandidate(k, byLen[i], sl[i])) {
          return false;
        }
      }
    } else {
      for (int g = from; g < size; g++) {
        int r = lens[g];
        if (Math.abs(n - r) < separation(Math.max(n, r)) && !addCandidate(k, g, r)) {
          return false;
        }
      }
    }
    keyChecked[k] = size;
    return true;
  }

  /** Adds g to key k's list unless the key's bound shows it is never similar. */
  private boolean addCandidate(int k, int g, int r) {
    int lb = skeletonBound(g, r);
    if (lb >= separation(Math.max(n, r))) {
      return true; // lev >= lb >= separation: d >= THRESHOLD for every line of the key
    }
    int len = keyCandLen[k];
    if (candRoom < 3) {
      keyCandLen[k] = -1; // retired for the rest of the window; its room is not given back
      keyCands[k] = null;
      return false;
    }
    int[] c = keyCands[k];
    if (len + 3 > c.length) {
      c = keyCands[k] = Arrays.copyOf(c, c.length * 2);
    }
    c[len] = g;
    c[len + 1] = lb;
    c[len + 2] = skelL1;
    keyCandLen[k] = len + 3;
    candRoom -= 3;
    return true;
  }

  /**
   * A lower bound on lev(L, rep(g)) for every line L of the current line's key: the length
   * difference, and the bag distance of the skeletons (bucket counts 16 and up are exactly the
   * skeleton's, merged and capped, which only lowers it), first from the level masks alone.
   */
  private int skeletonBound(int g, int r) {
    int dl = Math.abs(n - r);
    long[] lv = lineLevels;
    long[] gm = masks;
    int at = g * LEVELS;
    int onlyLine = 0;
    int onlyRep = 0;
    for (int t = 0; t < LEVELS; t++) {
      long a = lv[t] & SKELETON_BUCKETS;
      long b = gm[at + t] & SKELETON_BUCKETS;
      onlyLine += Long.bitCount(a & ~b);
      onlyRep += Long.bitCount(b & ~a);
    }
    int lb = Math.max(dl, Math.max(onlyLine, onlyRep));
    if (lb >= separation(Math.max(n, r))) {
      return lb;
    }
    int[] lh = lineHist;
    byte[] gh = hists;
    int off = g * BUCKETS;
    onlyLine = 0;
    onlyRep = 0;
    for (int b = 16; b < BUCKETS; b++) {
      int diff = lh[b] - (gh[off + b] & 0xFF);
      if (diff > 0) {
        onlyLine += diff;
      } else {
        onlyRep -= diff;
      }
    }
    skelL1 = onlyLine + onlyRep;
    return Math.max(lb, Math.max(onlyLine, onlyRep));
  }

  /** Visits key k's candidates, with the line's own bounds, in the list's order. */
  private void scanCandidates(int k, int skip) {
    int[] c = keyCands[k];
    int len = keyCandLen[k];
    long[] lv = lineLevels;
    long a0 = lv[0];
    long a1 = lv[1];
    long a2 = lv[2];
    long a3 = lv[3];
    long[] gm = masks;
    for (int i = 0; i < len; i += 3) {
      int g = c[i];
      int r = lens[g];
      int limit = upperLimit(Math.max(n, r));
      int lb = Math.max(c[i + 1], triangleBound(r));
      if (lb > limit || g == skip) {
        continue;
      }
      // the whole line's bucket bag distance, as in scanByLength
      int dl = Math.abs(n - r);
      int at = g * LEVELS;
      int onlyLine =
          Long.bitCount(a0 & ~gm[at])
              + Long.bitCount(a1 & ~gm[at + 1])
              + Long.bitCount(a2 & ~gm[at + 2])
              + Long.bitCount(a3 & ~gm[at + 3]);
      int onlyRep =
          Long.bitCount(gm[at] & ~a0)
              + Long.bitCount(gm[at + 1] & ~a1)
              + Long.bitCount(gm[at + 2] & ~a2)
              + Long.bitCount(gm[at + 3] & ~a3);
      lb =
          Math.max(
              lb, n >= r ? Math.max(onlyLine, onlyRep + dl) : Math.max(onlyRep, onlyLine + dl));
      if (lb <= limit) {
        consider(g, r, lb, false, c[i + 2]);
      }
    }
  }

  /**
   * Visits groups in order of |length difference| from the line, stopping each side once the length
   * bound alone (lev >= |length difference|) rules out every further group.
   */
  private void scanByLength(int skip) {
    int[] sl = sortedLens;
    long[] sm = sortedMasks;
    long[] lv = lineLevels;
    long a0 = lv[0];
    long a1 = lv[1];
    long a2 = lv[2];
    long a3 = lv[3];
    int hi = lowerBound(sl, size, n);
    int lo = hi - 1;
    int leftLimit = upperLimit(n);
    boolean leftDead = triangleBound(0) > leftLimit;
    double rightStop = rightStop();
    while (true) {
      // right side: r >= n, d >= (r - n) / r, which grows with r
      boolean right = hi < size && sl[hi] - n <= upperLimit(sl[hi]) && sl[hi] <= rightStop;
      // left side: r < n, d >= (n - r) / n, which grows as r shrinks
      boolean left = !leftDead && lo >= 0 && n - sl[lo] <= leftLimit;
      int i;
      int limit;
      if (right && (!left || sl[hi] - n <= n - sl[lo])) {
        i = hi++;
        limit = upperLimit(sl[i]);
      } else if (left) {
        i = lo--;
        limit = leftLimit;
      } else {
        return;
      }
      int r = sl[i];
      int dl = Math.abs(n - r);
      int tri = triangleBound(r);
      if (tri > limit) {
        continue;
      }
      // Bag distance, bucketed: each edit changes the multiset of chars by at most one in and
      // one out, so lev >= max(|L \ R|, |R \ L|) over buckets. With counts capped at LEVELS it
      // comes from popcounts of the level masks; the full histogram only for what that lets
      // through. Uncapped, the two differences differ by exactly n - r; capping only lowers each.
      // (level 0 alone first: it rejects half of what all four reject, for a quarter the work)
      int at = i * LEVELS;
      long b0 = sm[at];
      int onlyLine = Long.bitCount(a0 & ~b0);
      int onlyRep = Long.bitCount(b0 & ~a0);
      if ((n >= r ? Math.max(onlyLine, onlyRep + dl) : Math.max(onlyRep, onlyLine + dl)) > limit) {
        continue;
      }
      long b1 = sm[at + 1];
      long b2 = sm[at + 2];
      long b3 = sm[at + 3];
      onlyLine += Long.bitCount(a1 & ~b1) + Long.bitCount(a2 & ~b2) + Long.bitCount(a3 & ~b3);
      onlyRep += Long.bitCount(b1 & ~a1) + Long.bitCount(b2 & ~a2) + Long.bitCount(b3 & ~a3);
      int lb = n >= r ? Math.max(onlyLine, onlyRep + dl) : Math.max(onlyRep, onlyLine + dl);
      lb = Math.max(lb, tri);
      int g = byLen[i];
      if (lb <= limit && g != skip && consider(g, r, lb, false, -1)) {
        leftLimit = upperLimit(n);
        leftDead = triangleBound(0) > leftLimit;
        rightStop = rightStop();
      }
    }
  }

  /**
   * A lower bound on lev(line, rep(g)) for any group g whose representative has length r, from the
   * best group so far (lev e to the line): representatives are pairwise at d >= THRESHOLD (a later
   * one founded its group only because every earlier one was that far), so lev(rep(g), rep(best))
   * >= separation(max(r, bestLen)), and by the triangle inequality lev(line, rep(g)) >= that - e.
   * Once a close group is found (e small) it rules out every other group at once, without looking
   * at them. Nondecreasing in r (separation is).
   */
  private int triangleBound(int r) {
    return separation(Math.max(r, bestLen)) - bestLev;
  }

  /**
   * A length above which no right-side group (r >= n) can win, from the triangle bound: there
   * separation(r) >= 0.1499 r (below), so the bound is at least 0.1499 r - e, while a winner's lev
   * is at most upperLimit(r) <= (bestD + 2^-32) r + 1, and the first grows faster.
   */
  private double rightStop() {
    double slope = 0.1499 - bestD - 0x1p-32;
    return slope > 0 ? (bestLev + 1) / slope : Double.POSITIVE_INFINITY;
  }

  /**
   * The least lev two strings whose longer has m chars can have and not be similar: the least t
   * with !((double) t / m < THRESHOLD), the naive rule's comparison. At least 0.1499 m.
   */
  static int separation(int m) {
    return m < SEPARATION.length ? SEPARATION[m] : computeSeparation(m);
  }

  private static int computeSeparation(int m) {
    if (m == 0) {
      return 0; // two empty strings: d = 0, never separated; only ever one empty representative
    }
    int t = (int) (THRESHOLD * m);
    while (t > 0 && !((double) (t - 1) / m < THRESHOLD)) {
      t--;
    }
    while ((double) t / m < THRESHOLD) {
      t++;
    }
    return t;
  }

  private static int[] separations(int len) {
    int[] t = new int[len];
    for (int m = 0; m < len; m++) {
      t[m] = computeSeparation(m);
    }
    return t;
  }

  /**
   * An upper bound on the distance a group whose longer side is {@code max} chars could have and
   * still win: at least the largest lev with (double) lev / max <= bestD (for any max a String can
   * have). Used by cheap filters only; {@link #exactLimit} decides.
   */
  private int upperLimit(int max) {
    // a winner's lev / max rounds to at most bestD, so lev < bestD * max + 1, and that is at
    // most max * limitScale / 2^32 + 1
    return (int) ((max * limitScale) >>> 32) + 1;
  }

  private void setBest(int g, double d, int lev, int len) {
    best = g;
    bestD = d;
    bestLev = lev;
    bestLen = len;
    limitScale = (long) Math.ceil(d * 0x1p32);
  }

  /**
   * The largest lev that would win against the best so far, by the naive rule's own double
   * comparison: d < bestD, or d == bestD for a group created earlier than the best (ties go to the
   * earliest group). Before any candidate bestD is THRESHOLD and only d < THRESHOLD counts. Returns
   * -1 if none.
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

  /**
   * Evaluates group g (representative length r) against the line, given a lower bound lb on their
   * distance; makes it the best, and returns true, if it beats the best so far.
   */
  private boolean consider(int g, int r, int lb, boolean hinted, int skelL1) {
    if (exhausted) {
      return false;
    }
    int max = Math.max(n, r);
    int limit = upperLimit(max);
    int dl = Math.abs(n - r);
    if (lb > limit) {
      return false;
    }
    if (!hinted) { // the hint usually wins: straight to its distance
      lb = Math.max(lb, bagDistance(g, dl, skelL1));
      if (lb > limit) {
        return false;
      }
    }
    int k = exactLimit(max, best >= 0 && g < best);
    // (long lines: even for the hint, a distance costs more than this bound)
    if (lb > k || max >= QGRAM_MIN && qgramBound(g, r) > k) {
      return false;
    }
    // The hex-only projection first, where it is shorter: deleting the same chars from both
    // strings never raises lev (drop them from an optimal alignment), so lev > k there proves
    // it; on the corpus it settles most near misses (ids, hashes) at about half the columns.
    // Not for the hint, which usually wins and then needs the full distance anyway.
    char[] rh = repHex[g];
    if (!hinted && hex.len + rh.length < n + r && levenshteinAtMost(hex, rh, rh.length, k) > k) {
      return false;
    }
    int lev = levenshteinAtMost(full, repChars[g], r, k);
    if (lev > k) {
      return false;
    }
    // The naive expression, for the record; exactLimit already guaranteed it wins.
    setBest(g, (double) lev / max, lev, r);
    return true;
  }

  /**
   * max(|L \ R|, |R \ L|) over bucket histograms (saturated, which only lowers it). With S the sum
   * of |hL - hR| and the two differences summing to S and differing by |n - r|, it is (S + |n - r|)
   * / 2. skelL1, if not -1, is that sum over the skeleton buckets (16 and up), the same for every
   * line of a key and kept with its candidates.
   */
  private int bagDistance(int g, int dl, int skelL1) {
    int[] lh = lineHist;
    byte[] gh = hists;
    int off = g * BUCKETS;
    int sum = Math.max(skelL1, 0);
    int end = skelL1 >= 0 ? 16 : BUCKETS;
    for (int b = 0; b < end; b++) {
      sum += Math.abs(lh[b] - (gh[off + b] & 0xFF));
    }
    return (sum + dl) >>> 1;
  }

  /**
   * lev(line, b[0, m)) if it is at most k, else some value above k. A common prefix and suffix cost
   * nothing (lev(xAy, xBy) = lev(A, B)), so they are trimmed first.
   */
  private int levenshteinAtMost(Pattern pat, char[] b, int m, int k) {
    char[] a = pat.chars;
    int n = pat.len;
    int p = commonPrefix(a, n, b, m);
    int s = commonSuffix(a, n, b, m, p);
    n -= p + s;
    m -= p + s;
    if (Math.abs(n - m) > k) {
      return k + 1;
    }
    if (n == 0 || m == 0) {
      return Math.max(n, m);
    }
    if (n <= 64 || k < 64) {
      if (!spend(m)) {
        return k + 1;
      }
      return n <= 64 ? myers(pat, p, n, b, m, k) : bandBitParallel(pat, p, n, b, m, k);
    }
    if (Math.abs(n - m) < 64) {
      // Ukkonen's doubling, one step: a distance below 64 costs a column per char this way
      if (!spend(m)) {
        return k + 1;
      }
      int d = bandBitParallel(pat, p, n, b, m, 63);
      if (d <= 63) {
        return d;
      }
    }
    int words = ((k - Math.abs(n - m)) / 2 * 2 + Math.abs(n - m) + 64) >>> 6;
    if (!spend((long) m * words)) {
      return k + 1;
    }
    return bandWide(pat, p, n, b, m, k, words);
  }

  /** Bits of the band vectors (pv, mv) over band positions [0, bits), as +1s minus -1s. */
  private long[] widePv = new long[4];

  private long[] wideMv = new long[4];

  /**
   * {@link #bandBitParallel} for bands wider than 64 cells: the same diagonal band, held in {@code
   * words} words, each column advanced word by word (the horizontal delta leaving a word's last row
   * enters the next word's first, as in Myers' blocks) and then shifted down one row across the
   * words. Same results: exact when the distance is at most k, else above k.
   */
  private int bandWide(Pattern pat, int p, int n, char[] b, int m, int k, int words) {
    pat.ensure(words);
    if (widePv.length < words) {
      widePv = new long[words];
      wideMv = new long[words];
    }
    long[] pvs = widePv;
    long[] mvs = wideMv;
    int delta = m - n;
    int h = (k - Math.abs(delta)) >> 1;
    int thi = Math.max(delta, 0) + h;
    int tlo = Math.min(delta, 0) - h;
    int w = thi - tlo + 1; // <= 64 words
    int lastWord = (w - 1) >>> 6;
    long bottom = 1L << ((w - 1) & 63); // the row entering the band, in word lastWord
    // column 0: band bits below thi are rows <= 0 (delta -1, virtual), the rest +1
    for (int i = 0; i < words; i++) {
      int from = i << 6;
      long mv = thi >= from + 64 ? -1L : thi <= from ? 0 : (1L << (thi - from)) - 1;
      mvs[i] = mv;
      pvs[i] = ~mv;
    }
    int score = thi; // the band's top cell, row -thi, column 0
    long[] pe = pat.peq;
    int stride = pat.stride;
    int q0 = p - thi + 64;
    int fin = thi - delta; // band bits [0, fin) lead from the top cell to the final diagonal
    for (int j = 0; j < m; j++) {
      char c = b[p + j];
      int hin = 1; // the cell above the band: its left neighbour + 1
      int row = c < 128 ? c * stride : pat.extraRow(c) * stride; // < 0: no match
      int virt = thi - j; // band bits below this are virtual rows (the trimmed prefix)
      for (int i = 0; i <= lastWord; i++) {
        long eq = 0;
        int v = virt - (i << 6);
        if (row >= 0 && v < 64) { // (a word of virtual rows alone matches nothing)
          int q = q0 + j + (i << 6);
          eq = window(pe, row + (q >>> 6), q & 63);
          if (v > 0) {
            eq &= -1L << v;
          }
        }
        long pv = pvs[i];
        long mv = mvs[i];
        long xv = eq | mv;
        if (hin < 0) {
          eq |= 1;
        }
        long xh = (((eq & pv) + pv) ^ pv) | eq;
        long ph = mv | ~(xh | pv);
        long mh = pv & xh;
        int hout = (int) (ph >>> 63) - (int) (mh >>> 63);
        ph <<= 1;
        mh <<= 1;
        if (hin < 0) {
          mh |= 1;
        } else if (hin > 0) {
          ph |= 1;
        }
        pvs[i] = mh | ~(xv | ph);
        mvs[i] = ph & xv;
        hin = hout;
      }
      score += 1 + (int) (pvs[0] & 1) - (int) (mvs[0] & 1);
      for (int i = 0; i < lastWord; i++) {
        pvs[i] = (pvs[i] >>> 1) | (pvs[i + 1] << 63);
        mvs[i] = (mvs[i] >>> 1) | (mvs[i + 1] << 63);
      }
      pvs[lastWord] = (pvs[lastWord] >>> 1) | bottom;
      mvs[lastWord] = (mvs[lastWord] >>> 1) & ~bottom;
      if ((j & 7) == 7 && score + sumTo(pvs, mvs, fin) > k) {
        return k + 1;
      }
    }
    return score + sumTo(pvs, mvs, fin);
  }

  /** The +1s minus the -1s among band bits [0, bits). */
  private static int sumTo(long[] pvs, long[] mvs, int bits) {
    int s = 0;
    int i = 0;
    for (; bits >= 64; bits -= 64, i++) {
      s += Long.bitCount(pvs[i]) - Long.bitCount(mvs[i]);
    }
    if (bits > 0) {
      long low = (1L << bits) - 1;
      s += Long.bitCount(pvs[i] & low) - Long.bitCount(mvs[i] & low);
    }
    return s;
  }

  /** Counts cost against the line's work budget; false (and exhausted) if it does not fit. */
  private boolean spend(long cost) {
    if (work + cost > WORK_PER_LINE) {
      exhausted = true;
      return false;
    }
    work += cost;
    return true;
  }

  /** The q-gram set size class of a line of len chars: 2^class bits, at least 16 per q-gram. */
  private static int gramClass(int len) {
    return 32 - Integer.numberOfLeadingZeros(16 * len - 1);
  }

  /**
   * Fills lineGrams with the line's q-gram set: bit h & (2^class - 1) for each q-gram's hash h, so
   * folding a set in half (OR of its halves) gives the set of the class below.
   */
  private int fillLineGrams() {
    int c = gramClass(n);
    int words = (1 << c) >>> 6;
    long[] s = lineGrams[0];
    if (s == null || s.length < words) {
      s = lineGrams[0] = new long[words];
      lineGrams[1] = new long[words / 2];
      lineGrams[2] = new long[words / 4];
    } else {
      Arrays.fill(s, 0, words, 0);
    }
    char[] ch = line;
    int mask = (1 << c) - 1;
    for (int i = 0; i + Q <= n; i++) {
      int h = ((ch[i] * 0x9E3779B1 + ch[i + 1]) * 0x85EBCA6B + ch[i + 2]) * 0xC2B2AE35;
      h ^= h >>> 15;
      int bit = h & mask;
      s[bit >>> 6] |= 1L << bit;
    }
    for (int f = 1; f < 3; f++) {
      long[] from = lineGrams[f - 1];
      long[] to = lineGrams[f];
      int half = words >>> f;
      for (int i = 0; i < half; i++) {
        to[i] = from[i] | from[i + half];
      }
    }
    return c;
  }

  /**
   * A lower bound on lev(line, rep(g)) from their q-gram sets: an edit destroys at most Q of a
   * string's q-grams and creates at most Q, so every hashed q-gram of one string that the other
   * lacks entirely costs a Q-th of an edit (merging hash bits only lowers the count). Compared at
   * the smaller of the two classes. 0 when either string is too short to have a set. Random text
   * (encoded blobs, tokens) shares almost no q-grams, which settles long lines that the char
   * histogram cannot tell apart.
   */
  private int qgramBound(int g, int r) {
    long[] rg = repGrams[g];
    if (rg == null || lineGramClass < 0) {
      return 0;
    }
    int rc = gramClass(r);
    int c = Math.min(lineGramClass, rc);
    int f = lineGramClass - c;
    if (f > 2) {
      return 0;
    }
    long[] lg = lineGrams[f];
    int words = (1 << c) >>> 6;
    int folds = 1 << (rc - c);
    if (!spend(((long) words * folds + 3) / 4)) {
      return 0;
    }
    int onlyLine = 0;
    int onlyRep = 0;
    for (int i = 0; i < words; i++) {
      long x = lg[i];
      long y = rg[i];
      for (int j = 1; j < folds; j++) {
        y |= rg[i + j * words];
      }
      onlyLine += Long.bitCount(x & ~y);
      onlyRep += Long.bitCount(y & ~x);
    }
    return (Math.max(onlyLine, onlyRep) + Q - 1) / Q;
  }

  /**
   * Myers' bit-vector Levenshtein for rows line[p, p + n) with n <= 64 (one word, no band), columns
   * b[p, p + m); exact, or some value above k once the cell on the final diagonal exceeds k (as in
   * {@link #bandBitParallel}; checked every 4 columns). Fewer operations per column than the band:
   * the hex projections and most trimmed lines fit.
   */
  private static int myers(Pattern pat, int p, int n, char[] b, int m, int k) {
    pat.ensure(1);
    long[] pe = pat.peq;
    int stride = pat.stride;
    int word = (p + 64) >>> 6;
    int sh = (p + 64) & 63;
    long pv = -1L; // column 0: every vertical step is +1
    long mv = 0;
    int score = n;
    int top = n - 1;
    int delta = m - n;
    for (int j = 0; j < m; j++) {
      char c = b[p + j];
      int row = c < 128 ? c : pat.extraRow(c);
      long eq = 0;
      if (row >= 0) {
        eq = window(pe, row * stride + word, sh); // bits from p on; above n unused
      }
      long xv = eq | mv;
      long xh = (((eq & pv) + pv) ^ pv) | eq;
      long ph = mv | ~(xh | pv);
      long mh = pv & xh;
      score += (int) (ph >>> top & 1) - (int) (mh >>> top & 1);
      ph = (ph << 1) | 1; // row 0 is the column index: +1 per column
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
      int i = j + 1 - delta; // the final diagonal's row in column j + 1
      if ((j & 3) == 3 && i > 0 && i <= n) {
        long low = i == 64 ? -1L : (1L << i) - 1;
        if (j + 1 + Long.bitCount(pv & low) - Long.bitCount(mv & low) > k) {
          return k + 1;
        }
      }
    }
    return score;
  }

  /**
   * Ukkonen's band computed 64 cells at a time (Myers' bit-vector step, laid along the band as in
   * Hyyro's banded variant). Rows are line[p, p + n), columns b[p, p + m); the band holds the
   * diagonals t = col - row in [tlo, thi], w = thi - tlo + 1 <= k + 1 <= 64 of them, and slides
   * down one row per column. Cells just outside it are taken as their in-band neighbour + 1, which
   * is never below their true value and keeps every delta in {-1, 0, 1}. So each computed value is
   * at least the true one and at most the best path inside the band: exact when the distance is <=
   * k (its optimal path stays inside), above k otherwise. Rows above the first are virtual (value
   * col - row, no matches), which makes the first row col as it should be.
   *
   * <p>Early exit: values never decrease along a diagonal, so the cell on the final diagonal (col -
   * row = m - n) in any column bounds the result from below; once it exceeds k, stop. (It is also
   * the least of cell + |its diagonal - (m - n)| over the column, the cost of any path through the
   * column, so no other cell gives a better bound.)
   */
  private static int bandBitParallel(Pattern pat, int p, int n, char[] b, int m, int k) {
    pat.ensure(1);
    int delta = m - n;
    int h = (k - Math.abs(delta)) >> 1;
    int thi = Math.max(delta, 0) + h;
    int tlo = Math.min(delta, 0) - h;
    long bottom = 1L << (thi - tlo); // the row entering the band
    // column 0, rows -thi + 1 ... : row r <= 0 has delta -1 (virtual), r >= 1 has +1
    long mv = (1L << thi) - 1;
    long pv = ~mv;
    int score = thi; // the value of the band's top cell, row -thi, column 0
    long[] pe = pat.peq;
    int stride = pat.stride;
    int q0 = p - thi + 64; // bit of the band's first row in column j is q0 + j
    // after each column bit i holds diagonal thi - 1 - i, so the final one is bit thi - 1 - delta
    long toFinal = (1L << (thi - delta)) - 1;
    for (int j = 0; j < m; j++) {
      char c = b[p + j];
      int row = c < 128 ? c : pat.extraRow(c);
      long eq = 0;
      if (row >= 0) {
        int q = q0 + j;
        int at = row * stride + (q >>> 6);
        int sh = q & 63;
        eq = window(pe, at, sh);
        if (j < thi) {
          eq &= -1L << (thi - j); // virtual rows (the trimmed prefix) match nothing
        }
      }
      long xv = eq | mv;
      long xh = (((eq & pv) + pv) ^ pv) | eq;
      long ph = mv | ~(xh | pv);
      long mh = pv & xh;
      ph = (ph << 1) | 1; // the cell above the band: its left neighbour + 1
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
      score += 1 + (int) (pv & 1) - (int) (mv & 1);
      pv = (pv >>> 1) | bottom;
      mv = (mv >>> 1) & ~bottom;
      if ((j & 3) == 3 && score + Long.bitCount(pv & toFinal) - Long.bitCount(mv & toFinal) > k) {
        return k + 1; // checked every 4 columns: cheaper, and still stops soon after
      }
    }
    // the final diagonal's cell in the last column is (n, m)
    return score + Long.bitCount(pv & toFinal) - Long.bitCount(mv & toFinal);
  }

  /** The 64 bits of pe[at], pe[at + 1] from bit sh of pe[at] on (sh = 0 included). */
  private static long window(long[] pe, int at, int sh) {
    return (pe[at] >>> sh) | ((pe[at + 1] << 1) << (63 - sh));
  }

  /**
   * A string as the rows of the bit-parallel band: its chars [0, len) and, built on first use, the
   * match masks peq[row(c) * stride + word], bit i + 64 for char i. An ASCII char is its own row;
   * the string's other chars get rows 128 and up (a column char the string lacks matches nothing).
   * Memory: (128 + distinct non-ASCII chars) * stride words, for the longest line.
   */
  private static final class Pattern {
    char[] chars = new char[256];
    int len;
    long[] peq = new long[128 * 6];
    int stride = 6;
    boolean ready;

    /** The words of peq the last fill set, to zero before the next (cheaper than per char). */
    private int[] cleared = new int[256];

    private int clearedLen;

    /** Scratch: each char's row. */
    private int[] rows = new int[256];

    /** Non-ASCII chars -> row: open addressing, char + 1 (0 empty) and row; extras in use. */
    private int[] extraKeys = new int[16];

    private int[] extraRows = new int[16];
    private int extras;

    /** The row of char c (>= 128), or -1 if the string does not contain it. */
    int extraRow(char c) {
      if (extras == 0) {
        return -1;
      }
      int at = slot(c);
      return extraKeys[at] == 0 ? -1 : extraRows[at];
    }

    private int addExtra(char c) {
      int at = slot(c);
      if (extraKeys[at] == 0) {
        extraKeys[at] = c + 1;
        extraRows[at] = 128 + extras++;
      }
      return extraRows[at];
    }

    /** Where c is in the char-to-row table, or the empty slot where it would go. */
    private int slot(char c) {
      int mask = extraKeys.length - 1;
      int at = (c * 0x9E3779B1 >>> 16) & mask;
      while (extraKeys[at] != 0 && extraKeys[at] != c + 1) {
        at = (at + 1) & mask;
      }
      return at;
    }

    /** Makes the masks ready for a band of {@code words} words (see fill(int)). */
    void ensure(int words) {
      if (!ready || stride < (len >>> 6) + 3 + words) {
        fill(words);
      }
    }

    /**
     * Builds the masks with room for a band of {@code words} words: 64-bit windows starting up to
     * 64 words + 63 bits past the string's end. A wider stride or more rows than that do no harm,
     * so the layout only ever grows (no allocation per line).
     */
    void fill(int words) {
      if (extras > 0) {
        Arrays.fill(extraKeys, 0);
        extras = 0;
      }
      if (extraKeys.length < 2 * len) {
        extraKeys = new int[Integer.highestOneBit(len) * 4];
        extraRows = new int[extraKeys.length];
      }
      if (rows.length < len) {
        rows = new int[Math.max(len, rows.length * 2)];
      }
      int[] t = rows;
      char[] a = chars;
      for (int i = 0; i < len; i++) { // rows first: how many the masks need
        char c = a[i];
        t[i] = c < 128 ? c : addExtra(c);
      }
      int st = Math.max(stride, (len >>> 6) + 3 + words);
      long[] pe = peq;
      if (st != stride || pe.length < (128 + extras) * st) {
        stride = st;
        pe = peq = new long[Math.max(pe.length, (128 + extras) * st)];
      } else {
        for (int i = 0; i < clearedLen; i++) {
          pe[cleared[i]] = 0;
        }
      }
      if (cleared.length < len) {
        cleared = new int[t.length];
      }
      for (int i = 0; i < len; i++) {
        int bit = i + 64;
        int at = t[i] * st + (bit >>> 6);
        pe[at] |= 1L << bit;
        cleared[i] = at;
      }
      clearedLen = len;
      ready = true;
    }
  }

  private void newGroup(String s, int hash) {
    int g = size;
    if (g == reps.length) {
      grow();
    }
    reps[g] = s;
    repChars[g] = Arrays.copyOf(line, n);
    repHex[g] = Arrays.copyOf(hex.chars, hex.len);
    repGrams[g] =
        lineGramClass < 0 ? null : Arrays.copyOf(lineGrams[0], (1 << lineGramClass) >>> 6);
    counts[g] = 1;
    lens[g] = n;
    int off = g * BUCKETS;
    for (int b = 0; b < BUCKETS; b++) {
      hists[off + b] = (byte) lineHist[b];
    }
    repHash[g] = hash;
    putExact(g);
    int at = lowerBound(sortedLens, size, n + 1); // after equal lengths
    System.arraycopy(sortedLens, at, sortedLens, at + 1, size - at);
    System.arraycopy(byLen, at, byLen, at + 1, size - at);
    int slots = (size - at) * LEVELS;
    System.arraycopy(sortedMasks, at * LEVELS, sortedMasks, (at + 1) * LEVELS, slots);
    sortedLens[at] = n;
    byLen[at] = g;
    System.arraycopy(lineLevels, 0, sortedMasks, at * LEVELS, LEVELS);
    System.arraycopy(lineLevels, 0, masks, g * LEVELS, LEVELS);
    size++;
  }

  private void grow() {
    int cap = (int) Math.min(maxGroups, 2L * reps.length);
    reps = Arrays.copyOf(reps, cap);
    repChars = Arrays.copyOf(repChars, cap);
    repHex = Arrays.copyOf(repHex, cap);
    counts = Arrays.copyOf(counts, cap);
    repHash = Arrays.copyOf(repHash, cap);
    lens = Arrays.copyOf(lens, cap);
    hists = Arrays.copyOf(hists, cap * BUCKETS);
    repGrams = Arrays.copyOf(repGrams, cap);
    byLen = Arrays.copyOf(byLen, cap);
    sortedLens = Arrays.copyOf(sortedLens, cap);
    sortedMasks = Arrays.copyOf(sortedMasks, cap * LEVELS);
    masks = Arrays.copyOf(masks, cap * LEVELS);
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
