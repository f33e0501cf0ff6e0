#!/usr/bin/env bash
# A stand-in for `helm template` where there is no helm (this machine, CI here): renders a
# chart with tools/chart-render (Go's text/template + Debian's sprig, values merged and checked
# against values.schema.json). Builds the tool once into a cache outside the repo, keyed by a
# hash of its source. Arguments go to the tool:
#   scripts/render-chart.sh charts/pod-identity-webhook [-f values.yaml]... [--namespace NS]
#     [--name NAME] [--kube-version v1.20.2] [--api-versions v1,apps/v1,...] [--notes]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev golang-github-xeipuuv-gojsonschema-dev)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if (( ${#missing[@]} > 0 )); then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

hash="$(cat tools/chart-render/*.go | sha256sum | cut -c1-16)"
cache="${CHART_RENDER_CACHE:-/var/cache/pod-identity-webhook/chart-render}/$hash"
if [[ ! -x "$cache/chart-render" ]]; then
  mkdir -p "$cache/gopath"
  (cd tools/chart-render && GO111MODULE=off GOPATH="$cache/gopath:/usr/share/gocode" GOCACHE="$cache/gocache" \
    go build -o "$cache/chart-render.tmp" . >&2)
  mv "$cache/chart-render.tmp" "$cache/chart-render"
fi
exec "$cache/chart-render" "$@"
