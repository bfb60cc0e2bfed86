#!/usr/bin/env bash
# Runs the whole test suite (unit and integration) on this machine, after making it ready (tests/prepare.sh).
# Results: TestResults/results.trx.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tests/prepare.sh"
rm -rf "$root/TestResults"
exec dotnet test "$root/tests/Build.Tests/Build.Tests.csproj" --nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$root/TestResults" "$@"
