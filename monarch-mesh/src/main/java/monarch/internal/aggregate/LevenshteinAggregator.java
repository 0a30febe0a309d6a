package monarch.internal.aggregate;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code LEVENSHTEIN} rule as a {@link LineAggregator}: the seeds' rule, exact ({@link
 * Aggregator}), printed as the seeds print it, {@code [N similar log lines] <first line>}. Ranks
 * are not shown: the rank prefix is part of the line, as in the seeds. Owns its {@link Aggregator}.
 */
public final class LevenshteinAggregator implements LineAggregator {
  private final Aggregator groups;

  public LevenshteinAggregator(int maxGroups) {
    groups = new Aggregator(maxGroups);
  }

  @Override
  public boolean add(int rank, byte[] utf8, int off, int len) {
    return groups.add(utf8, off, len);
  }

  @Override
  public int lastGroup() {
    return groups.lastGroup();
  }

  @Override
  public boolean isEmpty() {
    return groups.isEmpty();
  }

  @Override
  public List<Summary> drain() {
    List<Summary> out = new ArrayList<>();
    int id = 0;
    for (Aggregator.Group g : groups.drain()) {
      String line = g.firstLine();
      out.add(new Summary(g.count(), line, line, line, new int[] {id++}));
    }
    return out;
  }
}
