package monarch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import monarch.internal.aggregate.GroupingAccuracy;
import monarch.internal.aggregate.LevenshteinAggregator;
import monarch.internal.aggregate.TemplateAggregator;

/**
 * Grouping accuracy of the aggregation rules on public logs with labelled event types, in Loghub's
 * structured CSV format ({@code LineId,...,Content,EventId,EventTemplate}): the acceptance check of
 * issue [8], for whoever has the files (they are not in this repository). Each system's lines are
 * one window, grouped twice: as whole lines (the columns before Content, then Content, space
 * separated, about what the raw log holds) and as Content alone. Files are grouped into systems by
 * the name before their first '_' ({@code HDFS_2k.log_structured.csv}, or chunks {@code
 * HDFS_0.csv}, {@code HDFS_1.csv}); a record whose column count does not match the header (a
 * chunk's cut first or last line) is skipped. Prints a Markdown table.
 *
 * <pre>
 * java -cp "monarch-bench/target/classes:monarch-bench/target/lib/*" monarch.bench.LoghubAccuracy DIR
 * </pre>
 */
public final class LoghubAccuracy {
  private LoghubAccuracy() {}

  /** One labelled line: the whole line, its content, its event. */
  record Line(String whole, String content, String event) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: LoghubAccuracy DIR (with Loghub *_structured.csv files)");
      System.exit(2);
    }
    Map<String, List<Line>> systems = new TreeMap<>();
    Map<String, List<String>> headers = new TreeMap<>(); // a chunk's header: its system's first
    try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.contains("templates")) {
          continue;
        }
        String system = name.substring(0, name.indexOf('_'));
        systems
            .computeIfAbsent(system, s -> new ArrayList<>())
            .addAll(read(f, headers.computeIfAbsent(system, s -> new ArrayList<>())));
      }
    }
    System.out.println(
        "| system | lines | events | TEMPLATE whole | TEMPLATE content "
            + "| LEVENSHTEIN whole | Ray whole | Ray content |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    double[] sum = new double[5];
    for (Map.Entry<String, List<Line>> e : systems.entrySet()) {
      List<Line> ls = e.getValue();
      List<String> events = ls.stream().map(Line::event).toList();
      List<String> whole = ls.stream().map(Line::whole).toList();
      List<String> content = ls.stream().map(Line::content).toList();
      double[] r = {
        GroupingAccuracy.of(events, GroupingAccuracy.group(new TemplateAggregator(20_000), whole)),
        GroupingAccuracy.of(
            events, GroupingAccuracy.group(new TemplateAggregator(20_000), content)),
        GroupingAccuracy.of(
            events, GroupingAccuracy.group(new LevenshteinAggregator(20_000), whole)),
        GroupingAccuracy.of(events, GroupingAccuracy.ray(whole)),
        GroupingAccuracy.of(events, GroupingAccuracy.ray(content))
      };
      System.out.printf(
          "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
          e.getKey(), ls.size(), events.stream().distinct().count(), r[0], r[1], r[2], r[3], r[4]);
      for (int i = 0; i < r.length; i++) {
        sum[i] += r[i];
      }
    }
    int n = Math.max(1, systems.size());
    System.out.printf(
        "| mean of %d | | | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
        systems.size(), sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n);
  }

  /**
   * The records of one structured CSV file, or chunk of one, whose columns match its header: its
   * own first line, or if it has none (a chunk from a file's middle) {@code header} as an earlier
   * chunk of its system set it.
   */
  static List<Line> read(Path f, List<String> header) throws IOException {
    String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).replace("\r", "");
    List<String> rows = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    if (rows.get(0).startsWith("LineId,")) {
      header.clear();
      header.addAll(fields(rows.remove(0)));
    }
    if (header.isEmpty()) {
      return List.of();
    }
    int content = header.indexOf("Content");
    int event = header.indexOf("EventId");
    List<Line> out = new ArrayList<>();
    for (String row : rows) {
      List<String> f2 = fields(row);
      if (f2.size() != header.size()
          || !f2.get(0).matches("\\d+")
          || !f2.get(event).matches("E\\d+")) {
        continue;
      }
      StringBuilder whole = new StringBuilder();
      for (int i = 1; i < content; i++) {
        whole.append(f2.get(i)).append(' ');
      }
      out.add(new Line(whole.append(f2.get(content)).toString(), f2.get(content), f2.get(event)));
    }
    return out;
  }

  /** The fields of one CSV record (quotes doubled inside quoted fields). */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          sb.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(sb.toString());
        sb.setLength(0);
      } else {
        sb.append(c);
      }
    }
    out.add(sb.toString());
    return out;
  }
}
