package monarch.internal.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic stream of realistic log lines, for aggregation tests and benchmarks.
 *
 * <p>Owns a fixed set of line templates (training-loop metrics, warnings, stack-trace lines, HTTP
 * access logs, JSON-ish events, checkpoint and collective messages), each the rank prefix {@code
 * [r] } followed by literal text and placeholders that are filled with fresh random numbers, ids
 * and words on every line. Templates and lines depend only on the seed. It never touches I/O or
 * shared state; it is not thread-safe.
 */
public final class LogCorpus {
  /** The number of distinct templates the benchmarks use. */
  public static final int DEFAULT_TEMPLATES = 100;

  // Placeholders vary the way real fields do within a few seconds of one job. {r} rank 0..15;
  // {cN} a counter (step, seq, bytes): N digits, the last (N + 2) / 3 random, the rest fixed per
  // template; {mN} a metric with N decimals (loss, ms): the integer part, and from N = 3 the
  // first decimal, fixed per template; {iN} an int of the template's magnitude (1..N digits),
  // all random; {xN} N random hex digits (ids, hashes); {dN} N random digits; {w} one of three
  // words fixed per template (a status, a reason); {ip} one of 32 addresses; {ts} a time within
  // one minute. {v} is the template's own fixed word, so each base yields distinct templates.
  private static final String[] BASES = {
    "step {c5} loss {m4} lr 3.0e-4 grad_norm {m2}",
    "[{v}] epoch {c2} step {c5}/{c6} loss={m4} acc={m4} tokens/s={c6}",
    "train | iter {c6} | {v}_loss {m4} | throughput {m1} samples/s | mem {m2} GiB",
    "eval step {c5}: {v} perplexity {m3} bleu {m2}",
    "WARNING: {v}.py:412: UserWarning: {w} is deprecated and will be removed in 2.6",
    "WARNING:root:{v} took {i5} ms, exceeding the 500 ms budget",
    "W1121 {ts} {c5} {v}.cc:88] NCCL WARN {w} timeout after {i4} ms on rank {r}",
    "    at monarch.{v}.{w}.run({w}.java:{i3})",
    "Traceback (most recent call last): File \"/opt/{v}/{w}.py\", line {i3}, in {w}",
    "Caused by: java.io.IOException: {v} connection reset by peer (errno 104)",
    "{ip} - - [21/Nov/2026:10:00:2{d1} +0000] \"GET /api/v1/{v}/{i7} HTTP/1.1\" 200 {i6}",
    "{ip} - - [21/Nov/2026:10:00:2{d1} +0000] \"POST /{v}/{w}?id={x8} HTTP/1.1\" 201 {i5} {m3}",
    "{\"ts\": {c10}.{d3}, \"level\": \"info\", \"event\": \"{v}\", "
        + "\"request_id\": \"{x8}-{x4}\", \"latency_ms\": {m2}}",
    "{\"level\":\"debug\",\"msg\":\"{v} {w}\",\"worker\":{r},\"queue\":{i4},\"ok\":true}",
    "{ts} INFO {v}.saver - checkpoint saved to /ckpt/run7/step_{c6}.pt ({m1} MB in {m2} s)",
    "{ts} INFO {v} - all_reduce of {i4} tensors ({m1} MB) took {m3} ms",
    "{ts} DEBUG {v}: heartbeat from worker-{r} seq={c8}",
    "{ts} ERROR {v}.fetch - failed to fetch shard {c5} from {ip}: {w} (attempt {d1}/5)",
    "[{v}] rank {r}/16 ready on host node-{r} gpu {d1}",
    "{v}: processed batch {c6} with 256 samples in {m3}s ({m1} it/s)",
    "GPU {d1}: util {i2}% mem {c5}/81920 MiB temp {i2}C power {m1}W ({v})",
    "dataloader[{v}] prefetch queue {i2}/64, waiting {m3} s for worker {r}",
    "Saving {v} state dict: 1184 keys, {c10} bytes, sha256 {x16}",
    "{v} request {x8} completed status={w} duration={m3}ms retries={d1}",
    "[{ts}] {v} lr scheduler: warmup {c5}/20000, lr={m4}e-4, scale={m1}",
  };

  // JSON braces stay literal: a placeholder is a known name and an optional width
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(r|c|m|i|d|x|w|ip|ts)(\\d*)\\}");

  private static final String[] WORDS = {
    "alpha",
    "model",
    "optimizer",
    "scheduler",
    "tensor",
    "shard",
    "bucket",
    "stream",
    "actor",
    "mesh",
    "proc",
    "host",
    "channel",
    "buffer",
    "frame",
    "writer",
    "reader",
    "socket",
    "encoder",
    "decoder",
    "attention",
    "embedding",
    "gradient",
    "allreduce",
    "broadcast",
    "checkpoint",
    "dataset",
    "sampler",
    "collate",
    "tokenizer",
    "cache",
    "ok",
    "timeout",
    "refused",
    "reset",
    "closed",
    "pending",
    "retry",
    "io",
    "x",
  };

  private final SplittableRandom rnd;
  private final Template[] templates;
  private int lastTemplate = -1;

  /**
   * Literal text around placeholders (literals.length == kinds.length + 1), and per placeholder its
   * count of random digits and what is fixed for this template: a prefix (counter, metric) or the
   * words to choose from.
   */
  private record Template(String[] literals, char[] kinds, int[] widths, String[][] fixed) {}

  /** {@code templates} distinct templates (at least 1), chosen and filled from {@code seed}. */
  public LogCorpus(long seed, int templates) {
    if (templates < 1) {
      throw new IllegalArgumentException("templates must be >= 1, got " + templates);
    }
    this.rnd = new SplittableRandom(seed);
    this.templates = new Template[templates];
    for (int t = 0; t < templates; t++) {
      // base t % BASES, with a fixed word of its own so variants of one base differ
      String own = WORDS[rnd.nextInt(WORDS.length)] + "_" + t;
      this.templates[t] = parse("[{r}] " + BASES[t % BASES.length].replace("{v}", own), rnd);
    }
  }

  /** The next line: a uniformly chosen template with fresh values. */
  public String next() {
    lastTemplate = rnd.nextInt(templates.length);
    Template t = templates[lastTemplate];
    StringBuilder sb = new StringBuilder(160);
    for (int i = 0; i < t.kinds.length; i++) {
      sb.append(t.literals[i]);
      fill(sb, t.kinds[i], t.widths[i], t.fixed[i]);
    }
    return sb.append(t.literals[t.kinds.length]).toString();
  }

  /** The template of the line {@link #next} returned last (0 .. templates - 1), or -1. */
  public int lastTemplate() {
    return lastTemplate;
  }

  /** How many base texts the templates are variants of: template t is a variant of t % BASES. */
  public static int bases() {
    return BASES.length;
  }

  /** The next {@code n} lines. */
  public List<String> lines(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  private static Template parse(String template, SplittableRandom rnd) {
    List<String> literals = new ArrayList<>();
    StringBuilder kinds = new StringBuilder();
    List<Integer> widths = new ArrayList<>();
    List<String[]> fixed = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    int from = 0;
    while (m.find()) {
      literals.add(template.substring(from, m.start()));
      String name = m.group(1);
      char kind = name.equals("ip") ? 'p' : name.charAt(0);
      int width = m.group(2).isEmpty() ? 0 : Integer.parseInt(m.group(2));
      StringBuilder prefix = new StringBuilder();
      String[] choices = null;
      if (kind == 'c') {
        int random = (width + 2) / 3;
        prefix.append((char) ('1' + rnd.nextInt(9)));
        for (int i = 1; i < width - random; i++) {
          prefix.append((char) ('0' + rnd.nextInt(10)));
        }
        width = width - prefix.length();
      } else if (kind == 'm') {
        prefix.append((char) ('0' + rnd.nextInt(10))).append('.');
        if (width >= 3) {
          prefix.append((char) ('0' + rnd.nextInt(10)));
          width--;
        }
      } else if (kind == 'i') {
        width = 1 + rnd.nextInt(width);
      } else if (kind == 'w') {
        choices =
            new String[] {
              WORDS[rnd.nextInt(WORDS.length)],
              WORDS[rnd.nextInt(WORDS.length)],
              WORDS[rnd.nextInt(WORDS.length)]
            };
      }
      kinds.append(kind);
      widths.add(width);
      fixed.add(choices != null ? choices : new String[] {prefix.toString()});
      from = m.end();
    }
    literals.add(template.substring(from));
    return new Template(
        literals.toArray(new String[0]),
        kinds.toString().toCharArray(),
        widths.stream().mapToInt(Integer::intValue).toArray(),
        fixed.toArray(new String[0][]));
  }

  private void fill(StringBuilder sb, char kind, int n, String[] fixed) {
    switch (kind) {
      case 'r':
        sb.append(rnd.nextInt(16));
        break;
      case 'c':
      case 'm':
        sb.append(fixed[0]);
        digits(sb, n);
        break;
      case 'i':
        sb.append((char) ('1' + rnd.nextInt(9)));
        digits(sb, n - 1);
        break;
      case 'd':
        digits(sb, n);
        break;
      case 'x':
        for (int i = 0; i < n; i++) {
          sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        break;
      case 'w':
        sb.append(fixed[rnd.nextInt(fixed.length)]);
        break;
      case 'p':
        sb.append("10.0.").append(rnd.nextInt(4)).append('.').append(10 + rnd.nextInt(8));
        break;
      case 't':
        sb.append("2026-11-21 10:00:").append((char) ('0' + rnd.nextInt(6)));
        digits(sb, 1);
        sb.append(',');
        digits(sb, 3);
        break;
      default:
        throw new IllegalStateException("unknown placeholder kind " + kind);
    }
  }

  private void digits(StringBuilder sb, int n) {
    for (int i = 0; i < n; i++) {
      sb.append((char) ('0' + rnd.nextInt(10)));
    }
  }
}
