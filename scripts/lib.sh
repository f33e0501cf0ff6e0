# Shared by the measurement scripts: publish the webhook, build the load tool, start the
# webhook locally (self-signed certificate, the example ServiceAccounts) and wait for /readyz.
# Source it from a script that has cd'ed to the repository root.

work="$(mktemp -d -t pod-identity-webhook-measure.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# wrk, offering TLS 1.3's suites as a kube-apiserver does (scripts/load/api-server-client.cnf),
# so the server negotiates what it negotiates in a cluster; the servers' own environment is
# left alone.
wrk_openssl_conf="$PWD/scripts/load/api-server-client.cnf"
wrk() {
  OPENSSL_CONF="$wrk_openssl_conf" command wrk "$@"
}

publish_webhook() {
  scripts/publish.sh "$work/publish" >&2
  dotnet build benchmarks/PodIdentityWebhook.Load -c Release -nologo -v quiet >&2
  load_tool="benchmarks/PodIdentityWebhook.Load/bin/Release/net10.0/PodIdentityWebhook.Load.dll"
  export E2E_WEBHOOK_BINARY="$work/publish/PodIdentityWebhook"
}

# publish_bare: the bare Kestrel of the load comparisons (benchmarks/PodIdentityWebhook.BareKestrel),
# Native AOT with the webhook's runtime settings; sets bare_binary.
publish_bare() {
  dotnet publish benchmarks/PodIdentityWebhook.BareKestrel -nologo -v quiet -c Release -r linux-x64 \
    -p:DebugType=none -o "$work/bare" >&2
  bare_binary="$work/bare/PodIdentityWebhook.BareKestrel"
}

# start_bare PORT ANSWER_FILE: the bare Kestrel answering ANSWER_FILE; sets bare_pid.
start_bare() {
  "$bare_binary" --port "$1" --response "$2" >"$work/bare-$1.log" 2>&1 &
  bare_pid=$!
  pids+=("$bare_pid")
  wait_ready "https://127.0.0.1:$1/readyz"
}

# webhook_command PUBLISH_DIR: the command that runs a publish: the Native AOT binary, or
# dotnet and the assembly for a revision published before the switch to Native AOT.
webhook_command() {
  if [[ -x "$1/PodIdentityWebhook" ]]; then echo "$1/PodIdentityWebhook"; else echo "dotnet $1/PodIdentityWebhook.dll"; fi
}

wait_ready() {
  local url="$1"
  for _ in $(seq 1 300); do
    curl -ksf -o /dev/null "$url" && return 0
    sleep 0.1
  done
  echo "not ready: $url" >&2
  return 1
}

# start_local_webhook PORT [flags...]: sets webhook_pid
start_local_webhook() {
  local port="$1"; shift
  $(webhook_command "$work/publish") --port "$port" --metrics-port "$((port + 1))" \
    --bind-address 127.0.0.1 --self-signed-cert --service-accounts-file examples/service-accounts.yaml \
    --aws-default-region us-west-2 "$@" >"$work/webhook.log" 2>&1 &
  webhook_pid=$!
  pids+=("$webhook_pid")
  wait_ready "https://127.0.0.1:$port/readyz"
}
