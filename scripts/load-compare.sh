#!/usr/bin/env bash
# A/B load on loopback, wrk alternating between two servers that run side by side, so the
# machine's noise falls on both alike. B is always this tree's published webhook; A is
#   - bare: a bare Kestrel of the same form (Native AOT, the webhook's runtime settings and
#     TLS, reading the whole body and answering the webhook's own answer to the review): what
#     is left between the two is the webhook's work;
#   - reference: the Go amazon-eks-pod-identity-webhook, as its Dockerfile builds it, from
#     $REFERENCE_BINARY (default /var/cache/pod-identity-webhook/reference/amazon-eks-pod-identity-webhook;
#     docs/performance.md says how it was built here). Both then run with the same flags, fed by
#     the same real kube-apiserver (the E2E suite's control plane) holding the example
#     ServiceAccounts, on the same certificate;
#   - REV: the published webhook of git revision REV.
# For each connection count, prints every round (requests/s, p99, resident memory, and the
# server's own CPU per review, which wrk's share of the cores does not blur), then the medians
# with their spread, B/A requests/s and A/B CPU per review round by round; for a webhook side
# also the bytes it allocated per review.
#   scripts/load-compare.sh bare|reference|REV [ROUNDS] [SECONDS]    (default 5 rounds of 10 s)
#   CONNECTIONS="16 32" (default) picks the connection counts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
against="${1:?usage: scripts/load-compare.sh bare|reference|REV [ROUNDS] [SECONDS]}"
rounds="${2:-5}"
seconds="${3:-10}"
connections="${CONNECTIONS:-16 32}"

command -v wrk >/dev/null || { scripts/apt.sh update && scripts/apt.sh install wrk; }
publish_webhook

# The flags every webhook of the comparison gets besides its ports; against the reference, only
# flags the two share, and the ServiceAccounts from the API server.
common_flags=(--bind-address 127.0.0.1 --self-signed-cert --service-accounts-file examples/service-accounts.yaml --aws-default-region us-west-2)
if [[ "$against" == reference ]]; then
  reference_binary="${REFERENCE_BINARY:-/var/cache/pod-identity-webhook/reference/amazon-eks-pod-identity-webhook}"
  [[ -x "$reference_binary" ]] || { echo "load-compare: no reference binary at $reference_binary: build it as docs/performance.md (Against the Go reference) says, or set REFERENCE_BINARY" >&2; exit 1; }
  if [[ -z "${KUBEBUILDER_ASSETS:-}" ]]; then KUBEBUILDER_ASSETS="$(scripts/control-plane.sh | tail -n 1)"; export KUBEBUILDER_ASSETS; fi
  dotnet "$load_tool" control-plane --kubeconfig-out "$work/kubeconfig-path" >"$work/control-plane.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 120); do [[ -s "$work/kubeconfig-path" ]] && break; sleep 1; done
  [[ -s "$work/kubeconfig-path" ]] || { cat "$work/control-plane.log" >&2; echo "load-compare: the control plane did not start" >&2; exit 1; }
  kubeconfig="$(cat "$work/kubeconfig-path")"
  "$KUBEBUILDER_ASSETS/kubectl" --kubeconfig "$kubeconfig" apply -f examples/service-accounts.yaml >&2
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
  common_flags=(--in-cluster=false --kubeconfig "$kubeconfig" --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" --aws-default-region us-west-2)
fi

start() { # COMMAND PORT: sets started_pid (no subshell, so cleanup knows the pid)
  $1 --port "$2" --metrics-port "$(( $2 + 1 ))" "${common_flags[@]}" >"$work/webhook-$2.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
}

# review_example URL: the answer to examples/admission-review.json, on stdout.
review_example() {
  curl -ksf -X POST -H 'Content-Type: application/json' --data-binary @examples/admission-review.json "$1"
}

# Ready for this comparison is answering the example review with a patch: the reference has no
# readiness endpoint (its /healthz answers before its cache holds anything).
wait_patched() {
  for _ in $(seq 1 300); do
    review_example "$1" 2>/dev/null | grep -q '"patch"' && return 0
    sleep 0.1
  done
  echo "load-compare: $1 never answered the example review with a patch" >&2
  return 1
}

start "$(webhook_command "$work/publish")" 18453; b_pid="$started_pid"
wait_patched https://127.0.0.1:18453/mutate
if [[ "$against" == reference ]]; then
  a_label="Go reference ($(basename "$reference_binary"))"
  start "$reference_binary" 18443; a_pid="$started_pid"
  wait_patched https://127.0.0.1:18443/mutate
  # Both must make the same pod of the example review, or the rates compare different work.
  for port in 18443 18453; do
    review_example "https://127.0.0.1:$port/mutate" >"$work/answer-$port.json"
    python3 scripts/load/resulting-pod.py examples/admission-review.json "$work/answer-$port.json" >"$work/pod-$port.json"
  done
  if diff -u "$work/pod-18443.json" "$work/pod-18453.json" >"$work/pod.diff"; then
    echo "the reference and the webhook make the same pod of the example review"
  else
    echo "load-compare: WARNING: the two make different pods of the example review (- reference, + webhook):" >&2
    cat "$work/pod.diff" >&2
  fi
elif [[ "$against" == bare ]]; then
  a_label="bare Kestrel"
  review_example https://127.0.0.1:18453/mutate >"$work/answer.json"
  publish_bare
  start_bare 18443 "$work/answer.json"; a_pid="$bare_pid"
else
  a_label="$against"
  git worktree add --detach "$work/base" "$against" >/dev/null
  trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; cleanup' EXIT
  (cd "$work/base" && scripts/publish.sh "$work/publish-base" >&2)
  start "$(webhook_command "$work/publish-base")" 18443; a_pid="$started_pid"
  wait_patched https://127.0.0.1:18443/mutate
fi

export REVIEW_FILE="$PWD/examples/admission-review.json"
# The TLS 1.3 suite each side negotiates with wrk, which offers them as a kube-apiserver does
# (scripts/lib.sh): both should show what they would use in a cluster.
tls_suite() { OPENSSL_CONF="$wrk_openssl_conf" openssl s_client -connect "127.0.0.1:$1" </dev/null 2>/dev/null | awk '/Cipher is/ {print $NF; exit}'; }
suites="TLS with wrk: A $(tls_suite 18443), B $(tls_suite 18453)"
echo "$suites"
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# Bytes a webhook has allocated on its GC heap so far (exported on its --metrics-port); a side
# without that metric (the bare Kestrel, the reference) reads as empty and prints "-".
allocated() { curl -s "http://127.0.0.1:$1/metrics" 2>/dev/null | awk '/^dotnet_gc_allocated_bytes_total/ {printf "%.0f", $2}' || true; }
# CPU the process has used so far (user and system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
results="$work/rounds.txt"
# Resting size first, before any load: both sides are ready and have answered one review.
sleep 6
idle="idle RSS: A $(rss_mb "$a_pid") MB, B $(rss_mb "$b_pid") MB (6 s after ready, before any load)"
echo "$idle"
for c in $connections; do
  for port in 18443 18453; do wrk -t1 -c"$c" -d5s -s scripts/load/review.lua "https://127.0.0.1:$port/mutate" >/dev/null; done
  for round in $(seq 1 "$rounds"); do
    for side in "A 18443 $a_pid" "B 18453 $b_pid"; do
      read -r name port pid <<<"$side"
      before="$(allocated $(( port + 1 )))"
      cpu_before="$(cpu_ticks "$pid")"
      out="$(wrk -t1 -c"$c" -d"${seconds}s" --latency -s scripts/load/review.lua "https://127.0.0.1:$port/mutate")"
      cpu_after="$(cpu_ticks "$pid")"
      after="$(allocated $(( port + 1 )))"
      reviews="$(awk '/requests in/ {print $1}' <<<"$out")"
      per_review="-"
      [[ -n "$before" && -n "$after" ]] && per_review="$(( (after - before) / reviews ))"
      rps="$(awk '/Requests\/sec/ {print int($2)}' <<<"$out")"
      # wrk prints 1.23ms or 850.00us; in microseconds.
      p99="$(awk '/^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); print int(v)} else if (v ~ /ms$/) {sub(/ms$/, "", v); print int(v * 1000)} else {sub(/s$/, "", v); print int(v * 1000000)}}' <<<"$out")"
      # The server's own CPU per review: wrk shares the cores, so requests/s understates how
      # much less one side spends; this does not.
      cpu="$(awk -v t="$(( cpu_after - cpu_before ))" -v hz="$ticks_per_second" -v n="$reviews" 'BEGIN {printf "%.1f", t * 1000000 / hz / n}')"
      echo "c$c round $round $name: $rps req/s p99 ${p99} us RSS $(rss_mb "$pid") MB, CPU $cpu us per review, $per_review B allocated per review" | tee -a "$results"
    done
  done
done

median() { sort -n | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%s %s %s\n", m, v[1], v[NR]}'; }
field() { grep "^c$1 round [0-9]* $2:" "$results" | awk -v f="$3" '{print $f}'; }
echo
echo "A = $a_label, B = this tree's webhook; $(nproc) cores, $(date -u +%Y-%m-%d), $rounds rounds of $seconds s, alternated"
echo "$idle"
echo "$suites"
for c in $connections; do
  for name in A B; do
    read -r rps rps_low rps_high < <(field "$c" "$name" 5 | median)
    read -r p99 p99_low p99_high < <(field "$c" "$name" 8 | median)
    read -r rss rss_low rss_high < <(field "$c" "$name" 11 | median)
    read -r cpu cpu_low cpu_high < <(field "$c" "$name" 14 | median)
    echo "c$c $name: median $rps req/s ($rps_low-$rps_high), p99 $p99 us ($p99_low-$p99_high), RSS $rss MB ($rss_low-$rss_high), CPU $cpu us per review ($cpu_low-$cpu_high)"
  done
  # Round by round, B/A: the machine's noise moves both sides of a round alike.
  read -r ratio low high < <(paste <(field "$c" A 5) <(field "$c" B 5) | awk '{printf "%.3f\n", $2 / $1}' | median)
  echo "c$c B/A requests/s round by round: median $ratio ($low-$high)"
  read -r ratio low high < <(paste <(field "$c" A 14) <(field "$c" B 14) | awk '{printf "%.3f\n", $1 / $2}' | median)
  echo "c$c A/B server CPU per review, round by round: median $ratio ($low-$high)"
done
