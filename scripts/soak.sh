#!/usr/bin/env bash
# Soak: minutes of mixed load against the real control plane: reviews straight to the
# published webhook, pods through the API server (failurePolicy Fail), ServiceAccounts
# created, re-annotated, stripped and deleted all along, and an API server restart halfway.
# Passes with zero failed reviews, every ServiceAccount answered as its final state, and flat
# resident memory (start, peak and end are printed).
#   scripts/soak.sh [--minutes N]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
if [[ -z "${KUBEBUILDER_ASSETS:-}" ]]; then KUBEBUILDER_ASSETS="$(scripts/control-plane.sh | tail -n 1)"; export KUBEBUILDER_ASSETS; fi
publish_webhook
dotnet "$load_tool" soak "$@"
