#!/usr/bin/env bash
# The project's test command (README): installs what the tests need, then builds and runs
# unit tests (*Test) and integration tests (*IT) of every module.
#   scripts/test.sh          the quick profile (what CI runs)
#   scripts/test.sh --full   adds the end-to-end tests (*E2E) through the lab, where they exist
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

"$here/scripts/install-prereqs.sh"

profiles="it"
if [ "${1:-}" = "--full" ]; then
  profiles="it,e2e"
fi

# Under CI=true the build checks formatting instead of rewriting files (profile 'ci').
mvn -B -P"$profiles" install
