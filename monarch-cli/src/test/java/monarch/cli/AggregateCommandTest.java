package monarch.cli;

import static monarch.cli.MonarchCliTest.monarch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monarch aggregate} through the real CLI, and the aggregation rule of {@code monarch run}:
 * every input line in exactly one group, bad input grouped rather than fatal, and the rule chosen
 * by --rule (MONARCH_AGGREGATE_RULE's parsing: MonarchConfigTest).
 */
class AggregateCommandTest {
  @TempDir Path dir;

  private Path file(String name, byte[] content) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  @Test
  void jsonListsEveryInputLineExactlyOnceInItsGroup() throws Exception {
    StringBuilder log = new StringBuilder();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String l =
          switch (i % 4) {
            case 0 -> "2026-12-07 10:00:" + (i % 60) + " INFO request " + (1000 + i) + " took 3ms";
            case 1 -> "2026-12-07 10:00:" + (i % 60) + " WARN disk /data/d" + i + " is 91% full";
            case 2 ->
                "session opened for user " + List.of("ann", "bob", "eve").get(i % 3) + " by sshd";
            default ->
                "session closed for user " + List.of("ann", "bob", "eve").get(i % 3) + " by su";
          };
      lines.add(l);
      log.append(l).append(i % 7 == 0 ? "\r\n" : "\n");
    }
    Path f = file("app.log", log.toString().getBytes(StandardCharsets.UTF_8));

    MonarchCliTest.Result r = monarch("aggregate", "--json", f.toString());
    assertThat(r.exit()).as(r.describe()).isZero();
    ObjectMapper json = new ObjectMapper();
    int[] seen = new int[lines.size() + 1];
    List<String> firstLines = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      JsonNode g = json.readTree(line);
      int type = firstLines.size(); // line i is of type i % 4, first seen in that order
      firstLines.add(g.get("line").asText());
      assertThat(g.get("count").asInt()).isEqualTo(g.get("members").size());
      for (JsonNode m : g.get("members")) {
        seen[m.asInt()]++;
        assertThat((m.asInt() - 1) % 4).as("line %s is of the group's type", m).isEqualTo(type);
      }
    }
    assertThat(Arrays.stream(seen).skip(1)).as("every line once").allMatch(n -> n == 1);
    assertThat(firstLines).containsExactly(lines.get(0), lines.get(1), lines.get(2), lines.get(3));
  }

  @Test
  void blocksComeInFirstSeenOrderAndTheSeedsRuleIsThereToo() throws Exception {
    Path f =
        file(
            "train.log",
            ("training step 1/40 loss 0.91 lr 3.0e-04\ntraining step 2/40 loss 0.87 lr 3.0e-04\n"
                    + "saving checkpoint\ntraining step 3/40 loss 0.80 lr 3.0e-04\n")
                .getBytes(StandardCharsets.UTF_8));
    MonarchCliTest.Result t = monarch("aggregate", f.toString());
    assertThat(t.exit()).as(t.describe()).isZero();
    assertThat(t.out())
        .isEqualTo(
            "[3 similar log lines] training step {1..3}/40 loss {0.80..0.91} lr 3.0e-04\n"
                + "[1 similar log lines] saving checkpoint\n");
    MonarchCliTest.Result l = monarch("aggregate", "--rule", "levenshtein", f.toString());
    assertThat(l.exit()).as(l.describe()).isZero();
    assertThat(l.out())
        .isEqualTo(
            "[3 similar log lines] training step 1/40 loss 0.91 lr 3.0e-04\n"
                + "[1 similar log lines] saving checkpoint\n");
    MonarchCliTest.Result bad = monarch("aggregate", "--rule", "fuzzy", f.toString());
    assertThat(bad.exit()).isEqualTo(MonarchCli.USAGE_ERROR);
    assertThat(bad.err()).contains("unknown aggregation rule 'fuzzy'");
  }

  @Test
  void emptyInputInvalidUtf8AndAGiantLineAreGroupedNotFatal() throws Exception {
    MonarchCliTest.Result empty =
        monarch("aggregate", "--json", file("empty.log", new byte[0]).toString());
    assertThat(empty.exit()).as(empty.describe()).isZero();
    assertThat(empty.out()).isEmpty();

    byte[] giant = new byte[1 << 20];
    Arrays.fill(giant, (byte) 'x');
    for (int i = 0; i < giant.length; i += 80) {
      giant[i] = ' ';
    }
    ByteArrayOutputStream mixed = new ByteArrayOutputStream();
    mixed.write(new byte[] {'b', 'a', 'd', ' ', (byte) 0xff, (byte) 0xc3, '\n'});
    mixed.write(giant);
    mixed.write('\n');
    mixed.write("last line, no newline".getBytes(StandardCharsets.UTF_8));
    Path f = file("mixed.log", mixed.toByteArray());
    MonarchCliTest.Result r = monarch("aggregate", "--json", f.toString());
    assertThat(r.exit()).as(r.describe()).isZero();
    String[] groups = r.out().split("\n");
    assertThat(groups).hasSize(3);
    JsonNode bad = new ObjectMapper().readTree(groups[0]);
    assertThat(bad.get("line").asText()).isEqualTo("bad \ufffd\ufffd");
    assertThat(new ObjectMapper().readTree(groups[1]).get("line").asText()).hasSize(1 << 20);
    assertThat(new ObjectMapper().readTree(groups[2]).get("members").get(0).asInt()).isEqualTo(3);
  }

  @Test
  void stdinIsReadWhenNoFileIsGiven() throws Exception {
    Path f = file("in.log", "a 1\na 2\n".getBytes(StandardCharsets.UTF_8));
    ProcessBuilder pb = new ProcessBuilder(MonarchCliTest.command("aggregate"));
    pb.redirectInput(f.toFile());
    Process p = pb.start();
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(() -> MonarchCliTest.read(p.getInputStream()));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out.get()).isEqualTo("[2 similar log lines] a {1..2}\n");
  }

  @Test
  void runGroupsByTheRuleItIsGivenOrTemplateAndABadRuleIsAnError() throws Exception {
    String[] job = {"-n", "2", "--aggregate", "30", "--", "sh", "-c", "echo job $RANK done"};
    MonarchCliTest.Result template = monarch(concat("run", job));
    assertThat(template.exit()).as(template.describe()).isZero();
    assertThat(template.out()).contains("[2 similar log lines] [ranks 0-1] job {0..1} done\n");

    MonarchCliTest.Result seeds = monarch(concat("run", "--rule", "levenshtein", job));
    assertThat(seeds.exit()).as(seeds.describe()).isZero();
    assertThat(seeds.out()).containsPattern("\\[2 similar log lines\\] \\[[01]\\] job [01] done\n");

    MonarchCliTest.Result bad =
        monarch(Map.of("MONARCH_AGGREGATE_RULE", "nope"), concat("run", job));
    assertThat(bad.exit()).isEqualTo(MonarchCli.FAILED);
    assertThat(bad.err()).contains("MONARCH_AGGREGATE_RULE: unknown aggregation rule 'nope'");
  }

  private static String[] concat(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static String[] concat(String a, String b, String c, String... rest) {
    return concat(a, concat(b, concat(c, rest)));
  }
}
