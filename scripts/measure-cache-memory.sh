#!/usr/bin/env bash
# Measures the ServiceAccount cache's memory per ServiceAccount: 100k annotated
# ServiceAccounts listed through the real informer and projection, managed heap before and
# after. Two runs, one process each: many ServiceAccounts sharing a few role ARNs, and every
# ServiceAccount with its own role ARN. An optional argument changes the count.
set -euo pipefail
cd "$(dirname "$0")/.."

count="${1:-100000}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

dotnet build -c Release benchmarks/PodIdentityWebhook.Benchmarks -o "$out" >"$out/build.log" 2>&1 || {
  cat "$out/build.log"
  exit 1
}

for shape in shared distinct; do
  dotnet "$out/PodIdentityWebhook.Benchmarks.dll" cache-memory "$shape" "$count"
done
