/**
 * The `local` stack's Docker resources, rendered by pure functions that tests call directly.
 *
 * `renderDockerContainer` renders a service's `ContainerSpec` (the very value the ECS container definition is
 * rendered from, containerDefinition.ts) to `docker.Container` inputs: read-only root, tmpfs /tmp, user, memory and
 * CPU limits, capabilities dropped, no-new-privileges, init, the `/app/berth --healthcheck` health check, json-file
 * logs with max-size/max-file, the restart policy, and a port bound to 127.0.0.1 only. Typed as the provider's
 * `docker.ContainerArgs`, so a misspelt field fails the typecheck instead of being dropped.
 *
 * Not renderable: the spec's `pidsLimit` (`@pulumi/docker` 5.2's Container has no pids limit field; the compose file
 * and the run flags of localRun.ts carry it).
 */
import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { sortedEntries, type ContainerSpec } from "../container/containerSpec";
import { cpusOf, tmpfsOptions } from "./localRun";
import type { LocalSettings, RestartPolicy } from "../config/local";
import { LOCAL_BIND_ADDRESS } from "../config/local";
import type { BuildSettings, GithubSettings, ImageSettings, SourceRevision } from "../config";

/**
 * The local registry image, pinned by digest: `registry:2` (distribution 2.8.3), the multi-platform index digest.
 * A tag can move; the digest cannot. Update both together.
 */
export const REGISTRY_IMAGE = "registry:2@sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373";
/** The port the registry listens on inside its container. */
const REGISTRY_CONTAINER_PORT = 5000;
/** Where the registry keeps its blobs (a named volume: images, and so rollbacks, survive a registry replacement). */
const REGISTRY_DATA_PATH = "/var/lib/registry";

/** Docker object names: `docker ps`, `docker logs berth-local-web`. */
const LOCAL_NAME_PREFIX = "berth-local";
function localContainerName(service: string): string {
  return `${LOCAL_NAME_PREFIX}-${service}`;
}
const REGISTRY_CONTAINER_NAME = `${LOCAL_NAME_PREFIX}-registry`;
export const REGISTRY_VOLUME_NAME = `${LOCAL_NAME_PREFIX}-registry-data`;
const SERVICES_NETWORK_NAME = LOCAL_NAME_PREFIX;

/** `127.0.0.1:5001`: the registry's address as the Docker daemon on the laptop reaches it (plain HTTP is allowed
 * for 127.0.0.0/8 registries by the daemon's default, so no TLS or daemon setting is needed). */
export function registryHost(local: LocalSettings): string {
  return `${LOCAL_BIND_ADDRESS}:${local.registryPort}`;
}

/** `127.0.0.1:5001/berth:<tag>`: the image's reference by tag in the local registry. */
export function localTagRef(local: LocalSettings, imageName: string, tag: string): string {
  return `${registryHost(local)}/${imageName}:${tag}`;
}

/** `127.0.0.1:5001/berth@sha256:...` from a repo digest the provider reports (`<repo>[:tag]@sha256:...`). */
export function localDigestRef(local: LocalSettings, imageName: string, repoDigest: string): string {
  const match = /@(sha256:[0-9a-f]{64})$/.exec(repoDigest);
  if (!match)
    throw new Error(
      `local image: ${JSON.stringify(repoDigest)} is not a digest reference (<repository>@sha256:<64 hex>)`,
    );
  return `${registryHost(local)}/${imageName}@${match[1]}`;
}

interface ServiceContainerOptions {
  /**
   * Image ID of the image pulled from the local registry by `spec.image` (its digest reference). A name here would
   * make the provider replace the container on every `up`: it reads the container's image back as an ID
   * (kreuzwerker/terraform-provider-docker#49, #426).
   */
  imageId: pulumi.Input<string>;
  networkName: pulumi.Input<string>;
  /** Host port on 127.0.0.1, when the service is published. */
  hostPort?: number;
  restartPolicy: RestartPolicy;
  healthyWaitSeconds: number;
  stack: string;
  /** The local value of each of the spec's secrets (infra/local/localSecrets.ts), passed as environment variables. */
  secretValues?: Record<string, string>;
}

/** The json-file log options of a spec (the same rotation as the compose file and the run flags). */
function renderLogOptions(spec: ContainerSpec): Record<string, string> {
  const options: Record<string, string> = {
    "max-size": spec.logs.maxSize,
    "max-file": String(spec.logs.maxFile),
    mode: spec.logs.mode,
  };
  if (spec.logs.mode === "non-blocking") options["max-buffer-size"] = spec.logs.maxBufferSize;
  return options;
}

/** `docker.Container` inputs of one service: every setting from its container spec. */
export function renderDockerContainer(spec: ContainerSpec, opts: ServiceContainerOptions): docker.ContainerArgs {
  const missing = Object.keys(spec.secrets).filter((n) => opts.secretValues?.[n] === undefined);
  if (missing.length > 0) {
    // The local stack reads every declared secret's local value first (localSecrets.ts); this guards direct callers.
    throw new Error(
      `container ${spec.name}: no local value for the secrets ${missing.join(", ")} (berth:local.secretsFile)`,
    );
  }
  const secretEnvs = Object.keys(spec.secrets).map((n) => `${n}=${opts.secretValues![n]}`);
  const args: docker.ContainerArgs = {
    name: localContainerName(spec.name),
    image: opts.imageId,
    command: [...spec.command],
    readOnly: spec.readonlyRootFilesystem,
    tmpfs: Object.fromEntries(spec.writablePaths.map((w) => [w.path, tmpfsOptions(w.sizeMiB)])),
    memory: spec.memory,
    memoryReservation: spec.memoryReservation,
    // No swap: the memory limit is the limit (as on Fargate).
    memorySwap: spec.memory,
    cpus: cpusOf(spec.cpu),
    capabilities: { drops: [...spec.capabilitiesDrop] },
    securityOpts: spec.noNewPrivileges ? ["no-new-privileges:true"] : [],
    privileged: false,
    init: spec.initProcess,
    // No command (`healthCheck.enabled: false`): ["NONE"] switches off the image's HEALTHCHECK too (flagged by the pack).
    healthcheck:
      spec.healthCheck.command.length > 0
        ? {
            tests: ["CMD", ...spec.healthCheck.command],
            interval: `${spec.healthCheck.intervalSeconds}s`,
            timeout: `${spec.healthCheck.timeoutSeconds}s`,
            retries: spec.healthCheck.retries,
            startPeriod: `${spec.healthCheck.startPeriodSeconds}s`,
          }
        : { tests: ["NONE"] },
    stopTimeout: spec.stopTimeoutSeconds,
    destroyGraceSeconds: spec.stopTimeoutSeconds,
    logDriver: "json-file",
    logOpts: renderLogOptions(spec),
    restart: opts.restartPolicy,
    ports:
      opts.hostPort === undefined
        ? []
        : [{ internal: spec.port, external: opts.hostPort, ip: LOCAL_BIND_ADDRESS, protocol: "tcp" }],
    envs: [...sortedEntries(spec.environment).map(([name, value]) => `${name}=${value}`), ...secretEnvs.sort()],
    networksAdvanced: [{ name: opts.networkName, aliases: [spec.name] }],
    labels: [
      { label: "berth.service", value: spec.name },
      { label: "berth.stack", value: opts.stack },
      // The reference the image was pulled by (the registry digest), for `docker inspect`.
      { label: "berth.image", value: spec.image },
    ],
    mustRun: true,
    // `pulumi up` fails unless the container reports healthy (its health check command) within the timeout; with no
    // health check there is no healthy state to wait for.
    wait: spec.healthCheck.command.length > 0,
    waitTimeout: opts.healthyWaitSeconds,
  };
  if (spec.user !== undefined) args.user = spec.user;
  return args;
}

/**
 * The services' bridge network. Its default host binding is 127.0.0.1 (a port published without an address still
 * lands on loopback only), and containers on it cannot reach each other (no inter-container traffic: on ECS each
 * service's security group admits the load balancer only).
 */
export function renderServicesNetwork(stack: string): docker.NetworkArgs {
  return {
    name: SERVICES_NETWORK_NAME,
    driver: "bridge",
    options: {
      "com.docker.network.bridge.host_binding_ipv4": LOCAL_BIND_ADDRESS,
      "com.docker.network.bridge.enable_icc": "false",
    },
    labels: [{ label: "berth.stack", value: stack }],
  };
}

/** The local registry container: `registry:2`, bound to 127.0.0.1, hardened like the services. */
export function renderRegistryContainer(
  local: LocalSettings,
  opts: { imageId: pulumi.Input<string>; volumeName: pulumi.Input<string> },
): docker.ContainerArgs {
  return {
    name: REGISTRY_CONTAINER_NAME,
    image: opts.imageId,
    ports: [
      { internal: REGISTRY_CONTAINER_PORT, external: local.registryPort, ip: LOCAL_BIND_ADDRESS, protocol: "tcp" },
    ],
    volumes: [{ volumeName: opts.volumeName, containerPath: REGISTRY_DATA_PATH, readOnly: false }],
    readOnly: true,
    tmpfs: { "/tmp": tmpfsOptions(16) },
    memory: 256,
    memorySwap: 256,
    cpus: "0.5",
    capabilities: { drops: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
    privileged: false,
    init: true,
    // The registry image is Alpine based: busybox wget is there.
    healthcheck: {
      tests: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${REGISTRY_CONTAINER_PORT}/v2/`],
      interval: "10s",
      timeout: "3s",
      retries: 3,
      startPeriod: "2s",
    },
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
    restart: local.restartPolicy,
    labels: [{ label: "berth.role", value: "registry" }],
    mustRun: true,
    // The image is pushed right after: wait until the registry answers.
    wait: true,
    waitTimeout: 60,
  };
}

/**
 * `docker.Image` inputs: the repo's Dockerfile built by the laptop's Docker daemon (BuildKit, for the Dockerfile's
 * cache mounts) for the laptop's own architecture (Native AOT compiles for the build machine), tagged by the commit
 * and pushed to the local registry. Never built during `pulumi preview`.
 *
 * `docker.Image` (not `@pulumi/docker-build`): it builds and pushes through the laptop's own Docker daemon, which
 * already trusts a plain-HTTP registry on 127.0.0.0/8 and reaches 127.0.0.1:<port>; docker-build's buildx would need a
 * builder set up, and its default docker-container driver runs in its own network namespace where 127.0.0.1 is not the
 * laptop's registry. `repoDigest` (the pushed manifest's digest) is what the services are then pulled by.
 */
export function renderLocalImageBuild(
  settings: {
    image: Pick<ImageSettings, "name">;
    build: BuildSettings;
    source: SourceRevision;
    github: GithubSettings;
  },
  local: LocalSettings,
): docker.ImageArgs {
  const args: Record<string, string> = {
    ...settings.build.args,
    GIT_SHA: settings.source.sha,
    SOURCE_URL: `https://github.com/${settings.github.owner}/${settings.github.repository}`,
  };
  if (settings.source.releaseTag) args.VERSION = settings.source.releaseTag.replace(/^v/, "");
  return {
    imageName: localTagRef(local, settings.image.name, settings.source.tag),
    build: {
      // Relative to the project directory (where Pulumi.yaml is), which is the program's working directory.
      context: settings.build.context,
      dockerfile: settings.build.dockerfile,
      ...(settings.build.target ? { target: settings.build.target } : {}),
      builderVersion: "BuilderBuildKit",
      args,
    },
    buildOnPreview: false,
    skipPush: false,
    registry: { server: registryHost(local) },
  };
}
