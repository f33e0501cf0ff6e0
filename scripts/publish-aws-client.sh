#!/usr/bin/env bash
# Publishes the AWS SDK test client (tests/PodIdentityWebhook.AwsClient) as the in-cluster
# tests run it: Native AOT for this machine's Linux runtime, one binary with no .NET runtime
# beside it, so the image's base needs none either (scripts/image.sh aws-client).
#   scripts/publish-aws-client.sh OUTPUT_DIR     # the binary: OUTPUT_DIR/PodIdentityWebhook.AwsClient
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:?usage: scripts/publish-aws-client.sh OUTPUT_DIR}"
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "publish-aws-client.sh: unsupported $(uname -m)" >&2; exit 1 ;;
esac
dotnet publish tests/PodIdentityWebhook.AwsClient/PodIdentityWebhook.AwsClient.csproj -nologo -v quiet \
  -c Release -r "$rid" -p:PublishAot=true -p:DebugType=none -p:PublishDocumentationFile=false -o "$out" >&2
test -x "$out/PodIdentityWebhook.AwsClient"
