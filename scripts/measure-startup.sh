#!/usr/bin/env bash
# Startup: process start to /readyz 200 of the published webhook with 1,000 annotated
# ServiceAccounts, read from a file and from the real API server (scripts/control-plane.sh);
# 5 runs of each, median. --trust-store image gives the webhook the image's CA store (the
# bundle alone) instead of this machine's, which .NET reads whole before the first handshake.
#   scripts/measure-startup.sh [--service-accounts N] [--runs N] [--source api|file|both] [--trust-store host|image]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
if [[ -z "${KUBEBUILDER_ASSETS:-}" ]]; then KUBEBUILDER_ASSETS="$(scripts/control-plane.sh | tail -n 1)"; export KUBEBUILDER_ASSETS; fi
publish_webhook
dotnet "$load_tool" startup "$@"
