#!/usr/bin/env bash
# Runs the admission benchmarks (whole review path and the mutation core) with a short job
# and prints BenchmarkDotNet's summary table. Extra arguments go to BenchmarkDotNet, e.g.
#   scripts/bench.sh --filter '*Mutate*'
set -euo pipefail
cd "$(dirname "$0")/.."

artifacts="$(mktemp -d)"
trap 'rm -rf "$artifacts"' EXIT

filter=(--filter '*')
if (( $# > 0 )); then filter=(); fi

dotnet run -c Release --project benchmarks/PodIdentityWebhook.Benchmarks -- \
  "${filter[@]}" --artifacts "$artifacts" "$@" >"$artifacts/run.log" 2>&1 || {
  cat "$artifacts/run.log"
  exit 1
}

echo
cat "$artifacts"/results/*-report-github.md
