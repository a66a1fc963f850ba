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
  "l2sm-operator/agent CniRequestFuzzTest CNI requests as the shim frames them (environment and network configuration)"
  "l2sm-operator/controller GrpcMessagesFuzzTest the controller's gRPC messages, decoded from fuzzed protobuf bytes, in sequences"
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

# The IDCO's REST API against its own OpenAPI document: schemathesis (from PyPI, into a cache
# outside the work tree) sends requests generated from /openapi.yaml, valid and not, to a real
# IDCO process; no answer may be a 5xx, and every answer must be one the document declares.
schemathesis_version=4.32.5
venv=${L2SM_CACHE:-/var/cache/l2sm}/schemathesis-$schemathesis_version
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "fuzz: installing schemathesis $schemathesis_version into $venv (PyPI)"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$schemathesis_version"
fi
work=$(mktemp -d)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rest=$(port)
printf 'fuzz-write-token-0123456789 write fuzz\n' >"$work/tokens"
# The built jar itself: the launcher would rebuild, the Jazzer runs having regenerated sources.
jar=$here/cli/target/l2sm-cli.jar
[ -f "$jar" ] || { echo "fuzz: $jar is missing: build first (mvn install)" >&2; exit 1; }
java -jar "$jar" idco --allow-unauthenticated --state-dir "$work/state" --tokens "$work/tokens" \
  --rest "127.0.0.1:$rest" --grpc "127.0.0.1:$(port)" --openflow "127.0.0.1:$(port)" \
  --http "127.0.0.1:$(port)" >"$work/idco.log" 2>&1 &
idco=$!
trap 'kill $idco 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$rest/healthz" >/dev/null && break
  kill -0 $idco 2>/dev/null || break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$rest/healthz" >/dev/null || { echo "fuzz: the IDCO did not start: $(tail -5 "$work/idco.log")" >&2; exit 1; }
# From the scratch folder: schemathesis keeps a cache (.schemathesis/) where it runs.
if ! (cd "$work" && "$venv/bin/schemathesis" run "http://127.0.0.1:$rest/openapi.yaml" \
  -H "Authorization: Bearer fuzz-write-token-0123456789" \
  --checks all --max-examples "${L2SM_FUZZ_EXAMPLES:-60}" --seed 1 \
  --report ndjson --report-ndjson-path "$work/events.ndjson" >"$work/st.log" 2>&1); then
  tail -60 "$work/st.log" >&2
  echo "fuzz: schemathesis found a fault in the IDCO's REST API (above)" >&2
  exit 1
fi
summary=$(grep -A1 '^Test cases:' "$work/st.log" | tail -1 | sed 's/^ *//')
if [ -z "$summary" ]; then
  echo "fuzz: schemathesis reported no test cases (log: $(tail -5 "$work/st.log"))" >&2
  exit 1
fi
echo "fuzz: IDCO REST API: $summary (schemathesis $schemathesis_version, every check) — requests from its OpenAPI document"
echo "fuzz: $total inputs over ${#targets[@]} Jazzer targets and the IDCO's REST API, no finding"
