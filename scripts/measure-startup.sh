#!/usr/bin/env bash
# Startup: process start to /readyz 200 of the published webhook against the real API server
# (scripts/control-plane.sh) holding 1,000 annotated ServiceAccounts; 5 runs, median.
#   scripts/measure-startup.sh [--service-accounts N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
if [[ -z "${KUBEBUILDER_ASSETS:-}" ]]; then KUBEBUILDER_ASSETS="$(scripts/control-plane.sh | tail -n 1)"; export KUBEBUILDER_ASSETS; fi
publish_webhook
dotnet "$load_tool" startup "$@"
