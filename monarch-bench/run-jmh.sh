#!/usr/bin/env bash
# The JMH suite in one command: framing (FramingBenchmark), the similarity aggregator
# (AggregatorBenchmark) and the proc-channel frame codec (FrameCodecBenchmark), with their default
# parameters (docs/BENCHMARKS.md, "The JMH suite in one command"). Builds what is missing or stale,
# then runs org.openjdk.jmh.Main once over the three classes. JMH's table is kept in
# monarch-bench/target/jmh/results[-quick].txt and the machine-readable results next to it (.json).
#
#   monarch-bench/run-jmh.sh            # 1 fork, 3 x 2 s warmup, 5 x 2 s measurement (~5 min)
#   monarch-bench/run-jmh.sh --quick    # 1 fork, 1 x 1 s warmup, 2 x 1 s measurement (~1 min):
#                                       #   checks that it all runs, rough numbers
#   monarch-bench/run-jmh.sh [--quick] -prof gc ...   (more JMH options, ones the profile leaves unset)
#
# FlushLatencyBenchmark, StartupBenchmark and EndToEndBenchmark are not JMH benchmarks (they start
# real proc meshes and take minutes); run them on their own, see docs/BENCHMARKS.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

profile=full
if [[ ${1:-} == --quick ]]; then
  profile=quick
  shift
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-jmh: missing $tool: install a JDK 17+ and Maven 3.8+ (bash .ci/run installs them on Debian)" >&2
    exit 1
  fi
done

# Rebuild when the jar is missing or a source or pom it depends on is newer than it.
jar=monarch-bench/target/monarch-bench.jar
stale() {
  [[ -f "$jar" && -d monarch-bench/target/lib ]] || return 0
  [[ -z "$(find pom.xml monarch-mesh monarch-bench -path '*/target' -prune -o \
      \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]] || return 0
  return 1
}
if stale; then
  echo "run-jmh: building (mvn package -pl monarch-mesh,monarch-bench -am -DskipTests) ..." >&2
  build=(package -pl monarch-mesh,monarch-bench -am -DskipTests)
  mvn -q -o -B "${build[@]}" >&2 || mvn -q -B -ntp "${build[@]}" >&2
  # Maven leaves the jar untouched when its own classes did not change: mark it as built now
  touch "$jar"
fi

suite='monarch\.bench\.(FramingBenchmark|AggregatorBenchmark|FrameCodecBenchmark)\.'
if [[ $profile == quick ]]; then
  # AggregatorBenchmark.naive stays in: one operation takes it ~3 s (1,000 lines at ~350 lines/s),
  # so each of its 1 s iterations is one operation and it adds only ~12 s.
  opts=(-f 1 -wi 1 -i 2 -w 1s -r 1s)
  out=monarch-bench/target/jmh/results-quick
else
  opts=(-f 1 -wi 3 -i 5 -w 2s -r 2s)
  out=monarch-bench/target/jmh/results
fi

mkdir -p monarch-bench/target/jmh
echo "run-jmh: $profile profile: org.openjdk.jmh.Main '$suite' ${opts[*]} $*" >&2
java -cp "$jar:monarch-bench/target/lib/*" org.openjdk.jmh.Main "$suite" "${opts[@]}" \
    -rf json -rff "$out.json" "$@" \
  | tee "$out.txt"
echo "run-jmh: results in $out.txt and $out.json" >&2
