#!/usr/bin/env bash
# Runs the whole test suite (unit and integration) on this machine, after making it ready (tests/prepare.sh).
# Results: TestResults/results.trx.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tests/prepare.sh"
# The tests run the program users get, through ./build.sh: the composite build, made here once per change of build/
# (a plain build first, with the composite compiled in the background, would leave the tests racing that compile).
BUILD_PROGRAM=composite "$root/build.sh" --description > /dev/null
rm -rf "$root/TestResults"
exec dotnet test "$root/tests/Build.Tests/Build.Tests.csproj" --nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$root/TestResults" "$@"
