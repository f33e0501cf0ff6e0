# syntax=docker/dockerfile:1
# PodIdentityWebhook image: the Native AOT binary of scripts/publish.sh (the same publish the
# E2E suite runs) on the chiseled runtime-deps base: no .NET runtime, no shell, no package
# manager, a numeric non-root user, nothing written to the root filesystem.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t pod-identity-webhook .
#
# Two build arguments let the same runtime stage be built where no registry is reachable
# (scripts/image.sh does, with buildah): RUNTIME_BASE names a base made locally, and
# APP=published takes the binary that scripts/publish.sh wrote into artifacts/publish/ on the
# host instead of compiling it in the SDK stage. Their defaults are the release build.

ARG DOTNET_VERSION=10.0
ARG RUNTIME_BASE=mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}-noble-chiseled
# build: compile in the SDK stage below; published: artifacts/publish/ of the build context.
ARG APP=build

# Native AOT compiles for the platform it runs on, so the build stage runs on the target's
# platform (emulated by buildx for the other architecture) with clang and zlib for the link.
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang zlib1g-dev >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Restore first, from the project files alone, so source edits reuse this layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/PodIdentityWebhook/PodIdentityWebhook.csproj src/PodIdentityWebhook/
RUN dotnet restore src/PodIdentityWebhook/PodIdentityWebhook.csproj -r "linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"

COPY scripts/publish.sh scripts/
COPY src/ src/
RUN scripts/publish.sh /app

FROM scratch AS published
COPY artifacts/publish/ /app/

# Builders skip the stage that APP does not name, so a local build pulls no SDK image.
FROM ${APP} AS app

FROM ${RUNTIME_BASE} AS runtime
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
COPY --from=app --chown=0:0 /app ./
# The chiseled image's app user, by number so runAsNonRoot can verify it.
USER 1654:1654
EXPOSE 8443 9999
ENTRYPOINT ["/app/PodIdentityWebhook"]
CMD ["--port=8443", "--tls-cert=/etc/webhook/certs/tls.crt", "--tls-key=/etc/webhook/certs/tls.key"]
