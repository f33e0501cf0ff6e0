#!/usr/bin/env bash
# A/B load: the published webhook of git revision REV (A) against this tree's (B),
# both running, wrk alternating between them on loopback so the
# machine's noise falls on both alike. Prints each round and the medians with their spread.
#   scripts/load-compare.sh REV [ROUNDS] [SECONDS]    (default 5 rounds of 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
rev="${1:?usage: scripts/load-compare.sh REV [ROUNDS] [SECONDS]}"
rounds="${2:-5}"
seconds="${3:-10}"

command -v wrk >/dev/null || { scripts/apt.sh update && scripts/apt.sh install wrk; }
publish_webhook
git worktree add --detach "$work/base" "$rev" >/dev/null
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; cleanup' EXIT
(cd "$work/base" && scripts/publish.sh "$work/publish-base" >&2)

start() { # PUBLISH_DIR PORT: sets started_pid (no subshell, so cleanup knows the pid)
  $(webhook_command "$1") --port "$2" --metrics-port "$(( $2 + 1 ))" --bind-address 127.0.0.1 --self-signed-cert \
    --service-accounts-file examples/service-accounts.yaml --aws-default-region us-west-2 >"$work/webhook-$2.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
}
start "$work/publish-base" 18443; a_pid="$started_pid"
start "$work/publish" 18453; b_pid="$started_pid"
wait_ready https://127.0.0.1:18443/readyz
wait_ready https://127.0.0.1:18453/readyz

export REVIEW_FILE="$PWD/examples/admission-review.json"
for port in 18443 18453; do wrk -t1 -c32 -d5s -s scripts/load/review.lua "https://127.0.0.1:$port/mutate" >/dev/null; done
rss_mb() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
# Bytes the process has allocated on its GC heap so far (both builds export it on --metrics-port).
allocated() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^dotnet_gc_allocated_bytes_total/ {printf "%.0f", $2}'; }
results="$work/rounds.txt"
for round in $(seq 1 "$rounds"); do
  for side in "A 18443 $a_pid" "B 18453 $b_pid"; do
    read -r name port pid <<<"$side"
    before="$(allocated $(( port + 1 )))"
    out="$(wrk -t1 -c32 -d"${seconds}s" --latency -s scripts/load/review.lua "https://127.0.0.1:$port/mutate")"
    after="$(allocated $(( port + 1 )))"
    rps="$(awk '/Requests\/sec/ {print int($2)}' <<<"$out")"
    p99="$(awk '/^ +99%/ {print $2}' <<<"$out")"
    reviews="$(awk '/requests in/ {print $1}' <<<"$out")"
    echo "round $round $name ($([[ $name == A ]] && echo "$rev" || echo "this tree")): $rps req/s, p99 $p99, RSS $(rss_mb "$pid") MB, $(( (after - before) / reviews )) B allocated per review" | tee -a "$results"
  done
done

# The requests/s of one side's rounds, one per line.
rates() { grep " $1 (" "$results" | sed -E 's/.*: ([0-9]+) req\/s.*/\1/'; }
median() { sort -n | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%d %d %d %d\n", m, v[1], v[NR], NR}'; }
for name in A B; do
  read -r mid low high n < <(rates "$name" | median)
  echo "$name: median $mid req/s ($low-$high over $n rounds)"
done
# The machine's noise moves both sides of a round alike, so the round-by-round difference is
# the steadier comparison.
paste <(rates A) <(rates B) |
  awk '{printf "%d\n", ($2 - $1) * 1000 / $1}' | median | {
  read -r mid low high n
  echo "B against A, round by round: median $(awk -v m="$mid" 'BEGIN {printf "%+.1f", m / 10}')% ($(awk -v l="$low" -v h="$high" 'BEGIN {printf "%+.1f%% to %+.1f%%", l / 10, h / 10}') over $n rounds)"
}
