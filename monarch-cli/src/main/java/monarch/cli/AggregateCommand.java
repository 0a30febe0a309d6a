package monarch.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import monarch.logging.LogGrouper;
import monarch.logging.Similarity;

/**
 * {@code monarch aggregate [--rule R] [--json] [FILE...]}: groups the lines of files (or stdin) as
 * one aggregation window and prints the groups, first seen first: {@code [N similar log lines]
 * summary} blocks, or with {@code --json} one object per group with its 1-based line numbers. Every
 * input line is in exactly one group. Lines are bytes split at '\n' ({@code \r\n} loses its {@code
 * \r}); invalid UTF-8 is printed replaced. Memory: the groups (at most {@link #MAX_GROUPS}, then
 * lines are groups of their own), the longest line, and with --json 4 bytes a line.
 */
record AggregateCommand(Similarity rule, boolean json, List<String> files) {
  /** Distinct event types kept before further lines stand alone: far above real logs' hundreds. */
  static final int MAX_GROUPS = 20_000;

  static final String USAGE =
      """
      Usage: monarch aggregate [--rule template|levenshtein] [--json] [FILE...]
      Group the lines of FILEs (or stdin; - is stdin too) as one aggregation window, the way
      'monarch run' groups a mesh's output, and print the groups in first-seen order.
        --rule R     template (default): lines of one event type, with what varied shown as
                     ranges and counts of values; levenshtein: the seeds' edit-distance rule
        --json       one JSON object per group: count, line, template, members (line numbers)
        -h, --help   show this help and exit
      """;

  static AggregateCommand parse(ArgReader in) {
    Similarity rule = Similarity.TEMPLATE;
    boolean json = false;
    for (String o; (o = in.nextOption()) != null; ) {
      switch (o) {
        case "--rule" -> {
          String v = in.value(o);
          try {
            rule = Similarity.parse(v);
          } catch (IllegalArgumentException e) {
            throw new ArgReader.UsageException(e.getMessage());
          }
        }
        case "--json" -> json = in.flag(o);
        case "-h", "--help" -> {
          System.out.print(USAGE);
          return null;
        }
        default -> throw ArgReader.unknown(o);
      }
    }
    return new AggregateCommand(rule, json, in.operands());
  }

  int call() {
    LogGrouper grouper = new LogGrouper(rule, MAX_GROUPS, json);
    LineReader reader = new LineReader(grouper);
    List<String> inputs = files.isEmpty() ? List.of("-") : files;
    for (String f : inputs) {
      try (InputStream in = f.equals("-") ? System.in : new FileInputStream(f)) {
        reader.read(in);
      } catch (IOException e) {
        System.err.println("monarch aggregate: cannot read " + f + ": " + MonarchCli.describe(e));
        return MonarchCli.FAILED;
      }
    }
    try {
      OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
      List<LogGrouper.Group> groups = grouper.groups();
      if (json) {
        writeJson(groups, out);
      } else {
        for (LogGrouper.Group g : groups) {
          out.write(g.toString().getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
      out.flush();
    } catch (IOException e) {
      System.err.println("monarch aggregate: cannot write: " + MonarchCli.describe(e));
      return MonarchCli.FAILED;
    }
    return System.out.checkError() ? MonarchCli.FAILED : MonarchCli.OK;
  }

  private static void writeJson(List<LogGrouper.Group> groups, OutputStream out)
      throws IOException {
    JsonFactory factory = new JsonFactory();
    factory.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (JsonGenerator gen = factory.createGenerator(out, JsonEncoding.UTF8)) {
      gen.setRootValueSeparator(null);
      for (LogGrouper.Group g : groups) {
        gen.writeStartObject();
        gen.writeNumberField("count", g.count());
        gen.writeStringField("line", g.firstLine());
        gen.writeStringField("template", g.template());
        gen.writeFieldName("members");
        gen.writeArray(g.members(), 0, g.members().length);
        gen.writeEndObject();
        gen.flush();
        out.write('\n');
      }
    }
  }

  /** Splits bytes into lines for the grouper; a line's bytes are held until its newline. */
  private static final class LineReader {
    private final LogGrouper grouper;
    private final byte[] buf = new byte[1 << 16];
    private byte[] line = new byte[256];
    private int lineLen;

    LineReader(LogGrouper grouper) {
      this.grouper = grouper;
    }

    /** Reads {@code in} to its end; a last line without a newline counts too. */
    void read(InputStream in) throws IOException {
      for (int n; (n = in.read(buf)) > 0; ) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            if (lineLen == 0) {
              emit(buf, start, i - start);
            } else {
              append(start, i);
              emit(line, 0, lineLen);
              lineLen = 0;
            }
            start = i + 1;
          }
        }
        append(start, n);
      }
      if (lineLen > 0) {
        emit(line, 0, lineLen);
        lineLen = 0;
      }
    }

    private void append(int from, int to) {
      int n = to - from;
      if (lineLen + n > line.length) {
        line = Arrays.copyOf(line, Math.max(lineLen + n, line.length * 2));
      }
      System.arraycopy(buf, from, line, lineLen, n);
      lineLen += n;
    }

    private void emit(byte[] b, int off, int len) {
      if (len > 0 && b[off + len - 1] == '\r') {
        len--;
      }
      grouper.add(b, off, len);
    }
  }
}
