/**
 * One container spec per service: a plain typed value, rendered by pure functions to the ECS container definition
 * (containerDefinition.ts) and to the local hardened run (localRun.ts: podman/docker flags and compose.yaml), so what
 * is tested locally is what ECS runs.
 */
import type { Environment, ServiceSettings } from "../config";

/** The one writable path of a read-only container. */
const TMP_PATH = "/tmp";
/** Name of the task volume backing /tmp on Fargate (task ephemeral storage). */
const TMP_VOLUME = "tmp";

export interface WritablePath {
  /** Absolute path in the container. */
  path: string;
  /** Task volume name on ECS (ephemeral storage). */
  volume: string;
  /** tmpfs size in local runs (MiB). */
  sizeMiB: number;
}

export interface ContainerSpec {
  /** Container (and service) name, e.g. `web`. */
  name: string;
  /** Image reference; ECS runs it by digest (`<registry>/<repo>@sha256:...`). */
  image: string;
  /** Arguments after the ENTRYPOINT (`["worker"]`); empty for web mode. */
  command: string[];
  /** CPU units (1024 = 1 vCPU) and hard memory limit (MiB): the whole task. */
  cpu: number;
  memory: number;
  /** Soft memory limit (MiB). */
  memoryReservation: number;
  /** The port the app listens on. */
  port: number;
  /** Published behind the load balancer (a port mapping); false for workers (no inbound traffic). */
  exposed: boolean;
  /** `uid:gid`; undefined runs as the image's USER (only when `hardening.nonRootUser` is false). */
  user?: string;
  readonlyRootFilesystem: boolean;
  writablePaths: WritablePath[];
  healthCheck: {
    /** The app's own check in exec form (`berth:services.<name>.healthCheck.command`); empty: no health check. */
    command: string[];
    intervalSeconds: number;
    timeoutSeconds: number;
    retries: number;
    startPeriodSeconds: number;
  };
  logs: {
    /** awslogs stream prefix: `<prefix>/<container>/<task id>`. */
    streamPrefix: string;
    /** `non-blocking` (buffered, never blocks stdout) or `blocking`. */
    mode: "non-blocking" | "blocking";
    /** Buffer of the non-blocking mode. */
    maxBufferSize: string;
    /** Local json-file / k8s-file rotation. */
    maxSize: string;
    maxFile: number;
  };
  stopTimeoutSeconds: number;
  /** Plain environment, program-set variables included. */
  environment: Record<string, string>;
  /** Variable name -> SSM parameter / Secrets Manager ARN. */
  secrets: Record<string, string>;
  initProcess: boolean;
  /** Capabilities dropped (["ALL"] when hardened). */
  capabilitiesDrop: "ALL"[];
  /** Local runs only: Fargate has no no-new-privileges setting (it runs without privilege escalation paths). */
  noNewPrivileges: boolean;
  /** Local runs only. */
  pidsLimit: number;
}

/**
 * ECS Exec's managed SSM agent writes under these paths: with a read-only root they must be writable volumes, or
 * the agent crashes (aws/containers-roadmap#1359). Mounted only when ECS Exec is switched on.
 */
export const ECS_EXEC_AGENT_PATHS = [
  { path: "/managed-agents", volume: "ecs-exec-managed-agents" },
  { path: "/var/lib/amazon/ssm", volume: "ecs-exec-ssm-lib" },
  { path: "/var/log/amazon/ssm", volume: "ecs-exec-ssm-log" },
] as const;

/** The writable paths of a service's container: /tmp, plus the ECS Exec agent's paths when Exec is on. */
export function writablePathsFor(service: ServiceSettings): WritablePath[] {
  const paths: WritablePath[] = [{ path: TMP_PATH, volume: TMP_VOLUME, sizeMiB: service.tmpSizeMiB }];
  if (service.enableExecuteCommand) for (const p of ECS_EXEC_AGENT_PATHS) paths.push({ ...p, sizeMiB: 64 });
  return paths;
}

/** What a container spec takes from its stack: the environment the app is told. */
interface ContainerStack {
  environment: Environment;
}

/** The spec of one service of a stack: defaults were applied by the settings reader, nothing is decided here. */
export function containerSpecFor(stack: ContainerStack, service: ServiceSettings, image: string): ContainerSpec {
  const h = service.hardening;
  return {
    name: service.name,
    image,
    command: [...service.command],
    cpu: service.cpu,
    memory: service.memory,
    memoryReservation: service.memoryReservation,
    port: service.port,
    exposed: service.route !== undefined,
    user: h.nonRootUser ? service.user : undefined,
    readonlyRootFilesystem: h.readonlyRootFilesystem,
    writablePaths: writablePathsFor(service),
    healthCheck: {
      command: service.healthCheck.enabled ? [...service.healthCheck.command] : [],
      intervalSeconds: service.healthCheck.intervalSeconds,
      timeoutSeconds: service.healthCheck.timeoutSeconds,
      retries: service.healthCheck.retries,
      startPeriodSeconds: service.healthCheck.startPeriodSeconds,
    },
    logs: {
      streamPrefix: service.name,
      mode: h.nonBlockingLogs ? "non-blocking" : "blocking",
      maxBufferSize: "25m",
      maxSize: "10m",
      maxFile: 3,
    },
    stopTimeoutSeconds: service.stopTimeoutSeconds,
    environment: {
      ...service.environment,
      ASPNETCORE_HTTP_PORTS: String(service.port),
      Berth__Environment: stack.environment,
      Berth__ServiceName: service.name,
    },
    secrets: { ...service.secrets },
    initProcess: h.initProcess,
    capabilitiesDrop: h.dropAllCapabilities ? ["ALL"] : [],
    noNewPrivileges: h.noNewPrivileges,
    pidsLimit: service.pidsLimit,
  };
}

/** Entries sorted by name: the order ECS returns, so a plan never shows a reordering diff. */
export function sortedEntries(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
