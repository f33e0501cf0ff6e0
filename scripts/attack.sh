#!/usr/bin/env bash
# Attacks: each hostile-peer scenario of the reliability section (half-sent 8 MB bodies,
# stalled HTTP/2 streams, 7 MB reviews, 100,000-container reviews never read) against its own
# published webhook limited to the heap a 256Mi container gets, with an ordinary review every
# 100 ms meanwhile. Prints a table: peak memory, answers by status, ordinary p99, memory 60 s
# after. Fails when the webhook died, answered 5xx, missed an ordinary review or kept memory.
#   scripts/attack.sh [--seconds N] [--after N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

publish_webhook
dotnet "$load_tool" attack "$@"
