package monarch.bench;

import java.util.ArrayList;
import java.util.List;
import monarch.internal.aggregate.GroupingAccuracy;
import monarch.internal.aggregate.LevenshteinAggregator;
import monarch.internal.aggregate.LogCorpus;
import monarch.internal.aggregate.LogStyles;
import monarch.internal.aggregate.TemplateAggregator;

/**
 * Grouping accuracy of the aggregation rules (TEMPLATE, LEVENSHTEIN, and Ray's rule for comparison)
 * on corpora with a known event type per line: the 8 {@link LogStyles} and {@link LogCorpus}, 2,000
 * lines each as one window, as the log-parsing literature measures it. Prints a Markdown table for
 * docs/BENCHMARKS.md. Owns nothing; deterministic (fixed seeds).
 *
 * <pre>
 * mvn -q -o package -pl monarch-mesh,monarch-bench -am -DskipTests
 * java -cp "monarch-bench/target/classes:monarch-bench/target/lib/*" monarch.bench.AggregationQuality
 * </pre>
 */
public final class AggregationQuality {
  static final int LINES = 2_000;

  private AggregationQuality() {}

  /** One corpus's lines and their event types. */
  record Corpus(String name, List<String> lines, List<String> events) {}

  static List<Corpus> corpora() {
    List<Corpus> out = new ArrayList<>();
    for (String style : LogStyles.names()) {
      List<LogStyles.Labeled> l = LogStyles.lines(style, 1, LINES);
      out.add(
          new Corpus(
              style,
              l.stream().map(LogStyles.Labeled::line).toList(),
              l.stream().map(LogStyles.Labeled::event).toList()));
    }
    LogCorpus corpus = new LogCorpus(1, LogCorpus.DEFAULT_TEMPLATES);
    List<String> lines = new ArrayList<>();
    List<String> templates = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    for (int i = 0; i < LINES; i++) {
      lines.add(corpus.next());
      templates.add("T" + corpus.lastTemplate());
      bases.add("B" + corpus.lastTemplate() % LogCorpus.bases());
    }
    out.add(new Corpus("LogCorpus, by base text", lines, bases));
    out.add(new Corpus("LogCorpus, by template", lines, templates));
    return out;
  }

  public static void main(String[] args) {
    System.out.println("| corpus | events | TEMPLATE | LEVENSHTEIN | Ray's rule |");
    System.out.println("|---|---|---|---|---|");
    double[] sum = new double[3];
    int n = 0;
    for (Corpus c : corpora()) {
      double t =
          GroupingAccuracy.of(
              c.events, GroupingAccuracy.group(new TemplateAggregator(1_000), c.lines));
      double l =
          GroupingAccuracy.of(
              c.events, GroupingAccuracy.group(new LevenshteinAggregator(1_000), c.lines));
      double r = GroupingAccuracy.of(c.events, GroupingAccuracy.ray(c.lines));
      System.out.printf(
          "| %s | %d | %.3f | %.3f | %.3f |%n",
          c.name, c.events.stream().distinct().count(), t, l, r);
      if (!c.name.endsWith("by template")) {
        sum[0] += t;
        sum[1] += l;
        sum[2] += r;
        n++;
      }
    }
    System.out.printf(
        "| mean (the 8 styles and LogCorpus by base) | | %.3f | %.3f | %.3f |%n",
        sum[0] / n, sum[1] / n, sum[2] / n);
  }
}
