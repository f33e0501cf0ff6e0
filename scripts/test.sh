#!/usr/bin/env bash
# Builds the solution, publishes the webhook, and runs every test suite, printing one summary
# line per suite and a total "N passed, N failed" line. Fails when a suite fails, runs no test,
# is missing, or skips a test (against an existing cluster, E2E_KUBECONFIG, or k3s in a
# container, E2E_CLUSTER=k3s, the E2E tests that need the suite's own control plane or the
# node cluster are skipped and that is allowed).
#
# In the default mode the E2E suite also runs pods: this script brings up the single-node
# cluster of scripts/cluster.sh (needs root) unless it is already up, and takes it down at
# the end if it brought it up. E2E_NODE_CLUSTER=skip leaves it out (and allows those skips)
# where the node cannot be built.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
results="$(mktemp -d)"
cluster_started=false
finish() {
  local code=$?
  if $cluster_started; then
    # down must leave the machine as up found it: a difference fails the run.
    if ! scripts/cluster.sh down || ! scripts/cluster.sh footprint | diff "$results/footprint.before" - >&2; then
      echo "scripts/cluster.sh down left the machine changed (see above)" >&2
      code=1
    fi
  fi
  rm -rf "$results"
  exit "$code"
}
trap finish EXIT

# The E2E suite needs a real kube-apiserver and etcd (built once and cached outside the repo),
# unless it runs against another cluster.
if [[ -z "${E2E_KUBECONFIG:-}" && -z "${E2E_CLUSTER:-}" && -z "${KUBEBUILDER_ASSETS:-}" ]]; then
  KUBEBUILDER_ASSETS="$(scripts/control-plane.sh | tail -n 1)"
  export KUBEBUILDER_ASSETS
fi

node_cluster=true
[[ -n "${E2E_KUBECONFIG:-}" || -n "${E2E_CLUSTER:-}" || "${E2E_NODE_CLUSTER:-}" == skip ]] && node_cluster=false
if $node_cluster && ! scripts/cluster.sh status >/dev/null 2>&1; then
  cluster_clock=$SECONDS
  # What a run that was killed left behind (state, mounts, rules) goes before the machine is
  # taken as the baseline that down must restore.
  scripts/cluster.sh down
  scripts/cluster.sh footprint >"$results/footprint.before"
  cluster_started=true
  scripts/cluster.sh up
  echo "node cluster up in $(( SECONDS - cluster_clock )) s" >&2
fi

dotnet build PodIdentityWebhook.sln -c "$configuration" -nologo -v quiet

# The E2E suite runs the published webhook: the Native AOT binary the image ships
# (scripts/publish.sh).
publish="$results/publish"
scripts/publish.sh "$publish"
export E2E_WEBHOOK_BINARY="$publish/PodIdentityWebhook"
# The AWS SDK test client that the in-cluster tests run in a pod, Native AOT like its image;
# without the node cluster those tests are skipped and it is not needed.
if $node_cluster; then
  scripts/publish-aws-client.sh "$results/aws-client"
  export E2E_AWS_CLIENT_BINARY="$results/aws-client/PodIdentityWebhook.AwsClient"
fi

expected_suites=(PodIdentityWebhook.Tests PodIdentityWebhook.E2E)
for suite in "${expected_suites[@]}"; do
  if [[ ! -f "tests/$suite/$suite.csproj" ]]; then
    echo "suite $suite is missing: tests/$suite/$suite.csproj" >&2
    exit 1
  fi
done

status=0
total_passed=0
total_failed=0
summary=()
# Only the suites: tests/ also holds PodIdentityWebhook.AwsClient, a program the in-cluster
# tests run in a pod.
for suite in "${expected_suites[@]}"; do
  project="tests/$suite/$suite.csproj"
  if ! dotnet test "$project" -c "$configuration" --no-build -nologo \
      --logger "trx;LogFileName=$suite.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results"; then
    status=1
  fi
  trx="$results/$suite.trx"
  if [[ ! -f "$trx" ]]; then
    summary+=("$suite: no results (the suite did not run)")
    status=1
    continue
  fi
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total="$(count total)"; passed="$(count passed)"; failed="$(count failed)"
  skipped=$(( total - passed - failed ))
  summary+=("$suite: $passed passed, $failed failed, $skipped skipped")
  total_passed=$(( total_passed + passed ))
  total_failed=$(( total_failed + failed ))
  if (( total == 0 )); then
    summary+=("$suite: ran zero tests; that is a failure")
    status=1
  fi
  if (( failed > 0 )); then status=1; fi
  if (( skipped > 0 )) && [[ -z "${E2E_KUBECONFIG:-}" && -z "${E2E_CLUSTER:-}" && "${E2E_NODE_CLUSTER:-}" != skip ]]; then
    summary+=("$suite: skipped $skipped tests; every test must run here")
    status=1
  fi
done

echo
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
exit "$status"
