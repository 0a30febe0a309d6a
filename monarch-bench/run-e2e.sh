#!/usr/bin/env bash
# The end-to-end benchmark in one command: `monarch run` vs `mpirun --tag-output` vs a raw pipe
# (docs/BENCHMARKS.md, "End to end"), then, as root, one client fed by 1, 2 and 4 namespace hosts
# ("Many hosts into one client"). Builds what is missing or stale, installs openmpi-bin and
# GNU time when missing (as root; otherwise says what to install), then runs
# monarch.bench.EndToEndBenchmark, which compiles the C producer and prints a Markdown report.
# The report is also kept in monarch-bench/target/e2e/report.md.
#
#   monarch-bench/run-e2e.sh            # 4 ranks x 5,000,000 lines, 3 timed runs per arm (~10 min)
#   monarch-bench/run-e2e.sh --quick    # a tiny workload (also --smoke), seconds: the count checks only
#   monarch-bench/run-e2e.sh --runs 1 --lines 100000 ...
#   monarch-bench/run-e2e.sh --help     # this, and every flag of the harness
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Rebuild when a jar is missing or any source or pom is newer than it (as bin/monarch does).
stale() {
  local jar
  for jar in monarch-cli/target/monarch-cli.jar monarch-bench/target/monarch-bench.jar; do
    [[ -f "$jar" ]] || return 0
    [[ -z "$(find . -path ./.git -prune -o -path '*/target' -prune -o \
        \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]] || return 0
  done
  return 1
}

# Help builds nothing: the harness's own flags come from its jar when that is built and fresh.
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  echo
  if stale; then
    echo "The harness's flags: monarch-bench/src/main/java/monarch/bench/E2eOptions.java (or --help once built)."
  else
    java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.EndToEndBenchmark --help
  fi
  exit 0
fi

need=()
for tool in java mvn cc; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if ((${#need[@]})); then
  echo "run-e2e: missing ${need[*]}: install a JDK 17+, Maven 3.8+ and gcc (bash .ci/run installs them on Debian)" >&2
  exit 1
fi

packages=()
command -v mpirun >/dev/null 2>&1 || packages+=(openmpi-bin)
[[ -x /usr/bin/time ]] || packages+=(time)
if ((${#packages[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "run-e2e: missing ${packages[*]} and not root: run 'sudo apt-get install -y ${packages[*]}' first" >&2
    exit 1
  fi
  echo "run-e2e: installing ${packages[*]} ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2
fi

if stale; then
  echo "run-e2e: building (mvn install -DskipTests) ..." >&2
  mvn -q -o -B install -DskipTests >&2 || mvn -q -B -ntp install -DskipTests >&2
  # Maven leaves a jar untouched when its own classes did not change: mark both as built now
  touch monarch-cli/target/monarch-cli.jar monarch-bench/target/monarch-bench.jar
fi

mkdir -p monarch-bench/target/e2e
cp=(-cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*")
status=0
java "${cp[@]}" monarch.bench.EndToEndBenchmark "$@" | tee monarch-bench/target/e2e/report.md || status=1

# Many hosts into one client (namespace hosts, so root only), after the full workload only:
# the same 8 M lines on 1, 2 and 4 hosts against a local host (HostsFanInBenchmark).
quick=0
for a in "$@"; do [[ $a == --quick || $a == --smoke ]] && quick=1; done
if ((quick)); then
  :
elif [[ $(id -u) -ne 0 ]]; then
  echo "run-e2e: many hosts skipped: namespace hosts need root" >&2
else
  echo >> monarch-bench/target/e2e/report.md
  java -XX:+UseSerialGC -Xmx2g -XX:MaxNewSize=32m "${cp[@]}" monarch.bench.HostsFanInBenchmark \
    | tee -a monarch-bench/target/e2e/report.md || status=1
fi
exit $status
