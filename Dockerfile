# syntax=docker/dockerfile:1
# Berth app image: Native AOT binary on the chiseled runtime-deps base (no shell, no package manager, non-root).
# Build:  docker build --build-arg GIT_SHA=$(git rev-parse HEAD) --build-arg VERSION=1.2.3 \
#           --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) -t berth .
# Native AOT compiles for the build machine's architecture: build on an arm64 host (or runner) for linux/arm64.
#
# Reproducible: the same commit and build args give the same image. The one notion of "when" is SOURCE_DATE_EPOCH
# (the commit time, seconds since the epoch; BuildKit also takes it for the image config's timestamps): BUILD_TIME
# defaults to it, and every file the final stage copies carries it as its mtime. infra/registries/image.ts passes both.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
ARG TARGETARCH
ARG GIT_SHA=unknown
ARG VERSION=0.0.0
ARG SOURCE_DATE_EPOCH=0
ARG BUILD_TIME
WORKDIR /source

# Restore first (cached until the project file changes).
COPY app/Berth.App.csproj app/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore app/Berth.App.csproj -a $TARGETARCH

# /rootfs is what the final stage gets, as one COPY: the binary in /app, and /tmp.
COPY app/ app/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish app/Berth.App.csproj -c Release -a $TARGETARCH --no-restore -o /rootfs/app \
        -p:GitSha=$GIT_SHA -p:Version=$VERSION \
        -p:BuildTime=${BUILD_TIME:-$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)} \
        -p:CopyOutputSymbolsToPublishDirectory=false
# /tmp: mode 1777 (any uid may write, sticky), root-owned, and declared VOLUME below. On Fargate a task volume
# mounted at a path the image declares as VOLUME starts as a copy of that directory (contents, owner, mode); at
# any other path it is an empty root-owned 0755 directory, which the task's non-root user cannot write.
# (AWS ECS developer guide, "Use bind mounts with Amazon ECS":
#  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html; aws/containers-roadmap#938)
# The chiseled base has no shell: the directory is made here and copied. Every file gets SOURCE_DATE_EPOCH as mtime.
RUN mkdir -p /rootfs/tmp && chmod 1777 /rootfs/tmp \
 && find /rootfs -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

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
COPY --from=build /rootfs/ /
WORKDIR /app
USER $APP_UID
VOLUME /tmp
# 8080: the API; 8081: the health port (/health and /ready only, connections of its own: app/HealthPort.cs)
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/app/berth", "--healthcheck"]
ENTRYPOINT ["/app/berth"]
