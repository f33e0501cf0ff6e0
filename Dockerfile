# syntax=docker/dockerfile:1
# PodIdentityWebhook image: the output of scripts/publish.sh (the same publish the E2E suite
# runs) on the chiseled ASP.NET Core runtime: no shell, no package manager, a numeric non-root
# user, nothing written to the root filesystem.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t pod-identity-webhook .

ARG DOTNET_VERSION=10.0

# The SDK runs on the build machine's platform and cross-publishes for the target's.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TARGETARCH
WORKDIR /src

# Restore first, from the project files alone, so source edits reuse this layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/PodIdentityWebhook/PodIdentityWebhook.csproj src/PodIdentityWebhook/
RUN rid="linux-$([ "$TARGETARCH" = amd64 ] && echo x64 || echo "$TARGETARCH")" \
 && dotnet restore src/PodIdentityWebhook/PodIdentityWebhook.csproj -r "$rid" -p:PublishReadyToRun=true

COPY scripts/publish.sh scripts/
COPY src/ src/
RUN scripts/publish.sh /app "linux-$([ "$TARGETARCH" = amd64 ] && echo x64 || echo "$TARGETARCH")"

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="pod-identity-webhook" \
      org.opencontainers.image.description="Kubernetes mutating admission webhook that gives pods AWS IAM identity (IRSA and EKS Pod Identity)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/pod-identity-webhook/pod-identity-webhook"

# No diagnostics IPC sockets or perf maps in /tmp: the root filesystem may be read-only.
ENV DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0 \
    ASPNETCORE_URLS= \
    ASPNETCORE_HTTP_PORTS=

WORKDIR /app
COPY --from=build --chown=0:0 /app ./
# The chiseled image's app user, by number so runAsNonRoot can verify it.
USER 1654:1654
EXPOSE 8443 9999
ENTRYPOINT ["dotnet", "/app/PodIdentityWebhook.dll"]
CMD ["--port=8443", "--tls-cert=/etc/webhook/certs/tls.crt", "--tls-key=/etc/webhook/certs/tls.key"]
