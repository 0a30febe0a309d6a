package monarch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The harness's smoke mode, end to end: every arm runs on a tiny workload and its count check must
 * pass exactly. Needs mpirun, GNU time and cc (bash .ci/run installs them): when one is missing
 * this fails naming it and its Debian package. It never skips, and installs nothing.
 */
class EndToEndBenchmarkTest {
  @Test
  void smokeRunsEveryArmAndEveryCountMatchesExactly() throws Exception {
    // `monarch run` from this class path: the monarch-cli the reactor just built
    E2eOptions o = E2eOptions.smoke(E2eOptions.findRoot()).withCliFromClasspath();
    E2eReport r = EndToEndBenchmark.run(o);
    System.out.println(r.markdown());

    assertThat(r.arms()).extracting(ArmResult::arm).containsExactly(Arm.values());
    for (ArmResult a : r.arms()) {
      assertThat(a.check()).as(a.arm() + " count check").isNotNull();
      assertThat(a.check().passed()).as(a.arm() + ": " + a.check().detail()).isTrue();
      assertThat(a.check().delivered()).as(a.arm().name()).isEqualTo(o.totalLines());
      assertThat(a.failure()).as(a.arm().name()).isNull();
      assertThat(a.runs()).as(a.arm() + " timed runs").hasSize(o.runs());
      assertThat(a.runs())
          .allSatisfy(
              t -> {
                assertThat(t.wallSec()).isPositive();
                assertThat(t.peakRssKb()).isPositive();
                assertThat(t.producers().reported()).isEqualTo(o.ranks());
              });
      assertThat(a.empty()).as(a.arm() + " run with 0 lines").isNotNull();
      assertThat(a.empty().failure()).as(a.arm() + " run with 0 lines").isNull();
      assertThat(a.passed()).as(a.arm().name()).isTrue();
    }
    assertThat(r.flushFailure()).isNull();
    assertThat(r.flushTable()).contains("4 procs idle");
    assertThat(r.readyFailure()).isNull();
    assertThat(r.readyMs()).hasSize(o.readyRuns()).allSatisfy(ms -> assertThat(ms).isPositive());
    assertThat(r.javaVersionSec()).isPositive();
    assertThat(r.markdown()).contains("| `java -version` |", "lines/s vs aggregation off");
    assertThat(r.markdown()).doesNotContain("FAILED");
    assertThat(r.allPassed()).isTrue();
  }
}
