/**
 * The `local` stack's settings (`berth:local`): the whole path on a laptop's Docker.
 *
 * Everything the containers themselves run with (user, read-only root, memory, CPU, health check, capabilities,
 * environment) comes from the services map through the same container spec as ECS; this section holds only what is
 * specific to a laptop: where the local registry listens, which host port a service is published on, the restart
 * policy and how long `pulumi up` waits for health. Every port is bound to 127.0.0.1: nothing is published on other
 * interfaces, and that is not a setting. (Log rotation, `max-size`/`max-file`, comes from the container spec.)
 */
import type { ConfigSection } from "./section";
import type { Problems } from "./problems";
import type { ServiceSettings } from "./services";
import { integer, integerMap, oneOf, string, type Infer } from "./declare";

/** The only address the local stack publishes ports on. */
export const LOCAL_BIND_ADDRESS = "127.0.0.1";

const RESTART_POLICIES = ["no", "on-failure", "always", "unless-stopped"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/** `berth:local`. */
export const LOCAL = {
  registryPort: integer({
    default: 5001,
    min: 1024,
    max: 65535,
    applies: "local",
    doc: "Host port of the local registry (registry:2) on 127.0.0.1 (macOS uses 5000 for AirPlay).",
  }),
  bindAddress: string({
    default: LOCAL_BIND_ADDRESS,
    allowed: `${LOCAL_BIND_ADDRESS} only (the local stack never publishes ports on other interfaces)`,
    applies: "local",
    doc: "The only address ports are published on; not a setting (anything else is refused).",
  }),
  /** Services with a `route` (behind the load balancer in the cloud) are published by default; others only when given. */
  hostPorts: integerMap({
    min: 1024,
    max: 65535,
    applies: "local",
    defaultText: "routed services: the next free port from 8080 (by name); others: not published",
    doc: "Service name to host port on 127.0.0.1.",
  }),
  restartPolicy: oneOf(RESTART_POLICIES, {
    default: "unless-stopped",
    applies: "local",
    doc: "Docker restart policy of the service containers.",
  }),
  /** Read by infra/local/localSecrets.ts before any resource is registered. */
  secretsFile: string({
    default: ".berth/local-secrets.yaml",
    pattern: /^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]{1,200}$/,
    allowed: "a path relative to the project folder, inside it (no leading /, no ..)",
    applies: "local",
    doc: "Git-ignored YAML file with the local value of each service's `secrets` (`<service>: { <NAME>: <value> }`); never committed.",
  }),
  /** Awaited with docker `wait`. */
  healthyWaitSeconds: integer({
    default: 60,
    min: 5,
    max: 600,
    applies: "local",
    doc: "Seconds pulumi up waits for each service container to become healthy.",
  }),
} as const;

/** `berth:local` as the reader returns it: the declared settings, with `bindAddress` always 127.0.0.1. */
export type LocalSettings = Omit<Infer<typeof LOCAL>, "bindAddress"> & { bindAddress: typeof LOCAL_BIND_ADDRESS };

/** What the reader needs to know of a service: its name, whether it is routed (behind the load balancer), its secrets. */
type LocalServiceRef = Pick<ServiceSettings, "name"> & { route?: unknown; secrets?: Record<string, string> };

/** The first host port handed out to services without an explicit `berth:local.hostPorts.<service>`. */
const FIRST_DEFAULT_HOST_PORT = 8080;

/**
 * Reads `berth:local`. `services` are the stack's services (sorted by name): each routed service without an explicit
 * host port gets the next free port from 8080 in that order; a service without a route is published only when
 * `berth:local.hostPorts.<service>` names a port (in the cloud it takes no inbound traffic either).
 */
export function readLocalSettings(s: ConfigSection, services: readonly LocalServiceRef[]): LocalSettings {
  const serviceNames = services.map((svc) => svc.name);
  const registryPort = s.get("registryPort", LOCAL);
  const givenBind = s.value("bindAddress");
  if (givenBind !== undefined && givenBind !== null && givenBind !== LOCAL_BIND_ADDRESS) {
    s.problems.add(s.keyPath("bindAddress"), givenBind, LOCAL.bindAddress.allowed);
  }
  const bindAddress = LOCAL_BIND_ADDRESS;

  const explicit: Record<string, number> = {};
  const portsSection = s.section("hostPorts");
  for (const name of serviceNames) {
    if (portsSection.has(name))
      explicit[name] = portsSection.integer(name, { default: 0, min: LOCAL.hostPorts.min, max: LOCAL.hostPorts.max });
  }
  const rawPorts = s.value("hostPorts");
  if (rawPorts && typeof rawPorts === "object" && !Array.isArray(rawPorts)) {
    for (const name of Object.keys(rawPorts)) {
      if (!serviceNames.includes(name)) {
        portsSection.problems.add(
          portsSection.keyPath(name),
          portsSection.value(name),
          `the name of a service in berth:services (${serviceNames.join(", ") || "none"})`,
        );
      }
    }
  }
  portsSection.done();

  const taken = new Set<number>([registryPort, ...Object.values(explicit).filter((p) => p > 0)]);
  const hostPorts: Record<string, number> = {};
  let next = FIRST_DEFAULT_HOST_PORT;
  for (const { name, route } of services) {
    if (explicit[name] !== undefined) {
      hostPorts[name] = explicit[name];
      continue;
    }
    if (route === undefined) continue;
    while (taken.has(next)) next++;
    hostPorts[name] = next;
    taken.add(next);
  }
  reportDuplicatePorts(s, registryPort, explicit);

  const out: LocalSettings = {
    registryPort,
    bindAddress,
    hostPorts,
    restartPolicy: s.get("restartPolicy", LOCAL),
    secretsFile: s.get("secretsFile", LOCAL),
    healthyWaitSeconds: s.get("healthyWaitSeconds", LOCAL),
  };
  s.done();
  return out;
}

function reportDuplicatePorts(s: ConfigSection, registryPort: number, explicit: Record<string, number>): void {
  const owner = new Map<number, string>([[registryPort, s.keyPath("registryPort")]]);
  for (const [name, port] of Object.entries(explicit)) {
    if (port === 0) continue;
    const key = `${s.keyPath("hostPorts")}.${name}`;
    const first = owner.get(port);
    if (first) s.problems.add(key, port, `a host port not already used by ${first}`);
    else owner.set(port, key);
  }
}

/**
 * Top-level keys that configure cloud resources: given in the `local` stack they are an error (the local stack
 * registers no AWS, GCP or GitHub resource, so they would be silently ignored).
 */
export const CLOUD_ONLY_KEYS = [
  "awsAccountId",
  "gcpProject",
  "gcpRegion",
  "ecr",
  "artifactRegistry",
  "ghcr",
  "network",
  "loadBalancer",
  "cluster",
  "promotion",
  "delivery",
  "alarms",
  "notifications",
] as const;

/** Keys every stack reads but the `local` stack would ignore: refused there, with the reason. */
const LOCAL_UNUSED_KEYS: Readonly<Record<string, string>> = {
  platform:
    "nothing in the local stack: the image is built for this machine's own architecture (Native AOT compiles for the build machine)",
  tags: "nothing in the local stack: tags are applied to cloud resources (provider default tags); Docker resources are labelled berth.stack",
  logs: "nothing in the local stack: CloudWatch log retention; local logs rotate by the json-file max-size/max-file of the container spec",
};

/** Reports every cloud-only key (`berth:<key>` above, and any `aws:`, `gcp:` or `github:` provider key) in a local stack. */
export function rejectCloudKeys(berth: ConfigSection, rawConfig: Record<string, unknown>, problems: Problems): void {
  const allowed =
    "nothing in the local stack (it registers Docker resources only; this key is for the staging and prod stacks)";
  for (const key of CLOUD_ONLY_KEYS) {
    if (berth.has(key)) problems.add(berth.keyPath(key), berth.value(key), allowed);
  }
  for (const [key, reason] of Object.entries(LOCAL_UNUSED_KEYS)) {
    if (berth.has(key)) problems.add(berth.keyPath(key), berth.value(key), reason);
  }
  for (const [key, value] of Object.entries(rawConfig)) {
    if (/^(aws|gcp|github):/.test(key)) problems.add(key, value, allowed);
  }
}
