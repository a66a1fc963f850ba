#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of the parsers that take outside input, 20 s a round per target.
# The unit tests run each target's kept inputs (crashers found earlier included) as regression
# tests; this script fuzzes. A finding fails the run and is written under the target's
# src/test/resources/.../<Test>Inputs/ folder, to be kept as a regression test once fixed.
#   scripts/fuzz.sh        one round per target (what scripts/test.sh runs, so CI too)
#   scripts/fuzz.sh 30     30 rounds per target (10 minutes each), the corpus growing between rounds
# Needs the project built (mvn install), as scripts/test.sh does before it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
rounds=${1:-1}
targets=(
  "l2sm-operator/api PodNetworkRequestsFuzzTest pod network annotations (both NPWG forms, l2sm/networks) and NAD configs"
  "descriptor-translator DescriptorReaderFuzzTest descriptor files (YAML reader and schema)"
  "osm-adapter NetcfgFuzzTest the adapter's ONOS network-configuration documents"
)
total=0
for t in "${targets[@]}"; do
  read -r module test what <<<"$t"
  inputs=0
  for ((r = 1; r <= rounds; r++)); do
    log=$(mktemp)
    if ! JAZZER_FUZZ=1 mvn -B -o test -pl "$module" -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
      grep -E "FuzzTestFinding|Caused by|at io\.l2sm" "$log" | head -20 >&2 || true
      echo "fuzz: $test found a crash in $what (log: $log)" >&2
      exit 1
    fi
    n=$(grep -oE '^#[0-9]+[[:space:]]+DONE' "$log" | grep -oE '[0-9]+' | tail -1 || true)
    if [ -z "$n" ]; then
      echo "fuzz: $test did not fuzz (no DONE line; log: $log)" >&2
      exit 1
    fi
    inputs=$((inputs + n))
    rm -f "$log"
  done
  total=$((total + inputs))
  echo "fuzz: $test: $inputs inputs in $((rounds * 20)) s, no finding — $what"
done
echo "fuzz: $total inputs over ${#targets[@]} targets, no finding"
