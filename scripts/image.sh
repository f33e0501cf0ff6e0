#!/usr/bin/env bash
# Builds container images here, with buildah and no registry, as docker-archive tarballs that
# `scripts/cluster.sh import` loads into the node:
#
#   scripts/image.sh webhook OUT.tar [TAG]   the image users get, from the repository's
#                                            Dockerfile: its runtime stage (user 1654, the
#                                            entrypoint, nothing written to the root
#                                            filesystem) on a base made here from Debian's
#                                            packages, with the Native AOT binary published
#                                            on this machine (APP=published). TAG defaults
#                                            to "dev"; the image is
#                                            localhost/pod-identity-webhook:TAG.
#   scripts/image.sh toolbox OUT.tar         busybox (Debian's busybox-static) as
#                                            localhost/pod-identity-webhook/toolbox:test, for
#                                            tests that look inside a pod.
#   scripts/image.sh aws-client OUT.tar      tests/PodIdentityWebhook.AwsClient (the AWS SDK
#                                            for .NET, configured only by its environment),
#                                            published Native AOT, on the same base, user 1654,
#                                            as localhost/pod-identity-webhook/aws-client:test,
#                                            for tests that prove a mutated pod gets
#                                            credentials.
#
# The base, localhost/pod-identity-webhook/runtime-deps:debian12, stands in for the chiseled
# runtime-deps image of the release: the same libraries (libc, libgcc, libstdc++, OpenSSL,
# zlib), the CA bundle and the app user, no shell and no package manager. It is built once
# per machine and kept in buildah's storage. IMAGE_PUBLISH_DIR names a publish of
# scripts/publish.sh to reuse instead of publishing again, AWS_CLIENT_PUBLISH_DIR one of the
# AWS SDK test client.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "image: $*" >&2; }
command -v buildah >/dev/null || { log "needs buildah (apt-get install buildah)"; exit 1; }

base=localhost/pod-identity-webhook/runtime-deps:debian12
base_packages=(libc6 libgcc-s1 libstdc++6 libssl3 zlib1g)

# archive IMAGE OUT: the image as a docker-archive that keeps its name.
archive() {
  rm -f "$2"
  buildah push -q "$1" "docker-archive:$2:$1" >/dev/null
  log "$1 -> $2"
}

build_base() {
  buildah inspect --type image "$base" >/dev/null 2>&1 && return
  log "making $base from Debian's ${base_packages[*]}"
  local work rootfs deb
  work="$(mktemp -d)"
  rootfs="$work/rootfs"
  mkdir -p "$rootfs"/{etc/ssl/certs,tmp,app}
  (cd "$work" && apt-get download "${base_packages[@]}" >/dev/null 2>&1) \
    || { scripts/apt.sh update && (cd "$work" && apt-get download "${base_packages[@]}" >/dev/null); }
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$rootfs"; done
  rm -rf "$rootfs"/usr/share/{doc,man,lintian,locale,info}
  # Debian's CA bundle, as the chiseled image carries Ubuntu's.
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] || scripts/apt.sh install ca-certificates
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  # The user of the release image, by the same numbers (runAsNonRoot checks the number).
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  ldconfig -r "$rootfs"
  local container
  container="$(buildah from scratch)"
  buildah copy -q "$container" "$rootfs" / >/dev/null
  buildah commit -q --rm "$container" "$base" >/dev/null
  rm -rf "$work"
}

webhook() {
  local out="${1:?usage: scripts/image.sh webhook OUT.tar [TAG]}" tag="${2:-dev}"
  local image="localhost/pod-identity-webhook:$tag"
  build_base
  rm -rf artifacts/publish
  mkdir -p artifacts
  if [[ -n "${IMAGE_PUBLISH_DIR:-}" ]]; then
    cp -r "$IMAGE_PUBLISH_DIR" artifacts/publish
  else
    scripts/publish.sh artifacts/publish >&2
  fi
  local version
  version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' charts/pod-identity-webhook/Chart.yaml)"
  buildah bud -q --layers=false --build-arg RUNTIME_BASE="$base" --build-arg APP=published \
    --build-arg VERSION="$version" --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    -t "$image" . >/dev/null
  archive "$image" "$out"
}

toolbox() {
  local out="${1:?usage: scripts/image.sh toolbox OUT.tar}" image=localhost/pod-identity-webhook/toolbox:test
  if ! buildah inspect --type image "$image" >/dev/null 2>&1; then
    # The static build: the image has no libraries for a dynamic one.
    dpkg -s busybox-static >/dev/null 2>&1 || scripts/apt.sh install busybox-static
    local container
    container="$(buildah from scratch)"
    buildah copy -q "$container" /bin/busybox /bin/busybox >/dev/null
    # busybox's applets by name, so a pod's command can be "sh", "cat", "wget".
    buildah run --isolation chroot "$container" /bin/busybox --install -s /bin
    buildah config --entrypoint '[]' --cmd '["sh"]' "$container"
    buildah commit -q --rm "$container" "$image" >/dev/null
  fi
  archive "$image" "$out"
}

aws_client() {
  local out="${1:?usage: scripts/image.sh aws-client OUT.tar}" image=localhost/pod-identity-webhook/aws-client:test
  local publish=artifacts/aws-client
  build_base
  rm -rf "$publish"
  if [[ -n "${AWS_CLIENT_PUBLISH_DIR:-}" ]]; then
    cp -r "$AWS_CLIENT_PUBLISH_DIR" "$publish"
  else
    scripts/publish-aws-client.sh "$publish"
  fi
  test -x "$publish/PodIdentityWebhook.AwsClient"
  local container
  container="$(buildah from "$base")"
  buildah copy -q --chmod 0755 "$container" "$publish/PodIdentityWebhook.AwsClient" /app/aws-client >/dev/null
  # A pod's args follow the entrypoint: args: [caller-identity, --wait-seconds, "600"].
  buildah config --user 1654:1654 --workingdir /app --entrypoint '["/app/aws-client"]' --cmd '["caller-identity"]' "$container"
  buildah commit -q --rm "$container" "$image" >/dev/null
  archive "$image" "$out"
}

case "${1:-}" in
  webhook) shift; webhook "$@" ;;
  toolbox) shift; toolbox "$@" ;;
  aws-client) shift; aws_client "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
