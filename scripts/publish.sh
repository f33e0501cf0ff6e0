#!/usr/bin/env bash
# The one way the webhook is published: Native AOT, one self-contained binary with no .NET
# runtime beside it (the image's base is runtime-deps), for one Linux runtime. scripts/test.sh
# runs the E2E suite on this output, the measurement scripts measure it, and the Dockerfile
# ships it. Any trim or AOT warning fails the publish (TreatWarningsAsErrors reaches ILC).
# Needs clang and zlib1g-dev (apt-get install clang zlib1g-dev).
#
# Usage: scripts/publish.sh OUTPUT_DIR [RID]   # RID defaults to this machine's: linux-x64, linux-arm64
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:?usage: scripts/publish.sh OUTPUT_DIR [RID]}"
case "${2:-$(uname -m)}" in
  linux-x64|x86_64|amd64) rid=linux-x64 ;;
  linux-arm64|aarch64|arm64) rid=linux-arm64 ;;
  *) echo "publish.sh: unsupported runtime ${2:-$(uname -m)}" >&2; exit 1 ;;
esac

if ! command -v clang >/dev/null; then
  echo "publish.sh: Native AOT needs clang and zlib1g-dev (apt-get install clang zlib1g-dev)" >&2
  exit 1
fi

dotnet publish src/PodIdentityWebhook/PodIdentityWebhook.csproj -nologo -v quiet \
  -c Release -r "$rid" -p:PublishAot=true -p:DebugType=none -p:PublishDocumentationFile=false \
  -o "$out"
# Only the binary ships: the web SDK's static-asset manifest is empty for this service.
rm -f "$out"/*.staticwebassets.endpoints.json "$out"/*.xml "$out"/*.dbg
test -x "$out/PodIdentityWebhook"
# kubectl runs kubectl-pod_identity for "kubectl pod-identity ...": the same binary (docs/troubleshooting.md).
ln -sf PodIdentityWebhook "$out/kubectl-pod_identity"
# 22.9 MB today on x64, whose type data is left in the file (NativeAotRuntime.props). Past
# 28 MB something has pulled KubernetesClient's JSON context of the whole API back in
# (docs/performance.md, Native AOT): 20 MB of binary and about 25 MB of resident memory.
size="$(stat -c %s "$out/PodIdentityWebhook")"
if (( size > 28 * 1024 * 1024 )); then
  echo "publish.sh: the binary is $(( size / 1024 / 1024 )) MB, over the 28 MB budget (docs/performance.md, Native AOT)" >&2
  exit 1
fi
