package monarch.bench;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import monarch.bench.MeshProbes.Flush;
import monarch.bench.MeshProbes.Ready;

/**
 * What a run of the end-to-end harness found, and its Markdown report: the arms' table, the ratios
 * between arms against the targets, the producers' run times, the count checks, the commands, then
 * flush latency and time to ready. docs/BENCHMARKS.md quotes these tables, so their format is kept.
 * Owns the wording and the arithmetic between arms; never runs anything, and gives no rate for an
 * arm whose check failed.
 */
public record E2eReport(
    List<ArmResult> arms,
    String flushTable,
    String flushFailure,
    List<Double> readyMs,
    String readyFailure,
    double javaVersionSec,
    String markdown) {

  public boolean allPassed() {
    return arms.stream().allMatch(ArmResult::passed)
        && flushFailure == null
        && readyFailure == null;
  }

  static E2eReport of(
      E2eOptions o,
      List<ArmResult> arms,
      Flush flush,
      Ready ready,
      ZonedDateTime started,
      String loadBefore,
      double javaVersionSec) {
    return new E2eReport(
        List.copyOf(arms),
        flush.table(),
        flush.failure(),
        ready.ms(),
        ready.failure(),
        javaVersionSec,
        new Writer(o, arms).write(flush, ready, started, loadBefore, javaVersionSec));
  }

  /** One report's text, section by section. */
  private static final class Writer {
    private final E2eOptions o;
    private final List<ArmResult> arms;
    private final ArmResult off;
    private final ArmResult agg;
    private final ArmResult mpi;
    private final ArmResult raw;
    private final ArmResult warm;
    private final StringBuilder md = new StringBuilder();

    Writer(E2eOptions o, List<ArmResult> arms) {
      this.o = o;
      this.arms = arms;
      this.off = find(Arm.MONARCH_OFF);
      this.agg = find(Arm.MONARCH_AGGREGATE);
      this.mpi = find(Arm.MPIRUN);
      this.raw = find(Arm.RAW);
      this.warm = find(Arm.WARM);
    }

    private ArmResult find(Arm arm) {
      return arms.stream().filter(a -> a.arm() == arm).findFirst().orElseThrow();
    }

    String write(
        Flush flush, Ready ready, ZonedDateTime started, String loadBefore, double javaSec) {
      header(started, loadBefore);
      armTable();
      ratios();
      startup(javaSec);
      dataPath();
      producerTimes();
      countChecks();
      commands();
      probes(flush, ready);
      return md.toString();
    }

    private void header(ZonedDateTime started, String loadBefore) {
      md.append(
          String.format(
              Locale.ROOT,
              "Date: %s. Machine: %s.%n%n",
              started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
              Machine.description()));
      md.append(
          String.format(
              Locale.ROOT,
              "Load average (1, 5, 15 min): %s at the start, %s at the end.%n%n",
              loadBefore,
              Machine.loadAverage()));
      md.append(
          String.format(
              Locale.ROOT,
              "Workload: %d ranks x %,d lines of %d bytes (%,d lines, %.0f MB per arm), "
                  + "client stdout to /dev/null%s. %d timed run%s per arm, round-robin over the arms, after one counting run "
                  + "per arm; medians shown.%n%n",
              o.ranks(),
              o.lines(),
              OutputCheck.LINE_BYTES,
              o.totalLines(),
              o.totalLines() * OutputCheck.LINE_BYTES / 1e6,
              o.smoke() ? " (SMOKE: a tiny workload, not a measurement)" : "",
              o.runs(),
              o.runs() == 1 ? "" : "s"));
    }

    private void armTable() {
      md.append(
          "| arm | wall s | lines/s | lines/s once started | client peak RSS MiB (of) | client CPU s"
              + " | 0 lines: wall s, CPU s | load 1 min | count check |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (ArmResult a : arms) {
        String load =
            a.runs().isEmpty()
                ? ""
                : range(a.runs().stream().mapToDouble(Timing::load1).toArray(), "%.1f");
        if (a.passed()) {
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %,.0f | %,.0f | %.0f (%s) | %.2f | %s | %s | passed |%n",
                  a.arm().label(o),
                  range(a.runs().stream().mapToDouble(Timing::wallSec).toArray(), "%.2f"),
                  a.linesPerSec(o),
                  a.streamingLinesPerSec(o),
                  a.peakRssMiB(),
                  a.arm().client,
                  a.cpuSec(),
                  emptyRun(a),
                  load));
        } else {
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s | | FAILED | | | | | %s | FAILED: %,d of %,d lines |%n",
                  a.arm().label(o),
                  load,
                  a.check() == null ? 0 : a.check().delivered(),
                  o.totalLines()));
        }
      }
      md.append(
          "\nwall s: from start to exit, median, with the range when there were several runs. client CPU s:"
              + " user + system time of the client and of the children it reaped (for monarch and mpirun that"
              + " includes the producers, whose own share is small), median. 0 lines: the median of as many runs"
              + " of the same arm whose producers write nothing (its start-up and teardown). lines/s once started:"
              + " the lines over (wall - 0-line wall). mpirun has no"
              + " aggregation: its one row is compared with both monarch rows.\n\n");
    }

    private static String emptyRun(ArmResult a) {
      if (a.empty() == null) {
        return "";
      }
      return a.empty().failure() == null
          ? String.format(Locale.ROOT, "%.2f, %.2f", a.empty().wallSec(), a.empty().cpuSec())
          : "FAILED";
    }

    private void ratios() {
      md.append(
          "| ratio | "
              + off.arm().label(o)
              + " | "
              + agg.arm().label(o)
              + " | target |\n|---|---:|---:|---|\n");
      ratioRow("lines/s vs mpirun", a -> rate(a, mpi), "at least 10x");
      ratioRow("lines/s vs raw pipe", a -> rate(a, raw), "at least 0.5x");
      ratioRow("lines/s once started vs mpirun", a -> streamingRate(a, mpi), "(at least 10x)");
      ratioRow("lines/s once started vs raw pipe", a -> streamingRate(a, raw), "(at least 0.5x)");
      ratioRow(
          "lines/s vs aggregation off",
          a -> a == off ? "1x" : rate(a, off),
          "at least 0.8x (aggregating)");
      ratioRow("client peak RSS", E2eReport::peakRss, "at most 256 MiB");
      ratioRow(
          "client peak RSS vs mpirun",
          a -> a.passed() && mpi.passed() ? x(a.peakRssMiB() / mpi.peakRssMiB()) : "n/a",
          "");
      ratioRow(
          "producer run time vs raw pipe (medians)", a -> producerRatio(a, raw), "at most 1.3x");
      md.append(
          String.format(
              Locale.ROOT,
              "| (mpirun: producer run time vs raw pipe) | %s | | |%n",
              producerRatio(mpi, raw)));
    }

    private void ratioRow(String name, Function<ArmResult, String> f, String target) {
      md.append(
          "| " + name + " | " + f.apply(off) + " | " + f.apply(agg) + " | " + target + " |\n");
    }

    /** Start-up: each arm's run whose producers write nothing, and a bare JVM's. */
    private void startup(double javaSec) {
      md.append(
          "\nStart-up: the arms' runs whose producers write nothing (the median of as many as the"
              + " timed runs; a producer writing nothing is `true` with a count check), against a"
              + " bare `java -version` (median of as many runs) in the same session:\n\n");
      md.append("| command | wall s | target |\n|---|---:|---|\n");
      for (ArmResult a : List.of(off, agg, mpi)) {
        md.append("| ")
            .append(a.arm().label(o))
            .append(", 0 lines | ")
            .append(a.empty() == null || a.empty().failure() != null ? "n/a" : wall(a.empty()))
            .append(" | ")
            .append(a == off ? "at most 0.25 s" : "")
            .append(" |\n");
      }
      md.append(String.format(Locale.ROOT, "| `java -version` | %.2f | |%n", javaSec));
    }

    private static String wall(Timing t) {
      return String.format(Locale.ROOT, "%.2f", t.wallSec());
    }

    private void dataPath() {
      md.append(
          "\nThe data path alone: "
              + warm.arm().label(o)
              + ", whose wall time is its last run's, from spawn to"
              + " stopped (procs started and stopped included), against the other arms' whole runs:\n\n");
      md.append("| ratio | warm client | target |\n|---|---:|---|\n");
      md.append("| lines/s vs mpirun | " + rate(warm, mpi) + " | at least 10x |\n");
      md.append("| lines/s vs raw pipe | " + rate(warm, raw) + " | at least 0.5x |\n");
      md.append(
          "| producer run time vs raw pipe (medians) | "
              + producerRatio(warm, raw)
              + " | at most 1.3x |\n");
      md.append(
          "| client peak RSS (the JVM's whole life) | " + peakRss(warm) + " | at most 256 MiB |\n");
    }

    private void producerTimes() {
      md.append(
          "\nProducer run time (self-reported: start to stdout flushed and closed), over all ranks and timed runs:\n\n");
      md.append("| arm | values | median ms | min ms | max ms |\n|---|---:|---:|---:|---:|\n");
      for (ArmResult a : arms) {
        if (!a.passed()) {
          md.append("| ").append(a.arm().label(o)).append(" | FAILED | | | |\n");
          continue;
        }
        double[] ms = a.producerNanos().stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        long reported = a.runs().stream().mapToLong(t -> t.producers().reported()).sum();
        if (ms.length == 0) {
          md.append("| ").append(a.arm().label(o)).append(" | 0 of ").append(reported);
          md.append(" (aggregated on stderr too: a group shows no single time) | | | |\n");
          continue;
        }
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %d%s | %.0f | %.0f | %.0f |%n",
                a.arm().label(o),
                ms.length,
                ms.length < reported
                    ? " of " + reported + " (aggregated on stderr too: a group shows one)"
                    : "",
                ArmResult.median(ms),
                ms[0],
                ms[ms.length - 1]));
      }
    }

    private void countChecks() {
      md.append(
          "\nCount checks (the counting run of each arm reads every line the client wrote):\n\n");
      for (ArmResult a : arms) {
        md.append("- ")
            .append(a.arm().label(o))
            .append(": ")
            .append(a.passed() ? "passed. " : "FAILED. ");
        if (a.check() != null) {
          md.append(a.check().detail()).append('.');
        }
        if (a.failure() != null) {
          md.append(" ").append(a.failure()).append('.');
        }
        md.append('\n');
      }
    }

    private void commands() {
      md.append(
          "\nCommands (`producer` is monarch-bench/target/e2e/producer, built from monarch-bench/src/main/c/producer.c):\n\n");
      for (ArmResult a : arms) {
        md.append("- ")
            .append(a.arm().label(o))
            .append(": `")
            .append(
                String.join(" ", a.command())
                    .replace("monarch-bench/target/e2e/producer", "producer"))
            .append("`\n");
      }
    }

    private void probes(Flush flush, Ready ready) {
      md.append(
          String.format(
              Locale.ROOT,
              "%nFlush latency (FlushLatencyBenchmark, %d samples per condition):%n%n",
              o.flushSamples()));
      md.append(
          flush.failure() == null ? flush.table() + "\n" : "FAILED: " + flush.failure() + "\n");

      md.append(
          String.format(
              Locale.ROOT,
              "%nTime to ready, %d JVM procs (`host.spawnProcs(Map.of(\"gpus\", %d))`"
                  + " on a local mesh, after a warm-up spawn):%n%n",
              o.readyProcs(),
              o.readyProcs()));
      if (ready.failure() != null) {
        md.append("FAILED: ").append(ready.failure()).append('\n');
        return;
      }
      double[] ms = ready.ms().stream().mapToDouble(Double::doubleValue).toArray();
      List<Boolean> cds = ready.cds();
      md.append(
          String.format(
              Locale.ROOT,
              "median %.0f ms over %d run(s) (%s ms); AppCDS archive used: %s%n",
              ArmResult.median(ms),
              ms.length,
              String.join(
                  ", ",
                  ready.ms().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()),
              cds.stream().allMatch(b -> b)
                  ? "yes"
                  : cds.stream().noneMatch(b -> b)
                      ? "no (the class path has directories, or no archive yet)"
                      : "in some runs"));
    }

    private String rate(ArmResult a, ArmResult base) {
      return a.passed() && base.passed() ? x(a.linesPerSec(o) / base.linesPerSec(o)) : "n/a";
    }

    private String streamingRate(ArmResult a, ArmResult base) {
      double v = a.streamingLinesPerSec(o) / base.streamingLinesPerSec(o);
      return a.passed() && base.passed() && !Double.isNaN(v) ? x(v) : "n/a";
    }
  }

  private static String peakRss(ArmResult a) {
    return a.passed() ? String.format(Locale.ROOT, "%.0f MiB", a.peakRssMiB()) : "n/a";
  }

  private static String producerRatio(ArmResult a, ArmResult base) {
    double v = a.producerMedianMs() / base.producerMedianMs();
    return a.passed() && base.passed() && !Double.isNaN(v) ? x(v) : "n/a";
  }

  private static String x(double v) {
    return String.format(Locale.ROOT, v >= 10 ? "%.0fx" : v >= 0.1 ? "%.2fx" : "%.3fx", v);
  }

  /** The median, and the range when there are several values. */
  private static String range(double[] v, String fmt) {
    double[] s = v.clone();
    Arrays.sort(s);
    String m = String.format(Locale.ROOT, fmt, ArmResult.median(s));
    return s.length < 2
        ? m
        : m
            + " ("
            + String.format(Locale.ROOT, fmt, s[0])
            + "-"
            + String.format(Locale.ROOT, fmt, s[s.length - 1])
            + ")";
  }
}
