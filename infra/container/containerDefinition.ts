/**
 * The ECS container definition of a container spec. Pure: tests call it directly, without Pulumi.
 *
 * Typed as the provider's `aws.ecs.ContainerDefinition`, so a misspelt field (`readOnlyRootFilesystem`) fails the
 * typecheck instead of being dropped silently by the API. Every field the API would fill in by itself is given
 * explicitly (mountPoints, volumesFrom, portMappings hostPort/protocol, essential, sorted environment and secrets,
 * systemControls), so the definition read back equals the one sent and `pulumi up` shows no perpetual diff.
 */
import type * as aws from "@pulumi/aws";
import { sortedEntries, type ContainerSpec, type WritablePath } from "./containerSpec";

/** An image pinned by digest: what ECS must run (a tag can move, a digest cannot). */
const DIGEST_REF = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

export function renderContainerDefinition(
  spec: ContainerSpec,
  logGroupName: string,
  region: string,
): aws.ecs.ContainerDefinition {
  if (!DIGEST_REF.test(spec.image)) {
    throw new Error(
      `container ${spec.name}: image ${JSON.stringify(spec.image)} is not pinned by digest (<repository>@sha256:<64 hex>)`,
    );
  }
  const logOptions: Record<string, string> = {
    "awslogs-group": logGroupName,
    "awslogs-region": region,
    "awslogs-stream-prefix": spec.logs.streamPrefix,
    mode: spec.logs.mode,
  };
  if (spec.logs.mode === "non-blocking") logOptions["max-buffer-size"] = spec.logs.maxBufferSize;

  const definition: aws.ecs.ContainerDefinition = {
    name: spec.name,
    image: spec.image,
    essential: true,
    command: [...spec.command],
    cpu: spec.cpu,
    memory: spec.memory,
    memoryReservation: spec.memoryReservation,
    portMappings: spec.exposed ? [{ containerPort: spec.port, hostPort: spec.port, protocol: "tcp" }] : [],
    readonlyRootFilesystem: spec.readonlyRootFilesystem,
    privileged: false,
    linuxParameters: {
      capabilities: { drop: [...spec.capabilitiesDrop] },
      initProcessEnabled: spec.initProcess,
    },
    // /tmp: a task volume on Fargate ephemeral storage (tmpfs is not supported in Fargate linuxParameters).
    mountPoints: spec.writablePaths.map((w) => ({ sourceVolume: w.volume, containerPath: w.path, readOnly: false })),
    volumesFrom: [],
    environment: sortedEntries(spec.environment).map(([name, value]) => ({ name, value })),
    secrets: sortedEntries(spec.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
    systemControls: [],
    stopTimeout: spec.stopTimeoutSeconds,
    logConfiguration: { logDriver: "awslogs", options: logOptions, secretOptions: [] },
  };
  if (spec.user !== undefined) definition.user = spec.user;
  // No command: no health check at all (`hardening`-like opt-out `healthCheck.enabled: false`, flagged by the pack).
  if (spec.healthCheck.command.length > 0)
    definition.healthCheck = {
      command: ["CMD", ...spec.healthCheck.command],
      interval: spec.healthCheck.intervalSeconds,
      timeout: spec.healthCheck.timeoutSeconds,
      retries: spec.healthCheck.retries,
      startPeriod: spec.healthCheck.startPeriodSeconds,
    };
  return definition;
}

/** The task volumes the container's mount points need (Fargate ephemeral storage; no host paths). */
export function renderTaskVolumes(writablePaths: WritablePath[]): { name: string }[] {
  return writablePaths.map((w) => ({ name: w.volume }));
}
