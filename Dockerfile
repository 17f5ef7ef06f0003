# Berth app image: Native AOT binary on the chiseled runtime-deps base (no shell, no package manager, non-root).
# Build:  docker build --build-arg GIT_SHA=$(git rev-parse HEAD) --build-arg VERSION=1.2.3 -t berth .
# Native AOT compiles for the build machine's architecture: build on an arm64 host (or runner) for linux/arm64.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
ARG TARGETARCH
ARG GIT_SHA=unknown
ARG VERSION=0.0.0
ARG BUILD_TIME
WORKDIR /source

# Restore first (cached until the project file changes).
COPY app/Berth.App.csproj app/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore app/Berth.App.csproj -a $TARGETARCH

COPY app/ app/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish app/Berth.App.csproj -c Release -a $TARGETARCH --no-restore -o /app \
        -p:GitSha=$GIT_SHA -p:Version=$VERSION -p:BuildTime=${BUILD_TIME:-$(date -u +%Y-%m-%dT%H:%M:%SZ)} \
        -p:CopyOutputSymbolsToPublishDirectory=false

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
ARG GIT_SHA=unknown
ARG VERSION=0.0.0
ARG SOURCE_URL=https://github.com/OWNER/berth
ARG BUILD_TIME
LABEL org.opencontainers.image.title="berth" \
      org.opencontainers.image.description="Berth: containerized ASP.NET Core service (Native AOT), web and worker modes" \
      org.opencontainers.image.source=$SOURCE_URL \
      org.opencontainers.image.revision=$GIT_SHA \
      org.opencontainers.image.version=$VERSION \
      org.opencontainers.image.created=$BUILD_TIME
WORKDIR /app
COPY --from=build /app/berth .
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/app/berth", "--healthcheck"]
ENTRYPOINT ["/app/berth"]
