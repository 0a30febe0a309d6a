package monarch.internal.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code TEMPLATE} rule: groups the lines of one window by event type, and summarises each
 * group by the ranks it came from and what varied in it.
 *
 * <p>The rule. A line is cut at white space into tokens (and a JSON member ends at its comma). A
 * <em>field</em> is a token with a digit (a number, an id, a hash, an address, a time, a duration),
 * a month or week day name, a path (with a '/' or '\\'), punctuation alone ({@code -}, {@code ()}),
 * a unit right after a field ({@code 12 ms}, {@code (1.2 KB)}), or the value of {@code name=value}
 * or of a JSON member (whose {@code name=} stays a word; a quoted value runs to its closing quote;
 * the words of a JSON log's "msg", "message" or "event" stay words). Any other token is a
 * <em>word</em>. A run of fields counts as one (lists of numbers vary in length). Lines with the
 * same words in the same order and fields in the same places form a <em>part</em>: one hash lookup
 * a line. Then words that vary, from evidence only: a word is a value where another part has a
 * field in its place ({@code user alice} and {@code user bob7}), or once {@link #MERGE_AT} parts
 * differ in that word alone (a user name, a host; {@link #MERGE_AT_LAST} for a line's last word,
 * often a verdict of a few values: ok, failed, critical), unless the line has at most {@link
 * #CONTEXT} words. Two parts alike but for one word stay apart ({@code connection opened} and
 * {@code connection closed}). At the window's end (or once the parts reach the cap, after which a
 * line joins its cluster's part), words that vary together (a host and a user in one line) are
 * found the same way among clusters of parts of one skeleton, each cluster with its own varying
 * positions (see {@link #generalize}). With {@code [rank] } in front of a line (the rank prefix),
 * that prefix goes into the group's ranks, not into what is compared.
 *
 * <p>The summary of a group is its first line with every field and varied word replaced by what it
 * took: the value if it never changed; else, if every value had the same shape (its text with the
 * numbers and ids in it taken out, such as {@code step #/#} or {@code id=#}), the shape with each
 * number or id shown by what it took: {@code {lo..hi}} for numbers (at most 6 integer digits),
 * {@code {N values}} for the rest; else {@code {N values}} for the whole field. Counts are exact
 * below {@link #DISTINCT} values, then estimated: {@code {~N values}}.
 *
 * <p>Owns, per part: its key (words, and a mark per field run), its first line, its count, the
 * ranks seen (a bit set), and per field and per number in a field (at most {@link #MAX_FIELDS} of
 * each) the first value's hash, the {@link #DISTINCT} smallest value hashes, and the least and
 * greatest number (as text of at most {@link #NUMBER_TEXT} bytes); per family (parts alike but for
 * one word, at most {@link #MAX_WORDS} words a line) its parts, and once merged its words' {@link
 * #DISTINCT} smallest hashes; per part that lines joined as a cluster's, their varying words'
 * {@link #DISTINCT} smallest hashes per position (at most 64). Memory is bounded by {@code
 * maxParts}: per part O(line length + 64 * 250 bytes + highest rank / 8); families at most {@code
 * maxParts * MAX_WORDS}; scratch that grows with the longest line, about 26 bytes a byte of it (its
 * key and a table of powers); and a {@link LineCache} (at most about 900 KB), through which a line
 * that differs from an earlier one in its digits only skips the scan and its unchanged fields. It
 * keeps no line other than a part's first and the cache's, works on the bytes (never decodes a line
 * it does not print), allocates per line only when a part is created or at the cap, never prints,
 * and is not thread-safe (one window, one owner).
 */
public final class TemplateAggregator implements LineAggregator {
  /** Parts that differ in one word only and become one group. */
  static final int MERGE_AT = 3;

  /**
   * The same, for a line's last word: often its verdict (ok, failed, critical), of a few values,
   * where a name (a user, a service) takes many.
   */
  static final int MERGE_AT_LAST = 8;

  /** Words besides the varying one that a family needs: a lone word is the message itself. */
  static final int CONTEXT = 2;

  /** Field runs per line, and numbers per line within them, whose values are summarised. */
  static final int MAX_FIELDS = 32;

  /** Words per line that may vary. */
  static final int MAX_WORDS = 32;

  /** Distinct values counted exactly; beyond, estimated from the smallest hashes (KMV). */
  static final int DISTINCT = 16;

  static final int NUMBER_TEXT = 24;

  /** A number with more integer digits than this is an id: counted, not ranged. */
  private static final int RANGE_DIGITS = 6;

  private static final long M = 0x9E3779B97F4A7C15L;
  private static final byte FIELD = 1;
  private static final byte WORD = 2; // a word, in a skeleton

  // byte classes
  private static final byte SPACE = 0;
  private static final byte PUNCT = 1;
  private static final byte SLASH = 2; // '/' and '\\': a path
  private static final byte SEG = 3; // '.', '-', '_': inside names and numbers
  private static final byte LETTER = 4; // and bytes >= 0x80
  private static final byte DIGIT = 5;
  private static final int TEXT = 1 << SEG | 1 << LETTER | 1 << DIGIT;

  /** The shape hash of a field that is one number (see shape). */
  private static final long NUMBER_SHAPE = mix(FIELD);

  private static final byte[] CLASS = classes();

  /** Month and week day names, as the 3-byte ints of {@link #word3}: fields, like dates. */
  private static final int[] TIME_WORDS = timeWords();

  private final int maxParts;
  private final LineCache cache;
  private int parts;
  private int last = -1;

  // per part, by creation order
  private byte[][] keys = new byte[16][];
  private long[] keyHashes = new long[16];
  private byte[][] firstLines = new byte[16][];
  private long[] counts = new long[16];
  private int[] parent = new int[16];
  private long[][] rankBits = new long[16][];
  private Stats[] stats = new Stats[16];

  /** Exact table: key hash -> part + 1, open addressing, at most half full. */
  private long[] exactHashes = new long[64];

  private int[] exactParts = new int[64];

  /** Families by hash (the key with one word wildcarded): created with parts, so rare. */
  private final Map<Long, Family> families = new HashMap<>();

  /**
   * Clusters that generalize found (skeleton, varying positions, the other words) -> a part of
   * theirs, and per skeleton the sets of varying positions: at most one entry a part.
   */
  private final Map<Long, Integer> clusters = new HashMap<>();

  private final Map<Long, Set<Long>> varyingSets = new HashMap<>();
  private boolean generalizedAtCap;

  /** Per part, the words of lines that joined it as a cluster's: KMV per position (see above). */
  private long[][][] clusterWords = new long[16][][];

  /** Merged families only, for the per-line lookup: hash -> index in merged + 1. */
  private long[] mergedHashes = new long[64];

  private int[] mergedSlots = new int[64];
  private final List<Family> merged = new ArrayList<>();

  // the line being added: its key, fields (runs of field tokens) and words
  private byte[] key = new byte[256];
  private int keyLen;
  private long hash;
  private long rawHash; // the key's polynomial hash before mixing
  private int nFields;
  private final int[] fieldStart = new int[MAX_FIELDS];
  private final int[] fieldEnd = new int[MAX_FIELDS];
  private final boolean[] fieldNumber = new boolean[MAX_FIELDS];
  private int nWords;
  private final int[] wordStart = new int[MAX_WORDS]; // where the word is in the key
  private final int[] wordEnd = new int[MAX_WORDS];
  private final boolean[] wordPrevField = new boolean[MAX_WORDS];
  private final int[] wordRaw = new int[MAX_WORDS]; // each word's ordinal, forced ones counted
  private long forcedNow; // the words (by that ordinal) the line's scan made fields
  // the key's hash before the space ahead of the word, at its start, and at its end
  private final long[] wordSpaceHash = new long[MAX_WORDS];
  private final long[] wordStartHash = new long[MAX_WORDS];
  private final long[] wordEndHash = new long[MAX_WORDS];
  private final long[] wordHash = new long[MAX_WORDS];
  private long[] pow = powers(4096);

  // scratch for a field's numbers: start, end, and the hash of the field's shape
  private final int[] numStart = new int[MAX_FIELDS];
  private final int[] numEnd = new int[MAX_FIELDS];
  private final long[] numHash = new long[MAX_FIELDS];
  private int nNums;

  /** A family: parts alike but for the word at ordinal {@code pos}. */
  private static final class Family {
    final int pos;
    final long hash;
    int[] members = new int[2];
    int size;
    boolean isMerged;
    boolean withField; // a part has a field in the word's place
    long[] words; // KMV of the words' hashes, once merged
    int wordCount;

    Family(int pos, long hash) {
      this.pos = pos;
      this.hash = hash;
    }
  }

  /** What one value slot (a field, or a number within one) took: hashes, and a numeric range. */
  private static final class Slots {
    final long[] first;
    final long[] kmv; // DISTINCT per slot, ascending: the smallest value hashes
    final int[] kmvSize;
    long varied; // bit j: slot j took another value than its first
    long notNumber; // bit j: some value of slot j is not a number, or is an id
    final double[] lo;
    final double[] hi;
    final byte[] loText;
    final byte[] hiText;
    final byte[] loLen;
    final byte[] hiLen;

    Slots(int n) {
      first = new long[n];
      kmv = new long[n * DISTINCT];
      kmvSize = new int[n];
      lo = new double[n];
      hi = new double[n];
      loText = new byte[n * NUMBER_TEXT];
      hiText = new byte[n * NUMBER_TEXT];
      loLen = new byte[n];
      hiLen = new byte[n];
      Arrays.fill(lo, Double.POSITIVE_INFINITY);
      Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    }

    /** Counts value hash v in slot j; false if it is the slot's first value (nothing to do). */
    boolean add(int j, long v) {
      if (kmvSize[j] == 0) {
        first[j] = v;
      } else if (v == first[j]) {
        return false;
      } else {
        varied |= 1L << j;
      }
      kmvSize[j] = kmvAdd(kmv, j * DISTINCT, kmvSize[j], v);
      return true;
    }
  }

  /** Per part: its fields (whole runs), their shapes, and the numbers inside them. */
  private static final class Stats {
    final int fields;
    final Slots whole;
    final long[] shape; // each field's first shape hash
    long shapeVaried; // bit j: field j took another shape
    final int[] numFrom; // field j's numbers are [numFrom[j], numFrom[j + 1])
    final Slots nums;

    Stats(int fields, int[] numFrom) {
      this.fields = fields;
      this.whole = new Slots(fields);
      this.shape = new long[fields];
      this.numFrom = numFrom;
      this.nums = new Slots(numFrom[fields]);
    }
  }

  /** {@code maxParts}: the cap on parts per window, at least 1. */
  public TemplateAggregator(int maxParts) {
    this(maxParts, LineCache.LONGEST);
  }

  /** With lines of up to {@code longestCached} bytes looked up in the line cache (0: none). */
  TemplateAggregator(int maxParts, int longestCached) {
    if (maxParts < 1) {
      throw new IllegalArgumentException("maxParts must be >= 1, got " + maxParts);
    }
    this.maxParts = maxParts;
    this.cache = new LineCache(longestCached);
  }

  @Override
  public boolean add(int rank, byte[] b, int off, int len) {
    int end = off + len;
    int from = off + rankPrefix(rank, b, off, end);
    int e = cache.probe(rank, b, from, end);
    if (e >= 0) { // as a line seen before but for its digits: its part, its fields' places
      int p = cache.part(e);
      int[] l = cache.layout(e);
      nFields = cache.fields(e);
      for (int j = 0; j < nFields; j++) {
        fieldStart[j] = from + l[3 * j];
        fieldEnd[j] = from + l[3 * j + 1];
        fieldNumber[j] = l[3 * j + 2] != 0;
      }
      join(p, rank, b, from, cache.changed());
      last = p;
      return true;
    }
    forcedNow = 0;
    scan(b, from, end, 0);
    int p = findExact();
    if (p < 0) {
      p = findMerged(b, from, end);
    }
    if (p < 0 && parts == maxParts) {
      p = findCluster();
      if (p < 0) {
        return false;
      }
    } else if (p < 0) {
      p = newPart(b, from, end);
    }
    if (forcedNow == 0 && keyLen == keys[p].length && keyHashes[p] == hash) {
      // the line's own key is p's (not a family's or a cluster's): lines like it go there too
      cache.remember(rank, b, from, end, p, nFields, fieldStart, fieldEnd, fieldNumber);
    }
    join(p, rank, b, from, -1L);
    last = p;
    return true;
  }

  @Override
  public int lastGroup() {
    return last;
  }

  @Override
  public boolean isEmpty() {
    return parts == 0;
  }

  /** The length of {@code [rank] } at b[off, end), or 0 if the line does not start with it. */
  private static int rankPrefix(int rank, byte[] b, int off, int end) {
    if (rank < 0 || end - off < 4 || b[off] != '[') {
      return 0;
    }
    long v = 0;
    int i = off + 1;
    while (i < end && i - off <= 10 && b[i] >= '0' && b[i] <= '9') {
      v = v * 10 + (b[i++] - '0');
    }
    if (i == off + 1 || i + 1 >= end || b[i] != ']' || b[i + 1] != ' ' || v != rank) {
      return 0;
    }
    return i + 2 - off;
  }

  /** Cuts b[from, end) into the key (key[0, keyLen), its hashes), field runs and words. */
  private void scan(byte[] b, int from, int end, long forced) {
    int need = 2 * (end - from) + 2;
    if (key.length < need) {
      key = new byte[Math.max(need, key.length * 2)];
    }
    if (pow.length < need) {
      pow = powers(Math.max(need, pow.length * 2));
    }
    byte[] k = key;
    int kl = 0;
    long h = 0;
    int nf = 0;
    int nw = 0;
    int raw = 0; // tokens that would be words, the forced ones included
    boolean inField = false;
    int i = from;
    while (i < end) {
      if (CLASS[b[i] & 0xff] == SPACE) {
        i++;
        continue;
      }
      int s = i;
      i = nextToken(b, s, end);
      long th = tokHash; // a word's (a field's value is hashed in join)
      int valueKinds = tokKinds;
      if (tokLabel > 0) { // name=value: the name is part of the key, the value a new field
        valueKinds = 0;
        for (int j = tokLabel; j < i; j++) {
          valueKinds |= 1 << CLASS[b[j] & 0xff];
        }
        inField = false;
        if (kl > 0) {
          k[kl++] = ' ';
          h = h * M + ' ';
        }
        for (int j = s; j < tokLabel; j++) {
          k[kl++] = b[j];
          h = h * M + b[j];
        }
      }
      boolean field = isField(b, s, i, tokKinds, inField);
      if (!field) {
        field = raw < 64 && (forced >>> raw & 1) != 0; // a word known to vary here
        raw++;
      }
      if (field) {
        if (inField) { // the run goes on
          if (nf <= MAX_FIELDS) {
            fieldEnd[nf - 1] = i;
            fieldNumber[nf - 1] = false;
          }
          record(s, i, 2);
          continue;
        }
        inField = true;
        if (kl > 0 && tokLabel < 0) { // a name= and its mark go together
          k[kl++] = ' ';
          h = h * M + ' ';
        }
        k[kl++] = FIELD;
        h = h * M + FIELD;
        if (nf < MAX_FIELDS) {
          fieldStart[nf] = tokLabel > 0 ? tokLabel : s;
          fieldEnd[nf] = i;
          // one number, such as 42, -7 or 0.91 (digits first and last): its shape is known
          fieldNumber[nf] =
              (valueKinds & ~(1 << DIGIT | 1 << SEG)) == 0
                  && CLASS[b[fieldStart[nf]] & 0xff] == DIGIT
                  && CLASS[b[i - 1] & 0xff] == DIGIT;
        }
        nf++;
        record(s, i, 1);
        continue;
      }
      if (nw < MAX_WORDS) {
        wordPrevField[nw] = inField;
        wordSpaceHash[nw] = h;
        wordRaw[nw] = raw - 1;
      }
      inField = false;
      if (kl > 0) {
        k[kl++] = ' ';
        h = h * M + ' ';
      }
      if (nw < MAX_WORDS) {
        wordStart[nw] = kl;
        wordStartHash[nw] = h;
      }
      System.arraycopy(b, s, k, kl, i - s);
      kl += i - s;
      h = h * pow[i - s] + th; // as if the word's bytes went in one by one
      if (nw < MAX_WORDS) {
        wordEnd[nw] = kl;
        wordEndHash[nw] = h;
        wordHash[nw] = mix(th);
      }
      nw++;
      record(s, i, 0);
    }
    keyLen = kl;
    rawHash = h;
    hash = mix(h + kl);
    nFields = Math.min(nf, MAX_FIELDS);
    nWords = nw;
  }

  // What scan saw, token by token, while {@code recording} (summarise reads a first line back):
  // start, end, and kind (0 a word, 1 a field that starts a run, 2 one that continues it).
  private boolean recording;
  private int[] recStart = new int[16];
  private int[] recEnd = new int[16];
  private byte[] recKind = new byte[16];
  private int recN;

  private void record(int s, int e, int kind) {
    if (!recording) {
      return;
    }
    if (recN == recStart.length) {
      recStart = Arrays.copyOf(recStart, 2 * recN);
      recEnd = Arrays.copyOf(recEnd, 2 * recN);
      recKind = Arrays.copyOf(recKind, 2 * recN);
    }
    recStart[recN] = s;
    recEnd[recN] = e;
    recKind[recN++] = (byte) kind;
  }

  // the token nextToken found: its byte classes (a bit each), and where its value starts if it is
  // name=value (else -1)
  private int tokKinds;
  private int tokLabel;
  private long tokHash;

  /**
   * The end of the token at b[s] (s not white space): up to white space, except that a quoted value
   * ({@code name="two words"}) runs to its closing quote.
   */
  private int nextToken(byte[] b, int s, int end) {
    int kinds = 0;
    int eq = -1;
    long th = 0;
    int i = s;
    for (; i < end; i++) {
      byte x = b[i];
      int c = CLASS[x & 0xff];
      if (c == SPACE) {
        break;
      }
      kinds |= 1 << c;
      th = th * M + x;
      if (c == PUNCT) {
        if (eq < 0 && (x == '=' || x == ':' && i > s && b[i - 1] == '"')) {
          eq = i; // name=value, or a JSON member "name":value
        }
        if (x == ',' && i + 1 < end && b[i + 1] == '"') {
          i++; // a JSON member ends at its comma: the next one is a token of its own
          break;
        }
      }
    }
    tokLabel = -1;
    if (eq > s && b[eq] == ':' && message(b, s, eq)) {
      // the words of a JSON log's message say what happened: they stay words
    } else if (eq > s && eq + 1 < i && !hasDigit(b, s, eq)) {
      tokLabel = eq + 1;
      kinds |= 1 << DIGIT; // a value, whatever it looks like
      if (b[eq + 1] == '"' && indexOf(b, '"', eq + 2, i) < 0) {
        int close = indexOf(b, '"', i, Math.min(end, i + 256));
        if (close >= 0) {
          i = close + 1;
          while (i < end && CLASS[b[i] & 0xff] != SPACE) {
            i++;
          }
          th = 0;
          for (int j = s; j < i; j++) {
            th = th * M + b[j];
          }
        }
      }
    }
    tokKinds = kinds;
    tokHash = th;
    return i;
  }

  /** Whether b[s, colon) ends in the name of a JSON log's message: "msg", "message" or "event". */
  private static boolean message(byte[] b, int s, int colon) {
    int close = colon - 1; // the quote before the colon
    int open = close - 1;
    while (open >= s && b[open] != '"') {
      open--;
    }
    int len = close - open - 1;
    if (open < s || len != 3 && len != 5 && len != 7) {
      return false;
    }
    for (byte[] name : MESSAGE_KEYS) {
      if (name.length == len && Arrays.equals(name, 0, len, b, open + 1, close)) {
        return true;
      }
    }
    return false;
  }

  private static final byte[][] MESSAGE_KEYS = {
    "msg".getBytes(StandardCharsets.US_ASCII),
    "message".getBytes(StandardCharsets.US_ASCII),
    "event".getBytes(StandardCharsets.US_ASCII)
  };

  private static boolean hasDigit(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      if (CLASS[b[i] & 0xff] == DIGIT) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] b, int c, int s, int e) {
    for (int i = s; i < e; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether token b[s, e) (holding the byte classes in bit set {@code kinds}) is a field: it has a
   * digit, or is a month or day name, a path (a '/' or '\\' in it), punctuation alone ({@code -},
   * {@code ()}), or a unit right after a field ({@code 12 ms}, {@code (1.2 KB)}).
   */
  private static boolean isField(byte[] b, int s, int e, int kinds, boolean afterField) {
    if ((kinds & (1 << DIGIT | 1 << SLASH)) != 0 || (kinds & TEXT) == 0) {
      return true;
    }
    return timeWord(b, s, e) || afterField && unit(b, s, e);
  }

  /** Whether b[s, e), less trailing punctuation, is a unit of size or time. */
  private static boolean unit(byte[] b, int s, int e) {
    while (e > s && CLASS[b[e - 1] & 0xff] == PUNCT) {
      e--;
    }
    if (e - s > 7 || e == s) {
      return false;
    }
    long packed = 0;
    for (int i = s; i < e; i++) {
      packed = packed << 8 | (b[i] & 0xff);
    }
    return Arrays.binarySearch(UNITS, packed) >= 0;
  }

  /** Units of size and time, each packed into a long (up to 7 bytes), sorted. */
  private static final long[] UNITS = units();

  private static long[] units() {
    String[] names = {
      "B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "kB", "bytes", "byte", "ms", "us",
      "ns", "s", "sec", "secs", "seconds", "min", "mins", "minutes", "h", "hours"
    };
    long[] u = new long[names.length];
    for (int i = 0; i < names.length; i++) {
      for (char c : names[i].toCharArray()) {
        u[i] = u[i] << 8 | c;
      }
    }
    Arrays.sort(u);
    return u;
  }

  /** Whether b[s, e) is a month or week day name (Jan, Mon, Jan. or Mon, too). */
  private static boolean timeWord(byte[] b, int s, int e) {
    int n = e - s;
    if (n != 3 && (n != 4 || (b[e - 1] != ',' && b[e - 1] != '.')) || b[s] < 'A' || b[s] > 'Z') {
      return false;
    }
    int w = word3(b[s], b[s + 1], b[s + 2]);
    return Arrays.binarySearch(TIME_WORDS, w) >= 0;
  }

  private static int word3(int a, int b, int c) {
    return (a & 0xff) << 16 | (b & 0xff) << 8 | (c & 0xff);
  }

  /** The part whose key is the line's, or -1. */
  private int findExact() {
    long[] hs = exactHashes;
    int mask = hs.length - 1;
    for (int at = (int) hash & mask; ; at = (at + 1) & mask) {
      int p = exactParts[at] - 1;
      if (p < 0) {
        return -1;
      }
      if (hs[at] == hash
          && keys[p].length == keyLen
          && Arrays.equals(keys[p], 0, keyLen, key, 0, keyLen)) {
        return p;
      }
    }
  }

  /**
   * The hash of the line's key with word w made a field: the key a line with a field there has
   * (next to a field, the word joins its run). A part with that key, or parts alike but for that
   * word, are its family.
   */
  private long familyHash(int w) {
    int s = wordStart[w];
    int e = wordEnd[w];
    boolean nextField = e + 1 < keyLen && key[e + 1] == FIELD;
    long hs = wordStartHash[w]; // the hash of key[0, s)
    long he = wordEndHash[w]; // the hash of key[0, e)
    boolean repl = false;
    if (wordPrevField[w]) {
      s--; // the space after the field; with a field after the word, that one goes too
      hs = wordSpaceHash[w];
      if (nextField) {
        e += 2;
        he = (he * M + ' ') * M + FIELD;
      }
    } else if (nextField) {
      e++; // the space before the next field
      he = he * M + ' ';
    } else {
      repl = true;
    }
    int tail = keyLen - e;
    long suffix = rawHash - he * pow[tail];
    long head = repl ? hs * M + FIELD : hs;
    int len = s + (repl ? 1 : 0) + tail;
    return mix(head * pow[tail] + suffix + len);
  }

  /** Whether word w of the line may vary: it has enough other words around it. */
  private boolean mayVary(int w) {
    return w < MAX_WORDS && nWords > CONTEXT;
  }

  /**
   * The part a line with no part of its own belongs to, or -1: a part with a field where the line
   * has a word (the line is rescanned with that word as a field, so its value counts there), or the
   * first part of a merged family (its word counted there).
   */
  private int findMerged(byte[] b, int from, int end) {
    for (int w = 0; w < nWords && mayVary(w); w++) {
      long fh = familyHash(w);
      int q = exactHash(fh);
      if (q >= 0) {
        forcedNow |= 1L << wordRaw[w];
        scan(b, from, end, forcedNow);
        return q;
      }
      int f = merged.isEmpty() ? -1 : lookupMerged(fh);
      if (f >= 0) {
        Family fam = merged.get(f);
        fam.wordCount = kmvAdd(fam.words, 0, fam.wordCount, wordHash[w]);
        return fam.members[0];
      }
    }
    return -1;
  }

  private int lookupMerged(long fh) {
    long[] hs = mergedHashes;
    int mask = hs.length - 1;
    for (int at = (int) fh & mask; ; at = (at + 1) & mask) {
      int f = mergedSlots[at] - 1;
      if (f < 0) {
        return -1;
      }
      if (hs[at] == fh) {
        return f;
      }
    }
  }

  private void putMerged(Family fam) {
    merged.add(fam);
    if (2 * merged.size() > mergedHashes.length) {
      mergedHashes = new long[mergedHashes.length * 2];
      mergedSlots = new int[mergedHashes.length];
      for (int f = 0; f < merged.size() - 1; f++) {
        insertMerged(merged.get(f).hash, f);
      }
    }
    insertMerged(fam.hash, merged.size() - 1);
  }

  private void insertMerged(long fh, int f) {
    int mask = mergedHashes.length - 1;
    int at = (int) fh & mask;
    while (mergedSlots[at] != 0) {
      at = (at + 1) & mask;
    }
    mergedHashes[at] = fh;
    mergedSlots[at] = f + 1;
  }

  private int newPart(byte[] b, int from, int end) {
    int p = parts;
    if (p == keys.length) {
      int cap = (int) Math.min(maxParts, 2L * p);
      keys = Arrays.copyOf(keys, cap);
      keyHashes = Arrays.copyOf(keyHashes, cap);
      firstLines = Arrays.copyOf(firstLines, cap);
      counts = Arrays.copyOf(counts, cap);
      parent = Arrays.copyOf(parent, cap);
      rankBits = Arrays.copyOf(rankBits, cap);
      stats = Arrays.copyOf(stats, cap);
      clusterWords = Arrays.copyOf(clusterWords, cap);
    }
    keys[p] = Arrays.copyOf(key, keyLen);
    keyHashes[p] = hash;
    firstLines[p] = Arrays.copyOfRange(b, from, end);
    counts[p] = 0;
    parent[p] = p;
    rankBits[p] = null;
    stats[p] = newStats(b);
    parts++;
    putExact(p);
    Family mine = families.get(hash); // parts with a word where this one has a field
    if (mine != null) {
      merge(mine);
    }
    for (int w = 0; w < nWords && mayVary(w); w++) {
      long fh = familyHash(w);
      int pos = w;
      Family fam = families.computeIfAbsent(fh, x -> new Family(pos, x));
      if (fam.size == fam.members.length) {
        fam.members = Arrays.copyOf(fam.members, fam.size * 2);
      }
      fam.members[fam.size++] = p;
      if (fam.isMerged) {
        union(fam.members[0], p);
        fam.wordCount = kmvAdd(fam.words, 0, fam.wordCount, wordHash[w]);
      } else if (fam.size >= (w < nWords - 1 ? MERGE_AT : MERGE_AT_LAST) || exactHash(fh) >= 0) {
        merge(fam);
      }
    }
    return p;
  }

  /**
   * Makes a family one group, with the part that has a field at its word if there is one; its words
   * are counted from its parts' keys.
   */
  private void merge(Family fam) {
    if (!fam.isMerged) {
      fam.isMerged = true;
      fam.words = new long[DISTINCT];
      for (int m = 0; m < fam.size; m++) {
        union(fam.members[0], fam.members[m]);
        fam.wordCount = kmvAdd(fam.words, 0, fam.wordCount, wordHashes(fam.members[m])[fam.pos]);
      }
      putMerged(fam);
    }
    int q = exactHash(fam.hash);
    if (q >= 0) {
      union(fam.members[0], q);
      fam.withField = true;
    }
  }

  /** The part whose key hash is h, or -1. */
  private int exactHash(long h) {
    int mask = exactHashes.length - 1;
    for (int at = (int) h & mask; ; at = (at + 1) & mask) {
      int p = exactParts[at] - 1;
      if (p < 0 || exactHashes[at] == h) {
        return p;
      }
    }
  }

  /** Stats for a new part: its fields' shapes and where their numbers go. */
  private Stats newStats(byte[] b) {
    int[] numFrom = new int[nFields + 1];
    long[] shapes = new long[nFields];
    int total = 0;
    for (int j = 0; j < nFields; j++) {
      numFrom[j] = total;
      shapes[j] = shape(b, fieldStart[j], fieldEnd[j]);
      total = Math.min(MAX_FIELDS, total + nNums);
    }
    numFrom[nFields] = total;
    Stats s = new Stats(nFields, numFrom);
    System.arraycopy(shapes, 0, s.shape, 0, nFields);
    return s;
  }

  /**
   * The hash of the shape of field b[s, e): its text with each value slot as one mark, the slots
   * going to numStart/numEnd/numHash. A slot is a number, a run of digits and of dots between
   * digits ({@code 42}, {@code 0.91}, {@code 10.0.0.1}), or a hex id (6 or more hex digits, one a
   * digit at least, letters and digits on neither side: {@code 9f3a2c01}). So {@code step 3/40} and
   * {@code step 19/40} share a shape, {@code blk_} and {@code ms} stay in it, and a field whose
   * shape changes from line to line is shown as a count of values.
   */
  private long shape(byte[] b, int s, int e) {
    long h = 0;
    int n = 0;
    int i = s;
    while (i < e) {
      byte x = b[i];
      boolean digit = x >= '0' && x <= '9';
      if (!digit && !HEX[x & 0xff]) {
        h = h * M + x;
        i++;
        continue;
      }
      boolean start = i == s || !ALNUM[b[i - 1] & 0xff];
      int ns = i;
      if (digit) {
        while (i < e && b[i] >= '0' && b[i] <= '9') {
          i++;
        }
        if (i < e && HEX[b[i] & 0xff] && start) { // 3f2a..: perhaps a hex id after all
          int id = hexId(b, ns, e);
          i = id > 0 ? id : i;
        } else {
          while (i + 1 < e && b[i] == '.' && isDigit(b[i + 1])) { // 0.91, 10.0.0.1
            i += 2;
            while (i < e && b[i] >= '0' && b[i] <= '9') {
              i++;
            }
          }
        }
      } else { // a hex letter: an id that starts with one, or a letter of the shape
        int id = start ? hexId(b, i, e) : -1;
        if (id < 0) {
          h = h * M + x;
          i++;
          continue;
        }
        i = id;
      }
      h = h * M + FIELD;
      if (n < MAX_FIELDS) {
        numStart[n] = ns;
        numEnd[n] = i;
        numHash[n] = valueHash(b, ns, i);
        n++;
      }
    }
    nNums = n;
    return mix(h);
  }

  /**
   * The hash of a value b[s, e): a field's (its run, spaces included) or a number's in it. Every
   * field of every line is hashed, so 8 bytes at a time.
   */
  private static long valueHash(byte[] b, int s, int e) {
    long v = e - s;
    int i = s;
    for (; i + 8 <= e; i += 8) {
      v = Long.rotateLeft((v ^ (long) LONGS.get(b, i)) * M, 29);
    }
    for (; i < e; i++) {
      v = Long.rotateLeft((v ^ (b[i] & 0xff)) * M, 29);
    }
    return mix(v);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The end of the hex id at b[i, e) (see shape), or -1 if there is none. */
  private static int hexId(byte[] b, int i, int e) {
    int j = i;
    boolean digit = false;
    for (; j < e && HEX[b[j] & 0xff]; j++) {
      digit |= isDigit(b[j]);
    }
    boolean decimal = j + 1 < e && b[j] == '.' && isDigit(b[j + 1]);
    return digit && j - i >= 6 && (j == e || !ALNUM[b[j] & 0xff]) && !decimal ? j : -1;
  }

  private static final boolean[] HEX = new boolean[256];
  private static final boolean[] ALNUM = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      HEX[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
      ALNUM[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The hashes of part p's words, in order (the ordinals of {@link #scan}): the key's space
   * separated pieces, less fields (a mark, or a {@code name=} and a mark).
   */
  private long[] wordHashes(int p) {
    return wordHashes(keys[p], keys[p].length);
  }

  private static long[] wordHashes(byte[] k, int len) {
    long[] out = new long[8];
    int n = 0;
    for (int i = 0; i < len; i++) {
      int s = i;
      long sh = 0;
      for (; i < len && k[i] != ' '; i++) {
        sh = sh * M + k[i];
      }
      if (i > s && k[i - 1] != FIELD) {
        if (n == out.length) {
          out = Arrays.copyOf(out, 2 * n);
        }
        out[n++] = mix(sh);
      }
    }
    return Arrays.copyOf(out, n);
  }

  private void union(int a, int b) {
    int ra = root(a);
    int rb = root(b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  private int root(int p) {
    while (parent[p] != p) {
      parent[p] = parent[parent[p]];
      p = parent[p];
    }
    return p;
  }

  private void putExact(int p) {
    if (2 * parts > exactHashes.length) {
      exactHashes = new long[exactHashes.length * 2];
      exactParts = new int[exactHashes.length];
      for (int q = 0; q < parts - 1; q++) {
        insertExact(q);
      }
    }
    insertExact(p);
  }

  private void insertExact(int p) {
    int mask = exactHashes.length - 1;
    int at = (int) keyHashes[p] & mask;
    while (exactParts[at] != 0) {
      at = (at + 1) & mask;
    }
    exactHashes[at] = keyHashes[p];
    exactParts[at] = p + 1;
  }

  /**
   * Counts the line (scanned into the scratch, starting at b[from]) in part p, skipping fields in
   * none of the line's 8-byte words set in {@code changed} (see {@link LineCache#changed}).
   */
  private void join(int p, int rank, byte[] b, int lineStart, long changed) {
    counts[p]++;
    if (rank >= 0) {
      long[] bits = rankBits[p];
      int word = rank >>> 6;
      if (bits == null || bits.length <= word) {
        bits = rankBits[p] = bits == null ? new long[word + 1] : Arrays.copyOf(bits, word + 1);
      }
      bits[word] |= 1L << rank;
    }
    Stats st = stats[p];
    int n = Math.min(st.fields, nFields);
    for (int j = 0; j < n; j++) {
      if (changed != -1L
          && (changed & words(fieldStart[j] - lineStart, fieldEnd[j] - lineStart)) == 0) {
        continue; // the value it had in the last line like this one, already counted
      }
      long v = valueHash(b, fieldStart[j], fieldEnd[j]);
      int from = st.numFrom[j];
      if (fieldNumber[j] && st.shape[j] == NUMBER_SHAPE && st.numFrom[j + 1] > from) {
        // the common case, one number: its value hash is the field's (see shape), so its values
        // are counted once, in the number's slot (fieldText reads them there)
        if (st.whole.kmvSize[j] == 0) {
          st.whole.add(j, v);
        } else if (v != st.whole.first[j]) {
          st.whole.varied |= 1L << j;
        }
        if (st.nums.add(from, v) && (st.nums.notNumber & (1L << from)) == 0) {
          number(st.nums, from, b, fieldStart[j], fieldEnd[j]);
        }
        continue;
      }
      if (!st.whole.add(j, v)) {
        continue; // the field's first value again
      }
      if (shape(b, fieldStart[j], fieldEnd[j]) != st.shape[j]) {
        st.shapeVaried |= 1L << j;
        continue;
      }
      int count = Math.min(nNums, st.numFrom[j + 1] - from);
      for (int k = 0; k < count; k++) {
        if (st.nums.add(from + k, numHash[k]) && (st.nums.notNumber & (1L << (from + k))) == 0) {
          number(st.nums, from + k, b, numStart[k], numEnd[k]);
        }
      }
    }
  }

  /** The bits of the 8-byte words that bytes [s, e) of a line (e > s, e <= 512) fall in. */
  private static long words(int s, int e) {
    int first = s >>> 3;
    int last = (e - 1) >>> 3;
    long upTo = last == 63 ? -1L : (1L << (last + 1)) - 1;
    return upTo & (-1L << first);
  }

  /** Reads b[s, e) as a number into slot j's range, or marks the slot as not numeric. */
  private static void number(Slots f, int j, byte[] b, int s, int e) {
    int i = s;
    boolean neg = false;
    if (i < e && b[i] == '-') {
      neg = true;
      i++;
    }
    long mant = 0;
    int digits = 0;
    int intDigits = 0;
    int scale = 0;
    for (; i < e && b[i] >= '0' && b[i] <= '9'; i++, intDigits++) {
      if (digits < 18) {
        mant = mant * 10 + (b[i] - '0');
        digits++;
      } else {
        scale++;
      }
    }
    if (i < e && b[i] == '.') {
      i++;
      for (; i < e && b[i] >= '0' && b[i] <= '9'; i++) {
        if (digits < 18) {
          mant = mant * 10 + (b[i] - '0');
          digits++;
          scale--;
        }
      }
    }
    if (i != e || intDigits == 0 || intDigits > RANGE_DIGITS || e - s > NUMBER_TEXT) {
      f.notNumber |= 1L << j;
      return;
    }
    double v =
        scale >= 0
            ? mant * (scale < POW10.length ? POW10[scale] : Math.pow(10, scale))
            : mant / (-scale < POW10.length ? POW10[-scale] : Math.pow(10, -scale));
    if (neg) {
      v = -v;
    }
    if (v < f.lo[j]) {
      f.lo[j] = v;
      System.arraycopy(b, s, f.loText, j * NUMBER_TEXT, e - s);
      f.loLen[j] = (byte) (e - s);
    }
    if (v > f.hi[j]) {
      f.hi[j] = v;
      System.arraycopy(b, s, f.hiText, j * NUMBER_TEXT, e - s);
      f.hiLen[j] = (byte) (e - s);
    }
  }

  /**
   * Adds hash v to the ascending KMV sketch a[at, at + size) of capacity DISTINCT; returns the new
   * size. Keeps the DISTINCT smallest distinct hashes.
   */
  static int kmvAdd(long[] a, int at, int size, long v) {
    if (size == DISTINCT && v >= a[at + DISTINCT - 1]) {
      return size;
    }
    int i = size;
    while (i > 0 && a[at + i - 1] > v) {
      i--;
    }
    if (i > 0 && a[at + i - 1] == v) {
      return size;
    }
    int n = Math.min(size, DISTINCT - 1);
    System.arraycopy(a, at + i, a, at + i + 1, n - i);
    a[at + i] = v;
    return n + 1;
  }

  /** Distinct values from a KMV sketch: exact below DISTINCT, else estimated. */
  static long kmvCount(long[] a, int size) {
    if (size < DISTINCT) {
      return size;
    }
    double kth = (double) a[DISTINCT - 1] / Long.MAX_VALUE; // hashes are in [0, 2^63)
    return Math.max(DISTINCT, Math.round((DISTINCT - 1) / kth));
  }

  @Override
  public List<Summary> drain() {
    if (parts == 0) {
      return List.of();
    }
    generalize();
    List<Summary> out = new ArrayList<>();
    int[] next = new int[parts]; // each root's members, chained in creation order
    int[] tail = new int[parts];
    Arrays.fill(next, -1);
    for (int p = 0; p < parts; p++) {
      int r = root(p);
      if (r != p) {
        next[tail[r]] = p;
      }
      tail[r] = p;
    }
    Map<Integer, List<Family>> fams = new HashMap<>();
    for (Family fam : merged) {
      fams.computeIfAbsent(root(fam.members[0]), x -> new ArrayList<>()).add(fam);
    }
    for (int r = 0; r < parts; r++) {
      if (root(r) == r) {
        out.add(summarise(r, next, fams.getOrDefault(r, List.of())));
      }
    }
    reset();
    return out;
  }

  /**
   * Words that vary together (a host and a user name in one line), found as families find one:
   * parts of one skeleton (the same number of words, and fields and names in the same places) start
   * as clusters of their own, each with the set of word positions known to vary in it (none); at
   * position q, clusters with the same set and the same words outside it and q become one, with q
   * added to the set, once {@link #MERGE_AT} of them differ at q ({@link #MERGE_AT_LAST} for the
   * last word); repeated until nothing changes. A position learnt in one cluster says nothing about
   * another, so unrelated events of one skeleton do not run together. Runs at the window's end,
   * over the parts: O(parts * words^2) a round, at most words rounds.
   */
  private void generalize() {
    Map<Long, List<Integer>> bySkeleton = new HashMap<>();
    long[][] words = new long[parts][];
    for (int p = 0; p < parts; p++) {
      words[p] = wordHashes(p);
      if (words[p].length > CONTEXT) {
        bySkeleton.computeIfAbsent(skeleton(p), x -> new ArrayList<>()).add(p);
      }
    }
    for (List<Integer> bucket : bySkeleton.values()) {
      int m = bucket.size();
      if (m < MERGE_AT) {
        continue;
      }
      int n = Math.min(words[bucket.get(0)].length, 64);
      int[] cluster = new int[m]; // a part's cluster: the index of its first part
      long[] varying = new long[m]; // per cluster (at its first part): positions that vary
      for (int i = 0; i < m; i++) {
        cluster[i] = i;
      }
      for (boolean changed = true; changed; ) {
        changed = false;
        for (int q = 0; q < n; q++) {
          Map<Long, List<Integer>> alike = new HashMap<>();
          for (int i = 0; i < m; i++) {
            if (cluster[i] == i && (varying[i] >>> q & 1) == 0) {
              long key = rest(words[bucket.get(i)], varying[i] | 1L << q) * 31 + varying[i];
              alike.computeIfAbsent(key, x -> new ArrayList<>()).add(i);
            }
          }
          int need = q < words[bucket.get(0)].length - 1 ? MERGE_AT : MERGE_AT_LAST;
          for (List<Integer> g : alike.values()) {
            if (g.size() < need) {
              continue;
            }
            Set<Long> values = new HashSet<>();
            for (int i : g) {
              values.add(words[bucket.get(i)][q]);
            }
            if (values.size() >= need) {
              int first = g.get(0);
              varying[first] |= 1L << q;
              for (int i : g) {
                cluster[i] = first;
              }
              changed = true;
            }
          }
        }
        for (int i = 0; i < m; i++) { // parts follow their cluster into the one it joined
          cluster[i] = cluster[cluster[i]];
        }
        changed |= absorb(bucket, words, cluster, varying);
      }
      long skel = skeleton(bucket.get(0));
      for (int i = 0; i < m; i++) {
        union(bucket.get(cluster[i]), bucket.get(i));
        if (cluster[i] == i && varying[i] != 0) {
          varyingSets.computeIfAbsent(skel, x -> new HashSet<>()).add(varying[i]);
          clusters.put(
              clusterKey(skel, varying[i], rest(words[bucket.get(i)], varying[i])), bucket.get(i));
        }
      }
    }
  }

  /**
   * Once the parts are at the cap: the part of a cluster (see generalize) that the line in the
   * scratch belongs to, or -1. Lets a window of many values (hosts times users) keep grouping
   * instead of printing every new combination on its own.
   */
  private int findCluster() {
    if (!generalizedAtCap) {
      generalize();
      generalizedAtCap = true;
    }
    long skel = skeleton(key, keyLen);
    Set<Long> sets = varyingSets.get(skel);
    if (sets == null) {
      return -1;
    }
    long[] lineWords = wordHashes(key, keyLen);
    for (long set : sets) {
      Integer p = clusters.get(clusterKey(skel, set, rest(lineWords, set)));
      if (p != null) {
        if (clusterWords[p] == null) {
          clusterWords[p] = new long[64][];
        }
        for (int q = 0; q < Math.min(64, lineWords.length); q++) { // its words, for the summary
          if ((set >>> q & 1) != 0) {
            long[] kmv = clusterWords[p][q];
            if (kmv == null) {
              kmv = clusterWords[p][q] = new long[DISTINCT + 1]; // the last slot: the size
            }
            kmv[DISTINCT] = kmvAdd(kmv, 0, (int) kmv[DISTINCT], lineWords[q]);
          }
        }
        return p;
      }
    }
    return -1;
  }

  private static long clusterKey(long skeleton, long varying, long rest) {
    return mix(mix(skeleton * M + varying) * M + rest);
  }

  /**
   * Clusters whose words differ from a larger cluster's only where that one varies join it (a part
   * that came too late, or too rarely, to make a family of its own). Returns whether any did.
   */
  private static boolean absorb(
      List<Integer> bucket, long[][] words, int[] cluster, long[] varying) {
    int m = cluster.length;
    Set<Long> sets = new HashSet<>();
    for (int i = 0; i < m; i++) {
      if (cluster[i] == i && varying[i] != 0) {
        sets.add(varying[i]);
      }
    }
    boolean joined = false;
    for (long set : sets) {
      Map<Long, Integer> byRest = new HashMap<>();
      for (int i = 0; i < m; i++) {
        if (cluster[i] == i && varying[i] == set) {
          byRest.putIfAbsent(rest(words[bucket.get(i)], set), i);
        }
      }
      for (int i = 0; i < m; i++) {
        if (cluster[i] == i && varying[i] != set && (varying[i] & ~set) == 0) {
          Integer into = byRest.get(rest(words[bucket.get(i)], set));
          if (into != null) {
            cluster[i] = into;
            joined = true;
          }
        }
      }
    }
    for (int i = 0; i < m; i++) {
      cluster[i] = cluster[cluster[i]];
    }
    return joined;
  }

  /** The hash of the words outside the positions in {@code skip} (the first 64 words). */
  private static long rest(long[] words, long skip) {
    long h = 0;
    for (int i = 0; i < words.length; i++) {
      h = h * M + (i < 64 && (skip >>> i & 1) != 0 ? 0 : words[i]);
    }
    return mix(h);
  }

  /** The hash of part p's key with each word as one mark: its fields, names and punctuation. */
  private long skeleton(int p) {
    return skeleton(keys[p], keys[p].length);
  }

  private static long skeleton(byte[] k, int len) {
    long h = 0;
    for (int i = 0; i < len; i++) {
      int s = i;
      while (i < len && k[i] != ' ') {
        i++;
      }
      if (k[i - 1] == FIELD) {
        for (int j = s; j < i; j++) {
          h = h * M + k[j];
        }
      } else {
        h = h * M + WORD;
      }
      h = h * M + ' ';
    }
    return mix(h);
  }

  private void reset() {
    Arrays.fill(keys, 0, parts, null);
    Arrays.fill(firstLines, 0, parts, null);
    Arrays.fill(stats, 0, parts, null);
    Arrays.fill(rankBits, 0, parts, null);
    Arrays.fill(clusterWords, 0, parts, null);
    if (exactParts.length > 4 * Math.max(64, parts)) {
      exactHashes = new long[64];
      exactParts = new int[64];
    } else {
      Arrays.fill(exactParts, 0);
    }
    Arrays.fill(mergedSlots, 0);
    families.clear();
    merged.clear();
    clusters.clear();
    varyingSets.clear();
    generalizedAtCap = false;
    cache.clear();
    parts = 0;
    last = -1;
  }

  /** The summary of the group rooted at r, whose members follow r in next[]. */
  private Summary summarise(int r, int[] next, List<Family> fams) {
    List<Integer> members = new ArrayList<>();
    long count = 0;
    long[] ranks = new long[0];
    for (int p = r; p >= 0; p = next[p]) {
      members.add(p);
      count += counts[p];
      long[] bits = rankBits[p];
      if (bits != null) {
        if (ranks.length < bits.length) {
          ranks = Arrays.copyOf(ranks, bits.length);
        }
        for (int i = 0; i < bits.length; i++) {
          ranks[i] |= bits[i];
        }
      }
    }
    long[][] words = new long[members.size()][];
    for (int m = 0; m < words.length; m++) {
      words[m] = wordHashes(members.get(m));
    }
    byte[] line = firstLines[r];
    StringBuilder text = new StringBuilder();
    StringBuilder template = new StringBuilder();
    String ranksText = ranks(ranks);
    if (!ranksText.isEmpty()) {
      text.append('[').append(ranksText).append("] ");
    }
    recording = true;
    recN = 0;
    scan(line, 0, line.length, 0); // the tokens as the part's key saw them (a new part's line
    // forced no word: newPart follows only a findMerged that found nothing)
    recording = false;
    int[] starts = Arrays.copyOf(fieldStart, nFields);
    int[] ends = Arrays.copyOf(fieldEnd, nFields);
    int field = -1;
    int word = 0;
    int at = 0; // what of the line is printed
    for (int t = 0; t < recN; t++) {
      int s = recStart[t];
      int e = recEnd[t];
      if (recKind[t] == 2) {
        continue; // inside a field run, printed with its first token
      }
      String gap = new String(line, at, s - at, StandardCharsets.UTF_8);
      text.append(gap);
      template.append(gap);
      if (recKind[t] == 1) {
        field++;
        if (field < MAX_FIELDS) {
          String label = new String(line, s, starts[field] - s, StandardCharsets.UTF_8);
          int vs = starts[field];
          int ve = ends[field];
          text.append(label);
          template.append(label);
          fieldText(field, members, line, vs, ve, text, template);
          at = ve;
        } else {
          text.append("{*}");
          template.append("<*>");
          at = e;
          while (t + 1 < recN && recKind[t + 1] == 2) {
            at = recEnd[++t];
          }
        }
        continue;
      }
      String lit = new String(line, s, e - s, StandardCharsets.UTF_8);
      String shown = wordText(word++, members, words, fams, lit);
      text.append(shown);
      template.append(shown.equals(lit) ? lit : "<*>");
      at = e;
    }
    String tail = new String(line, at, line.length - at, StandardCharsets.UTF_8);
    text.append(tail);
    template.append(tail);
    int[] ids = members.stream().mapToInt(Integer::intValue).toArray();
    String first = new String(line, StandardCharsets.UTF_8);
    return new Summary(count, first, template.toString(), text.toString(), ids);
  }

  /**
   * Appends what field j (line[s, e) in the first part) took across the group, and its template.
   */
  private void fieldText(
      int j,
      List<Integer> members,
      byte[] line,
      int s,
      int e,
      StringBuilder text,
      StringBuilder template) {
    String lit = new String(line, s, e - s, StandardCharsets.UTF_8);
    if (j >= MAX_FIELDS) {
      text.append("{*}");
      template.append("<*>");
      return;
    }
    Stats s0 = stats[members.get(0)];
    boolean varied = false;
    boolean sameShape = true;
    long[] kmv = new long[DISTINCT];
    int size = 0;
    for (int p : members) {
      Stats st = stats[p];
      if (st.fields != s0.fields) {
        continue; // a part with a word where another has a field: its words say what varied
      }
      varied |= (st.whole.varied & (1L << j)) != 0 || st.whole.first[j] != s0.whole.first[j];
      sameShape &= (st.shapeVaried & (1L << j)) == 0 && st.shape[j] == s0.shape[j];
      for (int k = 0; k < st.whole.kmvSize[j]; k++) {
        size = kmvAdd(kmv, 0, size, st.whole.kmv[j * DISTINCT + k]);
      }
      int num = st.numFrom[j];
      if (st.shape[j] == NUMBER_SHAPE && st.numFrom[j + 1] > num) { // values counted there
        for (int k = 0; k < st.nums.kmvSize[num]; k++) {
          size = kmvAdd(kmv, 0, size, st.nums.kmv[num * DISTINCT + k]);
        }
      }
    }
    if (!varied) {
      text.append(lit);
      template.append(lit);
      return;
    }
    if (!sameShape) {
      text.append(values(kmvCount(kmv, size), size));
      template.append("<*>");
      return;
    }
    shape(line, s, e);
    int from = s0.numFrom[j];
    int count = Math.min(nNums, s0.numFrom[j + 1] - from);
    int at = s;
    for (int k = 0; k < count; k++) {
      String gap = new String(line, at, numStart[k] - at, StandardCharsets.UTF_8);
      String num = new String(line, numStart[k], numEnd[k] - numStart[k], StandardCharsets.UTF_8);
      String shown = numberText(from + k, members, num);
      text.append(gap).append(shown);
      template.append(gap).append(shown.equals(num) ? num : "<*>"); // a range is never a number
      at = numEnd[k];
    }
    String tail = new String(line, at, e - at, StandardCharsets.UTF_8);
    text.append(tail);
    template.append(tail);
  }

  /** What number slot j took across the group: itself, {lo..hi}, or a count of values. */
  private String numberText(int j, List<Integer> members, String lit) {
    Slots n0 = stats[members.get(0)].nums;
    boolean varied = false;
    boolean numeric = true;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    String loText = lit;
    String hiText = lit;
    long[] kmv = new long[DISTINCT];
    int size = 0;
    for (int p : members) {
      Slots f = stats[p].nums;
      if (f.first.length != n0.first.length) {
        continue;
      }
      varied |= (f.varied & (1L << j)) != 0 || f.first[j] != n0.first[j];
      numeric &= (f.notNumber & (1L << j)) == 0;
      for (int k = 0; k < f.kmvSize[j]; k++) {
        size = kmvAdd(kmv, 0, size, f.kmv[j * DISTINCT + k]);
      }
      if (f.lo[j] < lo) {
        lo = f.lo[j];
        loText = new String(f.loText, j * NUMBER_TEXT, f.loLen[j], StandardCharsets.UTF_8);
      }
      if (f.hi[j] > hi) {
        hi = f.hi[j];
        hiText = new String(f.hiText, j * NUMBER_TEXT, f.hiLen[j], StandardCharsets.UTF_8);
      }
    }
    if (!varied) {
      return lit;
    }
    if (numeric && lo <= hi) {
      return "{" + loText + ".." + hiText + "}";
    }
    return values(kmvCount(kmv, size), size);
  }

  /** What word w took across the group's parts: itself, or a count of values. */
  private String wordText(
      int w, List<Integer> members, long[][] words, List<Family> fams, String lit) {
    long first = words[0][w];
    long[] kmv = new long[DISTINCT];
    int size = 0;
    boolean varied = false;
    for (int m = 0; m < words.length; m++) {
      long[] ws = words[m];
      if (ws.length == words[0].length) { // parts of another layout: their families count them
        varied |= ws[w] != first;
        size = kmvAdd(kmv, 0, size, ws[w]);
        long[][] joined = clusterWords[members.get(m)];
        if (joined != null && w < 64 && joined[w] != null) {
          for (int k = 0; k < joined[w][DISTINCT]; k++) {
            size = kmvAdd(kmv, 0, size, joined[w][k]);
            varied |= joined[w][k] != first;
          }
        }
      }
    }
    for (Family fam : fams) {
      if (fam.pos == w) {
        if (fam.withField) {
          size = kmvAdd(kmv, 0, size, 0); // the field's values: one more at least
        }
        for (int k = 0; k < fam.wordCount; k++) {
          size = kmvAdd(kmv, 0, size, fam.words[k]);
        }
      }
    }
    if (!varied && size <= 1) {
      return lit;
    }
    return values(kmvCount(kmv, size), size);
  }

  private static String values(long n, int size) {
    return size < DISTINCT ? "{" + n + " values}" : "{~" + n + " values}";
  }

  /** "ranks 0-3,7", "rank 5", or "" for none. */
  static String ranks(long[] bits) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    int total = bits.length * 64;
    for (int i = 0; i < total; ) {
      if ((bits[i >>> 6] & (1L << i)) == 0) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < total && (bits[(j + 1) >>> 6] & (1L << (j + 1))) != 0) {
        j++;
      }
      sb.append(sb.length() == 0 ? "" : ",").append(i);
      if (j > i) {
        sb.append('-').append(j);
      }
      n += j - i + 1;
      i = j + 1;
    }
    return n == 0 ? "" : (n == 1 ? "rank " : "ranks ") + sb;
  }

  /** A well-spread 63-bit hash (the KMV sketch reads them as fractions of 2^63). */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h >>> 1;
  }

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20
  };

  private static long[] powers(int n) {
    long[] p = new long[n];
    p[0] = 1;
    for (int i = 1; i < n; i++) {
      p[i] = p[i - 1] * M;
    }
    return p;
  }

  private static byte[] classes() {
    byte[] t = new byte[256];
    for (int c = 0; c < 256; c++) {
      if (c <= ' ' || c == 0x7f) {
        t[c] = SPACE;
      } else if (c >= '0' && c <= '9') {
        t[c] = DIGIT;
      } else if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        t[c] = LETTER;
      } else if (c == '_' || c == '-' || c == '.') {
        t[c] = SEG;
      } else if (c == '/' || c == '\\') {
        t[c] = SLASH;
      } else {
        t[c] = PUNCT;
      }
    }
    return t;
  }

  private static int[] timeWords() {
    String[] names = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Mon",
      "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
    };
    int[] w = new int[names.length * 2];
    for (int i = 0; i < names.length; i++) {
      String n = names[i];
      String u = n.toUpperCase(java.util.Locale.ROOT);
      w[2 * i] = word3(n.charAt(0), n.charAt(1), n.charAt(2));
      w[2 * i + 1] = word3(u.charAt(0), u.charAt(1), u.charAt(2));
    }
    Arrays.sort(w);
    return w;
  }
}
