#!/usr/bin/env bash
# The project's test command (README): installs what the tests need, then builds and runs
# unit tests (*Test), integration tests (*IT) and end-to-end tests through the lab (*E2E) of
# every module (the integration tests include a real Kubernetes cluster, built first by
# scripts/k8s/build.sh and scripts/k8s/images.sh), then fuzzes the parsers of outside input for
# a bounded round (scripts/fuzz.sh). This is what CI runs.
#   scripts/test.sh          all tiers
#   scripts/test.sh --quick  unit tests only (no root needed)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

"$here/scripts/install-prereqs.sh"

profiles=(-Pit,e2e)
if [ "${1:-}" = "--quick" ]; then
  profiles=()
fi

# The real Kubernetes parts the integration tests run (RealApiServerIT, RealNodesIT), from their
# Go modules into a cache outside the work tree (about 10 min the first time on 2 cores, then
# nothing), and the images their pods run (debootstrap and umoci: about a minute the first time).
if [ "${1:-}" != "--quick" ]; then
  echo "test: building the real Kubernetes parts if missing (scripts/k8s/build.sh)..." >&2
  "$here/scripts/k8s/build.sh" >/dev/null
  echo "test: making the lab's images if missing (scripts/k8s/images.sh)..." >&2
  "$here/scripts/k8s/images.sh" >/dev/null
fi

# Under CI=true the build checks formatting instead of rewriting files (profile 'ci').
mvn -B "${profiles[@]}" install

# Then each fuzz target for one bounded round (scripts/fuzz.sh; about 2 minutes in all).
if [ "${1:-}" != "--quick" ]; then
  "$here/scripts/fuzz.sh"
fi
