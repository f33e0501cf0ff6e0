#!/usr/bin/env bash
# Runs kustomize v5 at the pinned version below with the given arguments, e.g.
#   scripts/kustomize.sh build deploy/overlays/namespace
# deploy/ uses `replacements`, which the kustomize inside kubectl before v1.22 (v1.20's is
# v2.0.3) does not know, so the tests and the README's overlays render with this. Where the
# binary comes from, first that works:
#   1. $KUSTOMIZE, or the binary cached in $KUSTOMIZE_CACHE if it reports the pinned version;
#   2. `go install sigs.k8s.io/kustomize/kustomize/v5@VERSION` into that cache, where the go
#      command is new enough (the module needs Go 1.22) and its module proxy answers;
#   3. for `build` only: a kubectl whose embedded kustomize is the pinned version
#      (`kubectl kustomize DIR` is `kustomize build DIR`, the same code), $KUSTOMIZE_KUBECTL or
#      one on this machine (Google's kubectl package ships kubectl.1.33 with v5.6.0).
# Otherwise it fails, saying what it tried.
set -euo pipefail

version="${KUSTOMIZE_VERSION:-v5.6.0}"
cache="${KUSTOMIZE_CACHE:-/var/cache/pod-identity-webhook/kustomize}/$version"
tried=()

reports_version() {
  local out
  out="$("$1" version 2>/dev/null)" || return 1
  [[ "$out" == *"$version"* ]]
}

if [[ -n "${KUSTOMIZE:-}" ]]; then
  exec "$KUSTOMIZE" "$@"
fi

if [[ -x "$cache/kustomize" ]] && reports_version "$cache/kustomize"; then
  exec "$cache/kustomize" "$@"
fi

go_ok=false
if command -v go >/dev/null; then
  go_version="$(go env GOVERSION 2>/dev/null || true)"
  if [[ "$go_version" =~ ^go1\.([0-9]+) ]] && (( BASH_REMATCH[1] >= 22 )); then
    go_ok=true
  else
    tried+=("go install: ${go_version:-go} is older than the Go 1.22 that kustomize $version needs")
  fi
else
  tried+=("go install: no go command")
fi
if $go_ok; then
  mkdir -p "$cache"
  echo "installing kustomize $version into $cache (go install)" >&2
  if GOBIN="$cache" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$version" >&2 \
    && reports_version "$cache/kustomize"; then
    exec "$cache/kustomize" "$@"
  fi
  tried+=("go install sigs.k8s.io/kustomize/kustomize/v5@$version failed (see above)")
fi

if [[ "${1:-}" == build ]]; then
  candidates=()
  [[ -n "${KUSTOMIZE_KUBECTL:-}" ]] && candidates+=("$KUSTOMIZE_KUBECTL")
  while IFS= read -r k; do candidates+=("$k"); done < <(ls /usr/lib/google-cloud-sdk/bin/kubectl.1.* 2>/dev/null | sort -rV)
  while IFS= read -r k; do candidates+=("$k"); done < <(type -ap kubectl || true)
  for kubectl in "${candidates[@]}"; do
    [[ -x "$kubectl" ]] || continue
    embedded="$("$kubectl" version --client -o json 2>/dev/null | sed -n 's/.*"kustomizeVersion": *"\([^"]*\)".*/\1/p')"
    if [[ "$embedded" == "$version" ]]; then
      shift
      exec "$kubectl" kustomize "$@"
    fi
    tried+=("$kubectl: embeds kustomize ${embedded:-unknown}")
  done
else
  tried+=("kubectl kustomize: only stands in for \`kustomize build\`")
fi

{
  echo "scripts/kustomize.sh: no kustomize $version. Tried:"
  printf '  %s\n' "${tried[@]}"
  echo "Install it (go install sigs.k8s.io/kustomize/kustomize/v5@$version with Go 1.22+) and set KUSTOMIZE, or set KUSTOMIZE_KUBECTL to a kubectl that embeds it."
} >&2
exit 1
