#!/usr/bin/env bash
# Load: wrk POSTs examples/admission-review.json over TLS with keep-alive on loopback, to the
# published webhook and to a bare Kestrel endpoint (same TLS, canned answer of the webhook's
# own size, benchmarks/PodIdentityWebhook.BareKestrel, Native AOT like the webhook). Prints, from one run: requests/s at
# saturation for both and their ratio, then p50/p99 latency of each at half its saturated rate.
#   scripts/load.sh [SECONDS]   (default 20 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
seconds="${1:-20}"

command -v wrk >/dev/null || { scripts/apt.sh update && scripts/apt.sh install wrk; }
publish_webhook
start_local_webhook 18443
curl -ksf -X POST -H 'Content-Type: application/json' --data-binary @examples/admission-review.json \
  https://127.0.0.1:18443/mutate -o "$work/response.json"
publish_bare
start_bare 18445 "$work/response.json"

export REVIEW_FILE="$PWD/examples/admission-review.json"
saturate() { # URL -> requests/s
  wrk -t1 -c32 -d5s -s scripts/load/review.lua "$1" >/dev/null # warm-up: JIT, TLS sessions
  wrk -t1 -c32 -d"${seconds}s" -s scripts/load/review.lua "$1" | awk '/Requests\/sec/ {print int($2)}'
}
paced() { # URL RATE -> "p50 p99 achieved-rate"
  local connections=16
  local delay=$(( connections * 1000 / $2 ))
  (( delay < 1 )) && delay=1
  DELAY_MS=$delay wrk -t1 -c"$connections" -d"${seconds}s" --latency -s scripts/load/review.lua "$1" |
    awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {rps=int($2)} END {print p50, p99, rps}'
}

bare_rps="$(saturate https://127.0.0.1:18445/mutate)"
webhook_rps="$(saturate https://127.0.0.1:18443/mutate)"
read -r bare_p50 bare_p99 bare_half <<<"$(paced https://127.0.0.1:18445/mutate $(( bare_rps / 2 )))"
read -r webhook_p50 webhook_p99 webhook_half <<<"$(paced https://127.0.0.1:18443/mutate $(( webhook_rps / 2 )))"

echo
echo "load on $(nproc) cores, $(date -u +%Y-%m-%d), ${seconds} s per measurement, review $(wc -c <examples/admission-review.json) B -> answer $(wc -c <"$work/response.json") B"
printf '%-12s %12s %22s %10s %10s\n' target "req/s (sat.)" "paced req/s (target)" p50 p99
printf '%-12s %12s %22s %10s %10s\n' bare-kestrel "$bare_rps" "$bare_half ($(( bare_rps / 2 )))" "$bare_p50" "$bare_p99"
printf '%-12s %12s %22s %10s %10s\n' webhook "$webhook_rps" "$webhook_half ($(( webhook_rps / 2 )))" "$webhook_p50" "$webhook_p99"
echo "webhook / bare Kestrel at saturation: $(awk -v a="$webhook_rps" -v b="$bare_rps" 'BEGIN {printf "%.0f%%", 100 * a / b}') (target >= 80%); p99 at half load target <= 5 ms"
