#!/usr/bin/env bash
# apt-get for the project's scripts, as root, non-interactive, that waits its turn: when
# another apt-get or dpkg holds a lock (an unattended upgrade, a second job), it retries every
# 5 s for up to $APT_LOCK_WAIT seconds (default 600) instead of failing at once. dpkg's
# frontend lock is waited for by apt itself (DPkg::Lock::Timeout); `apt-get update` ignores
# that option for the lists lock, hence the loop.
#   scripts/apt.sh update
#   scripts/apt.sh install PACKAGE...
set -uo pipefail

deadline=$(( SECONDS + ${APT_LOCK_WAIT:-600} ))
while true; do
  out="$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=60 -y -qq "$@" 2>&1)"
  code=$?
  if (( code == 0 )); then
    exit 0
  fi
  if grep -q 'Could not get lock' <<<"$out" && (( SECONDS < deadline )); then
    echo "apt.sh: another apt-get or dpkg holds a lock ($(grep -o 'held by process [0-9]* ([^)]*)' <<<"$out" | head -n 1)); waiting" >&2
    sleep 5
    continue
  fi
  printf '%s\n' "$out" >&2
  exit "$code"
done
