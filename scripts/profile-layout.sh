#!/usr/bin/env bash
# Regenerates src/PodIdentityWebhook/MethodOrder.txt, the hot/cold layout of the shipped
# binary's code (docs/performance.md, Native AOT). ILC places the methods it names first, in that order, and
# the rest after them; the kernel maps a binary's pages 64 KB at a time, so methods that run
# placed together keep the code that never runs out of resident memory.
#
# Which methods run comes from callgrind (valgrind), which records every function executed:
#   1. the load script's setup: the example ServiceAccounts file, wrk posting the example
#      review, /metrics, /healthz and /readyz;
#   2. the soak against the real control plane for a minute: the informer's list and watch,
#      reviews sent by the API server, ServiceAccount churn, an API-server restart;
# then, natively under perf, what the CPU's own code paths add (below).
# Methods that ran in both come first, then those of one run; within each, hottest first
# (instructions executed in the method itself), so the request path is also packed tightly. Run it after changes to the request
# path or to start-up; a stale file costs memory, never correctness (ILC ignores names it
# does not compile, and unnamed methods go after the named ones).
#   scripts/profile-layout.sh     (about 6 minutes; needs valgrind, perf and wrk, installed if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

for tool in valgrind:valgrind wrk:wrk perf:linux-perf; do
  command -v "${tool%%:*}" >/dev/null || { scripts/apt.sh update && scripts/apt.sh install "${tool#*:}"; }
done
if [[ -z "${KUBEBUILDER_ASSETS:-}" ]]; then KUBEBUILDER_ASSETS="$(scripts/control-plane.sh | tail -n 1)"; export KUBEBUILDER_ASSETS; fi

# The same build with its symbol table, which names what callgrind saw. valgrind cannot read
# ILC's DWARF, so the debug sections go; the symbol table stays.
dotnet publish src/PodIdentityWebhook/PodIdentityWebhook.csproj -nologo -v quiet \
  -c Release -r linux-x64 -p:PublishAot=true -p:StripSymbols=false -o "$work/symbols" >&2
strip --strip-debug -o "$work/PodIdentityWebhook" "$work/symbols/PodIdentityWebhook"
dotnet build benchmarks/PodIdentityWebhook.Load -c Release -nologo -v quiet >&2
load_tool="benchmarks/PodIdentityWebhook.Load/bin/Release/net10.0/PodIdentityWebhook.Load.dll"

# Stand-ins for the binary that run it under callgrind, one per scenario. The soak's harness
# stops the webhook with SIGKILL, which callgrind cannot write out at, so profiles are dumped
# every 50 million basic blocks (a few seconds) as well as at exit; the parts add up.
profiled() { # SCENARIO -> path of its stand-in
  mkdir -p "$work/profiles/$1"
  cat >"$work/profiled-$1" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --dump-every-bb=50000000 --callgrind-out-file="$work/profiles/$1/callgrind.%p" --log-file="$work/profiles/$1/valgrind.%p.log" "$work/PodIdentityWebhook" "\$@"
EOF
  chmod +x "$work/profiled-$1"
  echo "$work/profiled-$1"
}

echo "profiling the load script's setup" >&2
"$(profiled load)" --port 18443 --metrics-port 18444 --bind-address 127.0.0.1 --self-signed-cert \
  --service-accounts-file examples/service-accounts.yaml --aws-default-region us-west-2 >"$work/webhook.log" 2>&1 &
profiled_pid=$!
pids+=("$profiled_pid")
for _ in $(seq 1 120); do curl -ksf -o /dev/null https://127.0.0.1:18443/readyz && break; sleep 1; done
REVIEW_FILE="$PWD/examples/admission-review.json" wrk -t1 -c8 -d20s -s scripts/load/review.lua https://127.0.0.1:18443/mutate >&2
for path in metrics healthz readyz; do curl -ksf -o /dev/null "http://127.0.0.1:18444/$path" || curl -ksf -o /dev/null "https://127.0.0.1:18443/$path" || true; done
kill -TERM "$profiled_pid"
wait "$profiled_pid" || true

echo "profiling a minute of soak against the real control plane" >&2
# The soak's own verdict (flat memory, timings) means nothing under valgrind; its traffic is what counts.
E2E_WEBHOOK_BINARY="$(profiled soak)" dotnet "$load_tool" soak --minutes 1 >&2 || true

python3 scripts/method-order.py "$work/symbols/PodIdentityWebhook" "$work/profiles/load" "$work/profiles/soak" >"$work/MethodOrder.txt"
mv "$work/MethodOrder.txt" src/PodIdentityWebhook/MethodOrder.txt

# Native passes: valgrind runs no AVX-512, so the CPU's own vector paths can call methods the
# profiles never saw. The binary laid out as above runs the load script's setup under perf,
# recording page faults; a fault whose address is the faulting instruction's own page names a
# method that ran outside the laid-out part, and it is appended. One fault maps 64 KB, so a
# second pass finds what the first one's neighbours hid.
for pass in 1 2; do
  dotnet publish src/PodIdentityWebhook/PodIdentityWebhook.csproj -nologo -v quiet \
    -c Release -r linux-x64 -p:PublishAot=true -p:StripSymbols=false -o "$work/native" >&2
  perf record -q -e page-faults -c 1 -d -o "$work/faults.data" "$work/native/PodIdentityWebhook" \
    --port 18443 --metrics-port 18444 --bind-address 127.0.0.1 --self-signed-cert \
    --service-accounts-file examples/service-accounts.yaml --aws-default-region us-west-2 >"$work/webhook.log" 2>&1 &
  perf_pid=$!
  pids+=("$perf_pid")
  wait_ready https://127.0.0.1:18443/readyz
  REVIEW_FILE="$PWD/examples/admission-review.json" wrk -t1 -c32 -d5s -s scripts/load/review.lua https://127.0.0.1:18443/mutate >/dev/null
  curl -sf -o /dev/null http://127.0.0.1:18444/metrics || true
  pkill -TERM -P "$perf_pid"
  wait "$perf_pid" || true
  python3 scripts/method-order.py --faults "$work/faults.data" "$work/native/PodIdentityWebhook" src/PodIdentityWebhook/MethodOrder.txt >"$work/added.txt"
  echo "native pass $pass: $(wc -l <"$work/added.txt") methods added" >&2
  cat "$work/added.txt" >>src/PodIdentityWebhook/MethodOrder.txt
done
echo "src/PodIdentityWebhook/MethodOrder.txt: $(wc -l <src/PodIdentityWebhook/MethodOrder.txt) methods" >&2
