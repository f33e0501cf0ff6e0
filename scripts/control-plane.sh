#!/usr/bin/env bash
# Provides a real Kubernetes control plane (kube-apiserver + etcd + kubectl) for the tests that
# need one, and prints the folder that holds them (the envtest KUBEBUILDER_ASSETS convention).
#
# - KUBEBUILDER_ASSETS, or TEST_ASSET_KUBE_APISERVER / TEST_ASSET_ETCD, when set, win: nothing
#   is built or installed.
# - Otherwise etcd comes from Debian's etcd-server package and kube-apiserver v1.20.2 is built
#   from Debian's kubernetes source package, once, into $CONTROL_PLANE_CACHE
#   (default /var/cache/pod-identity-webhook/control-plane), outside the repo. The same make
#   builds the node's binaries (kubelet, kube-controller-manager, kube-scheduler, kube-proxy)
#   and the pause program that scripts/cluster.sh runs: one cold build for both, since the Go
#   packages they share are compiled once.
#
# Usage: scripts/control-plane.sh            # prints the assets folder on the last line
set -euo pipefail

log() { echo "control-plane: $*" >&2; }

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  [[ -x "$KUBEBUILDER_ASSETS/kube-apiserver" && -x "$KUBEBUILDER_ASSETS/etcd" ]] \
    || { log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks kube-apiserver or etcd"; exit 1; }
  echo "$KUBEBUILDER_ASSETS"; exit 0
fi

cache="${CONTROL_PLANE_CACHE:-/var/cache/pod-identity-webhook/control-plane}"

# envtest's per-binary variables: whichever is given is used as it is, and only the other
# one comes from the cache below.
given_apiserver="${TEST_ASSET_KUBE_APISERVER:+$(realpath "$TEST_ASSET_KUBE_APISERVER")}"
given_etcd="${TEST_ASSET_ETCD:+$(realpath "$TEST_ASSET_ETCD")}"

bin="$cache/bin"
mkdir -p "$bin"

apt_updated=0
apt_install() {
  if (( apt_updated == 0 )); then "$(dirname "$0")/apt.sh" update; apt_updated=1; fi
  "$(dirname "$0")/apt.sh" install "$@"
}

if [[ -z "$given_etcd" && ! -x "$bin/etcd" ]]; then
  command -v etcd >/dev/null || apt_install etcd-server
  ln -sf "$(command -v etcd)" "$bin/etcd"
fi

if [[ ! -x "$bin/kubectl" ]]; then
  command -v kubectl >/dev/null || apt_install kubernetes-client
  ln -sf "$(command -v kubectl)" "$bin/kubectl"
fi

components=(kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy)
missing_component=false
for c in "${components[@]}" pause; do [[ -x "$bin/$c" ]] || missing_component=true; done
if [[ -z "$given_apiserver" ]] && $missing_component; then
  log "building ${components[*]} from Debian's kubernetes source package (12-18 minutes cold)"
  src_list=/etc/apt/sources.list.d/pod-identity-webhook-src.sources
  if [[ ! -f "$src_list" ]] && ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src_list"
    else
      sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/pod-identity-webhook-src.list
    fi
    apt_updated=0
  fi
  apt_install golang-go rsync golang-github-modern-go-reflect2-dev dpkg-dev make gcc libc6-dev
  work="$cache/build"
  rm -rf "$work"; mkdir -p "$work"
  (cd "$work" && apt-get source --download-only kubernetes >&2 && dpkg-source -x --no-check kubernetes_*.dsc tree >&2)
  tree="$work/tree"
  # The vendored reflect2 v1.0.1 crashes under Go >= 1.18 ("fatal error: fault" in map
  # iteration as soon as a pod is created); Debian's v1.0.2 works.
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 "$tree/vendor/github.com/modern-go/reflect2"
  what="$(printf 'cmd/%s ' "${components[@]}")"
  (cd "$tree" && KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean make WHAT="${what% }" >&2)
  for c in "${components[@]}"; do
    cp "$tree/_output/local/bin/linux/$(dpkg --print-architecture)/$c" "$bin/$c.tmp"
    mv "$bin/$c.tmp" "$bin/$c"
  done
  # The pod sandbox's process: a static C program, packed as an image by scripts/cluster.sh.
  gcc -Os -static -Wall -Werror -DVERSION=v3.4-v1.20.2 -o "$bin/pause.tmp" "$tree/build/pause/linux/pause.c"
  mv "$bin/pause.tmp" "$bin/pause"
  rm -rf "$work"
  log "${components[*]} and pause built into $bin"
fi

if [[ -n "$given_apiserver$given_etcd" ]]; then
  assets="$(mktemp -d -t pod-identity-webhook-assets.XXXXXX)"
  ln -s "${given_apiserver:-$bin/kube-apiserver}" "$assets/kube-apiserver"
  ln -s "${given_etcd:-$bin/etcd}" "$assets/etcd"
  ln -s "$bin/kubectl" "$assets/kubectl"
  bin="$assets"
fi

"$bin/kube-apiserver" --version >&2
echo "$bin"
