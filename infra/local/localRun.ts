/**
 * The local hardened run of a container spec: podman/docker `run` flags and a compose file. Pure renderers of the
 * same `ContainerSpec` ECS runs (containerDefinition.ts), so a local run and the container tests exercise the
 * production settings: read-only root with a tmpfs /tmp, non-root user, memory/CPU/pids limits, no capabilities,
 * no-new-privileges, an init process, the same health check, bounded logs, ports bound to 127.0.0.1 only.
 *
 * compose.yaml at the repository root is the rendering of the staging stack's services (offline/compose.ts
 * reads the stack file and writes it; a test fails while the committed file differs from its rendering).
 */
import { Scalar, stringify } from "yaml";
import { sortedEntries, type ContainerSpec } from "../container/containerSpec";

type RunFlavour = "podman" | "docker";

interface RunOptions {
  flavour: RunFlavour;
  /** Publish the container port on 127.0.0.1:<hostPort> (exposed services only). */
  hostPort?: number;
}

/** CPU units to a `--cpus` value: 256 -> "0.25". */
export function cpusOf(cpuUnits: number): string {
  return String(Math.round((cpuUnits / 1024) * 1000) / 1000);
}

export function tmpfsOptions(sizeMiB: number): string {
  return `rw,nosuid,nodev,size=${sizeMiB}m,mode=1777`;
}

/** `podman run` / `docker run` flags (no container name, image or command). */
export function renderRunArgs(spec: ContainerSpec, opts: RunOptions): string[] {
  const args: string[] = [];
  if (spec.readonlyRootFilesystem) {
    args.push("--read-only");
    // podman (unlike Docker and ECS) adds writable tmpfs on /run, /var/tmp and /tmp to a read-only container.
    if (opts.flavour === "podman") args.push("--read-only-tmpfs=false");
  }
  for (const w of spec.writablePaths) args.push("--tmpfs", `${w.path}:${tmpfsOptions(w.sizeMiB)}`);
  if (spec.user !== undefined) args.push("--user", spec.user);
  args.push(
    "--memory",
    `${spec.memory}m`,
    "--memory-reservation",
    `${spec.memoryReservation}m`,
    "--memory-swap",
    `${spec.memory}m`,
    "--cpus",
    cpusOf(spec.cpu),
    "--pids-limit",
    String(spec.pidsLimit),
  );
  for (const cap of spec.capabilitiesDrop) args.push("--cap-drop", cap);
  if (spec.noNewPrivileges) args.push("--security-opt", "no-new-privileges");
  if (spec.initProcess) args.push("--init");
  // podman takes the exec form as JSON; docker's --health-cmd is always shell form (there is no shell in the
  // chiseled image), so docker keeps the image's own HEALTHCHECK command, which is the same exec-form command.
  if (spec.healthCheck.command.length === 0) args.push("--no-healthcheck");
  else {
    if (opts.flavour === "podman") args.push("--health-cmd", JSON.stringify(spec.healthCheck.command));
    args.push(
      "--health-interval",
      `${spec.healthCheck.intervalSeconds}s`,
      "--health-timeout",
      `${spec.healthCheck.timeoutSeconds}s`,
      "--health-retries",
      String(spec.healthCheck.retries),
      "--health-start-period",
      `${spec.healthCheck.startPeriodSeconds}s`,
    );
  }
  args.push("--stop-timeout", String(spec.stopTimeoutSeconds));
  if (opts.flavour === "podman") {
    // k8s-file rotates by size only (no max-file, no non-blocking mode).
    args.push("--log-driver", "k8s-file", "--log-opt", `max-size=${spec.logs.maxSize}`);
  } else {
    args.push(
      "--log-driver",
      "json-file",
      "--log-opt",
      `max-size=${spec.logs.maxSize}`,
      "--log-opt",
      `max-file=${spec.logs.maxFile}`,
    );
    args.push("--log-opt", `mode=${spec.logs.mode}`);
    if (spec.logs.mode === "non-blocking") args.push("--log-opt", `max-buffer-size=${spec.logs.maxBufferSize}`);
  }
  args.push("--restart", "unless-stopped");
  if (opts.hostPort !== undefined && spec.exposed) args.push("-p", `127.0.0.1:${opts.hostPort}:${spec.port}`);
  for (const [name, value] of sortedEntries(spec.environment)) args.push("--env", `${name}=${value}`);
  // Secrets: passed through from the caller's environment by name; their values are never written anywhere.
  for (const [name] of sortedEntries(spec.secrets)) args.push("--env", name);
  return args;
}

/** Host ports for the exposed services: 8080, 8081, ... in name order. */
function defaultHostPorts(specs: ContainerSpec[], first = 8080): Record<string, number> {
  const out: Record<string, number> = {};
  let next = first;
  for (const s of [...specs].sort((a, b) => a.name.localeCompare(b.name))) if (s.exposed) out[s.name] = next++;
  return out;
}

/** A double-quoted YAML string: `10001:10001` or `127.0.0.1:8080:8080` unquoted can read as a YAML 1.1 base-60 number. */
function quoted(value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/** The compose service of one spec (same settings as `renderRunArgs`, docker flavour). */
function renderComposeService(spec: ContainerSpec, hostPort?: number): Record<string, unknown> {
  const service: Record<string, unknown> = { image: spec.image, command: [...spec.command] };
  if (spec.user !== undefined) service.user = quoted(spec.user);
  service.read_only = spec.readonlyRootFilesystem;
  service.tmpfs = spec.writablePaths.map((w) => `${w.path}:${tmpfsOptions(w.sizeMiB)}`);
  service.cap_drop = [...spec.capabilitiesDrop];
  service.security_opt = spec.noNewPrivileges ? ["no-new-privileges:true"] : [];
  service.init = spec.initProcess;
  service.deploy = {
    resources: {
      limits: { cpus: cpusOf(spec.cpu), memory: `${spec.memory}M`, pids: spec.pidsLimit },
      reservations: { memory: `${spec.memoryReservation}M` },
    },
  };
  service.memswap_limit = `${spec.memory}M`;
  service.healthcheck =
    spec.healthCheck.command.length > 0
      ? {
          test: ["CMD", ...spec.healthCheck.command],
          interval: `${spec.healthCheck.intervalSeconds}s`,
          timeout: `${spec.healthCheck.timeoutSeconds}s`,
          retries: spec.healthCheck.retries,
          start_period: `${spec.healthCheck.startPeriodSeconds}s`,
        }
      : { disable: true };
  service.stop_grace_period = `${spec.stopTimeoutSeconds}s`;
  const logOptions: Record<string, string> = {
    "max-size": spec.logs.maxSize,
    "max-file": String(spec.logs.maxFile),
    mode: spec.logs.mode,
  };
  if (spec.logs.mode === "non-blocking") logOptions["max-buffer-size"] = spec.logs.maxBufferSize;
  service.logging = { driver: "json-file", options: logOptions };
  service.restart = "unless-stopped";
  service.ports = hostPort !== undefined && spec.exposed ? [quoted(`127.0.0.1:${hostPort}:${spec.port}`)] : [];
  // Secrets pass through from the caller's environment by name (a bare key in compose), never written here.
  service.environment = {
    ...Object.fromEntries(sortedEntries(spec.environment)),
    ...Object.fromEntries(sortedEntries(spec.secrets).map(([name]) => [name, null])),
  };
  return service;
}

export const COMPOSE_IMAGE = "${BERTH_IMAGE:?set BERTH_IMAGE to the image to run, e.g. localhost/berth:<git sha>}";
const COMPOSE_HEADER = [
  "# Rendered by offline/compose.ts from the staging stack's services (Pulumi.staging.yaml): do not edit by hand.",
  "# Regenerate: node --import tsx offline/compose.ts",
  "# Run: BERTH_IMAGE=localhost/berth:<sha> docker compose up (ports bound to 127.0.0.1 only).",
].join("\n");

/** compose.yaml text for these specs: every declared service, in name order. */
export function renderCompose(
  specs: ContainerSpec[],
  hostPorts: Record<string, number> = defaultHostPorts(specs),
): string {
  const services: Record<string, unknown> = {};
  for (const spec of [...specs].sort((a, b) => a.name.localeCompare(b.name))) {
    services[spec.name] = renderComposeService(spec, hostPorts[spec.name]);
  }
  return `${COMPOSE_HEADER}\n${stringify({ name: "berth", services }, { lineWidth: 0 })}`;
}
