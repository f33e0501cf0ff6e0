#!/usr/bin/env bash
# Fuzz: 100,000 malformed and hostile reviews (seeded, so a failure can be replayed) against
# the published webhook running locally. Passes when there is no 5xx, no failed request, the
# process is alive at the end, and its resident memory is flat.
#   scripts/fuzz.sh [--count N] [--seed N] [--concurrency N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

publish_webhook
start_local_webhook 18443
dotnet "$load_tool" fuzz --url https://127.0.0.1:18443/mutate --pid "$webhook_pid" "$@"
