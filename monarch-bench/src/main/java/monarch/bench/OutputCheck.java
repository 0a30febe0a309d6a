package monarch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The count check of the end-to-end benchmark: reads one arm's client stdout as it streams and
 * proves that exactly ranks x lines of the producer arrived, none lost, none twice. Owns the
 * parsing of each arm's output format and of the producers' {@code producer-ns} reports on stderr.
 * A rate is only reported for an arm whose check passed.
 *
 * <p>How much can be proved depends on the format. monarch without aggregation frames whole lines
 * per proc, so every rank's counter must run 0..N-1 in order. mpirun tags the chunks it reads, not
 * lines, so a line can be torn across ranks; the tags still say whose bytes are whose, so each
 * rank's stream is reassembled and checked the same way (torn lines are counted). With aggregation
 * the groups' counts plus the single lines must add up. The raw pipe has no tags and its writers' 8
 * KiB writes interleave mid-line, so only its bytes and newlines can be counted.
 */
final class OutputCheck {
  /** The producer's line: exactly this many bytes, newline included. */
  static final int LINE_BYTES = 100;

  private static final int SEQ_DIGITS = 9;
  private static final int MAX_LINE = 1 << 20;
  private static final Pattern PRODUCER_NS = Pattern.compile("producer-ns (\\d+) (\\d+)");
  private static final Pattern GROUP = Pattern.compile("^\\[(\\d+) similar log lines\\] ");
  private static final Pattern TEMPLATE_REPORTS =
      Pattern.compile("^\\[(\\d+) similar log lines\\] \\[ranks? [-0-9,]+\\] producer-ns ");

  enum Format {
    MONARCH_LINES,
    MONARCH_AGGREGATED,
    MPIRUN_TAGGED,
    RAW
  }

  /** The verdict; {@code detail} says what was proved, or what went wrong. */
  record Result(boolean passed, long delivered, String detail) {}

  private final Format format;
  private final int ranks;
  private final long linesPerRank;
  private final long[] next;
  private long delivered;
  private long outOfSequence;
  private long malformed;
  private String firstProblem;
  private long newlines;
  private long bytes;
  private long torn;
  private long groups;

  /** MPIRUN_TAGGED: each rank's line so far, and how many chunks it came in. */
  private final byte[][] partial;

  private final int[] partialLen;
  private final int[] partialChunks;

  private OutputCheck(Format format, int ranks, long linesPerRank) {
    this.format = format;
    this.ranks = ranks;
    this.linesPerRank = linesPerRank;
    this.next = new long[ranks];
    this.partial = new byte[ranks][LINE_BYTES * 2];
    this.partialLen = new int[ranks];
    this.partialChunks = new int[ranks];
  }

  /** Reads {@code in} to its end and checks it against ranks x linesPerRank producer lines. */
  static Result check(Format format, InputStream in, int ranks, long linesPerRank)
      throws IOException {
    OutputCheck c = new OutputCheck(format, ranks, linesPerRank);
    c.read(in);
    return c.result();
  }

  private void read(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    byte[] line = new byte[1024];
    int len = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      bytes += n;
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n') {
          newlines++;
          if (format != Format.RAW) {
            onLine(line, len);
          } else if (!isContent(line, 0, len)) {
            torn++;
          }
          len = 0;
        } else if (len < MAX_LINE) {
          if (len == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
          }
          line[len++] = b;
        }
      }
    }
    if (len > 0) {
      problem("output ends without a newline: " + text(line, 0, len));
    }
  }

  private void onLine(byte[] l, int len) {
    switch (format) {
      case MONARCH_LINES -> monarchLine(l, len);
      case MONARCH_AGGREGATED -> aggregatedLine(l, len);
      case MPIRUN_TAGGED -> taggedLine(l, len);
      case RAW -> throw new AssertionError();
    }
  }

  /** {@code [host pid] [r] rank=r seq=...}: one line of rank r. */
  private void monarchLine(byte[] l, int len) {
    int hostClose = indexOf(l, 0, len, (byte) ']');
    if (len < 3
        || l[0] != '['
        || hostClose < 0
        || hostClose + 2 >= len
        || l[hostClose + 1] != ' '
        || l[hostClose + 2] != '[') {
      problem("not a monarch line: " + text(l, 0, len));
      return;
    }
    int rankClose = indexOf(l, hostClose + 2, len, (byte) ']');
    if (rankClose < 0 || rankClose + 1 >= len || l[rankClose + 1] != ' ') {
      problem("no [rank] prefix: " + text(l, 0, len));
      return;
    }
    content(l, rankClose + 2, len, parseInt(l, hostClose + 3, rankClose), 1, true);
  }

  private void aggregatedLine(byte[] l, int len) {
    String s = text(l, 0, Math.min(len, 64));
    if (s.startsWith(">>> Aggregated Logs (") || s.startsWith("<<< Aggregated Logs (")) {
      return;
    }
    Matcher m = GROUP.matcher(s);
    if (m.find()) {
      groups++;
      int rankOpen = m.end();
      if (startsWith(l, rankOpen, "[rank")) {
        // TEMPLATE: "[K similar log lines] [ranks 0-3] rank={0..3} seq={...} ...": the group's
        // lines are counted; which ranks and sequence numbers the summary shows, not checked
        delivered += Long.parseLong(m.group(1));
        return;
      }
      // LEVENSHTEIN: "[K similar log lines] [r] content": the bracket after the count is the rank
      // prefix
      int rankClose = indexOf(l, rankOpen, len, (byte) ']');
      if (rankClose < 0 || l[rankOpen] != '[') {
        problem("aggregated line without a rank: " + text(l, 0, len));
        return;
      }
      content(
          l,
          rankClose + 2,
          len,
          parseInt(l, rankOpen + 1, rankClose),
          Long.parseLong(m.group(1)),
          false);
    } else {
      monarchLine(l, len); // over the group cap: printed on its own
    }
  }

  /** Chunks {@code [job,r]<stdout>:data}, data up to the next tag or the newline. */
  private void taggedLine(byte[] l, int len) {
    int p = 0;
    while (p < len) {
      int tagEnd = tagEnd(l, p, len);
      if (tagEnd < 0) {
        problem("expected an mpirun tag at column " + p + ": " + text(l, 0, len));
        return;
      }
      int rank = parseInt(l, indexOf(l, p, len, (byte) ',') + 1, indexOf(l, p, len, (byte) ']'));
      if (rank < 0 || rank >= ranks) {
        problem("rank out of range: " + text(l, 0, len));
        return;
      }
      int end = tagEnd;
      while (end < len && !(l[end] == '[' && tagEnd(l, end, len) > 0)) {
        end++;
      }
      if (partialLen[rank] + end - tagEnd > partial[rank].length) {
        problem("rank " + rank + " line longer than a producer line");
        partialLen[rank] = 0;
        return;
      }
      System.arraycopy(l, tagEnd, partial[rank], partialLen[rank], end - tagEnd);
      partialLen[rank] += end - tagEnd;
      partialChunks[rank]++;
      if (end == len) {
        // the newline ends the last chunk's line
        if (partialChunks[rank] > 1) {
          torn++;
        }
        content(partial[rank], 0, partialLen[rank], rank, 1, true);
        partialLen[rank] = 0;
        partialChunks[rank] = 0;
      }
      p = end;
    }
  }

  /** The end of a {@code [digits,digits]<stdout>:} tag at p, or -1. */
  private static int tagEnd(byte[] l, int p, int len) {
    if (p >= len || l[p] != '[') {
      return -1;
    }
    int i = p + 1;
    int digits = 0;
    while (i < len && l[i] >= '0' && l[i] <= '9') {
      i++;
      digits++;
    }
    if (digits == 0 || i >= len || l[i] != ',') {
      return -1;
    }
    i++;
    digits = 0;
    while (i < len && l[i] >= '0' && l[i] <= '9') {
      i++;
      digits++;
    }
    byte[] tail = "]<stdout>:".getBytes(StandardCharsets.US_ASCII);
    if (digits == 0 || i + tail.length > len) {
      return -1;
    }
    for (int k = 0; k < tail.length; k++) {
      if (l[i + k] != tail[k]) {
        return -1;
      }
    }
    return i + tail.length;
  }

  /**
   * A producer line {@code rank=R seq=NNNNNNNNN ...} of LINE_BYTES - 1 bytes at l[from..len), from
   * rank {@code expectRank}. With {@code sequenced} its counter must be the next one of its rank;
   * aggregated lines (a group stands for several) only count.
   */
  private void content(
      byte[] l, int from, int len, int expectRank, long weight, boolean sequenced) {
    if (!isContent(l, from, len)) {
      problem("not a producer line: " + text(l, 0, len));
      return;
    }
    int seqAt = indexOf(l, from, len, (byte) ' ') + 5;
    int rank = parseInt(l, from + 5, seqAt - 5);
    if (rank != expectRank || rank >= ranks) {
      problem("rank " + rank + " line under rank " + expectRank + "'s prefix: " + text(l, 0, len));
      return;
    }
    delivered += weight;
    if (!sequenced) {
      return;
    }
    long seq = parseInt(l, seqAt, seqAt + SEQ_DIGITS);
    if (seq != next[rank]) {
      outOfSequence++;
      if (firstProblem == null) {
        firstProblem = "rank " + rank + ": seq " + seq + " where " + next[rank] + " was due";
      }
    }
    next[rank] = Math.max(next[rank], seq + 1);
  }

  private static boolean isContent(byte[] l, int from, int len) {
    if (len - from != LINE_BYTES - 1 || !startsWith(l, from, "rank=")) {
      return false;
    }
    int space = indexOf(l, from, len, (byte) ' ');
    return space > from + 5
        && space + 5 + SEQ_DIGITS < len
        && startsWith(l, space + 1, "seq=")
        && parseInt(l, space + 5, space + 5 + SEQ_DIGITS) >= 0
        && l[space + 5 + SEQ_DIGITS] == ' ';
  }

  private Result result() {
    for (int r = 0; r < ranks; r++) {
      if (partialLen[r] > 0) {
        problem(
            "rank " + r + "'s output ends inside a line: " + text(partial[r], 0, partialLen[r]));
      }
    }
    long expected = ranks * linesPerRank;
    StringBuilder d = new StringBuilder();
    boolean ok = malformed == 0 && delivered == expected;
    switch (format) {
      case MONARCH_LINES, MPIRUN_TAGGED -> {
        long missing = 0;
        for (long n : next) {
          missing += Math.max(0, linesPerRank - n);
        }
        ok &= outOfSequence == 0 && missing == 0;
        d.append(String.format("%,d of %,d lines", delivered, expected));
        d.append(
            ok
                ? "; every rank's counter 0.." + (linesPerRank - 1) + " once, in order"
                : String.format(
                    "; %,d out of sequence, %,d missing at the end", outOfSequence, missing));
        if (format == Format.MPIRUN_TAGGED) {
          d.append(
              String.format(
                  "; reassembled from mpirun's tags: %,d lines (%.1f %%) arrived torn across chunks,"
                      + " interleaved with other ranks' output",
                  torn, 100.0 * torn / Math.max(1, delivered)));
        }
      }
      case MONARCH_AGGREGATED ->
          d.append(
              String.format(
                  "%,d of %,d lines (group counts + single lines), in %,d groups",
                  delivered, expected, groups));
      case RAW -> {
        ok = newlines == expected && bytes == expected * LINE_BYTES;
        d.append(
            String.format(
                "%,d of %,d newlines, %,d of %,d bytes; %,d lines (%.1f %%) torn by interleaved writes"
                    + " (a raw pipe has no per-rank framing)",
                newlines,
                expected,
                bytes,
                expected * LINE_BYTES,
                torn,
                100.0 * torn / Math.max(1, newlines)));
        delivered = newlines;
      }
    }
    if (malformed > 0) {
      d.append(String.format("; %,d malformed lines", malformed));
    }
    if (firstProblem != null) {
      d.append("; first problem: ").append(firstProblem);
    }
    return new Result(ok, delivered, d.toString());
  }

  private void problem(String what) {
    malformed++;
    if (firstProblem == null) {
      firstProblem = what.length() > 300 ? what.substring(0, 300) + "..." : what;
    }
  }

  /** The producers' self-reported run times on a client's stderr, and what else was there. */
  record ProducerTimes(long reported, List<Long> nanos, List<String> otherLines) {}

  /**
   * Finds the {@code producer-ns R NANOS} reports in a client's stderr in any of the arms' formats.
   * An aggregated group stands for as many producers as its count says, though only its first
   * line's time is visible (LEVENSHTEIN), or none (TEMPLATE shows the times as a count of values).
   */
  static ProducerTimes producerTimes(List<String> stderr) {
    long reported = 0;
    List<Long> nanos = new java.util.ArrayList<>();
    List<String> other = new java.util.ArrayList<>();
    for (String line : stderr) {
      Matcher m = PRODUCER_NS.matcher(line);
      Matcher t = TEMPLATE_REPORTS.matcher(line);
      if (t.find()) { // TEMPLATE: ranks and times shown as ranges and counts, no single time
        reported += Long.parseLong(t.group(1));
      } else if (m.find()) {
        Matcher g = GROUP.matcher(line);
        reported += g.find() ? Long.parseLong(g.group(1)) : 1;
        nanos.add(Long.parseLong(m.group(2)));
      } else if (!line.isBlank()
          && !line.startsWith(">>> Aggregated Logs (")
          && !line.startsWith("<<< Aggregated Logs (")) {
        other.add(line);
      }
    }
    return new ProducerTimes(reported, nanos, other);
  }

  private static boolean startsWith(byte[] l, int from, String s) {
    if (from < 0 || from + s.length() > l.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (l[from + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] l, int from, int len, byte b) {
    for (int i = from; i < len; i++) {
      if (l[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The non-negative decimal in l[from..to), or -1 if it is not one. */
  private static int parseInt(byte[] l, int from, int to) {
    if (from < 0 || to <= from || to - from > 9 || to > l.length) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      if (l[i] < '0' || l[i] > '9') {
        return -1;
      }
      v = v * 10 + (l[i] - '0');
    }
    return v;
  }

  private static String text(byte[] l, int from, int len) {
    return new String(l, from, Math.min(len, from + 300) - from, StandardCharsets.UTF_8);
  }
}
