#!/usr/bin/env bash
# The one way the webhook is published: ReadyToRun, framework-dependent (the image's base
# brings ASP.NET Core), for one Linux runtime. scripts/test.sh runs the E2E suite on this
# output, and the Dockerfile ships it.
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

dotnet publish src/PodIdentityWebhook/PodIdentityWebhook.csproj -nologo -v quiet \
  -c Release -r "$rid" --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=none -p:PublishDocumentationFile=false \
  -o "$out"
