#!/usr/bin/env bash
# The project's test command (README): installs what the tests need, then builds and runs
# unit tests (*Test), integration tests (*IT) and end-to-end tests through the lab (*E2E) of
# every module, then fuzzes the parsers of outside input for a bounded round
# (scripts/fuzz.sh). This is what CI runs.
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

# Under CI=true the build checks formatting instead of rewriting files (profile 'ci').
mvn -B "${profiles[@]}" install

# Then each fuzz target for one bounded round (scripts/fuzz.sh; about 2 minutes in all).
if [ "${1:-}" != "--quick" ]; then
  "$here/scripts/fuzz.sh"
fi
