/**
 * Docker (`@pulumi/docker` 5.x `Container`): the `local` stack's service containers and its `registry:2` container
 * (infra/local/localContainer.ts), held to the same hardening as the ECS task definitions (ecsRules.ts).
 */
import type { Unwrap } from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";
import { asArray, resourceRule } from "./rule";
import { DIGEST_REFERENCE, IMAGE_DIGEST, runsAsRoot } from "./securityLists";

export const DOCKER_CONTAINER = "docker:index/container:Container";

/** A container's inputs as the policy sees them (the provider's own type: a misspelt field fails the typecheck). */
type Container = Unwrap<docker.ContainerArgs>;

const dockerReadonlyRoot = resourceRule<Container>({
  name: "berth-docker-readonly-root",
  summary: "Docker containers have a read-only root filesystem.",
  controls: { cis: ["CIS Docker 5.12"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Leave `berth:services.<name>.hardening.readonlyRootFilesystem` unset or true.",
  validate: (c, _a, report) => {
    if (c.readOnly !== true) report("readOnly is not true: the container can rewrite its own binaries.");
  },
});

const dockerNonRootUser = resourceRule<Container>({
  name: "berth-docker-non-root-user",
  summary: "Docker containers run as an explicit non-root user.",
  controls: { cis: ["CIS Docker 4.1"] },
  resourceTypes: [DOCKER_CONTAINER],
  // A third-party image that cannot run as non-root may be exempted by container name, only through the stack's pack
  // config (`exemptContainers`), which the offline plan prints: the local stack's registry:2 (see policy/config/local.json).
  configSchema: { properties: { exemptContainers: { type: "array", items: { type: "string" }, default: [] } } },
  remediationSteps:
    "Leave `berth:services.<name>.hardening.nonRootUser` unset or true (the container then sets `user`).",
  validate: (c, args, report) => {
    if ((args.getConfig<{ exemptContainers?: string[] }>().exemptContainers ?? []).includes(String(c.name))) return;
    const user = typeof c.user === "string" ? c.user.trim() : undefined;
    if (!user) report("user is not set: the container runs as whatever the image says, root unless it says otherwise.");
    else if (runsAsRoot(user))
      report(`user is ${JSON.stringify(user)}: the container runs as root (uid 0) or in the root group (gid 0).`);
  },
});

const dockerCapabilitiesDropped = resourceRule<Container>({
  name: "berth-docker-capabilities-dropped",
  summary: "Docker containers drop ALL Linux capabilities and add none back.",
  controls: { cis: ["CIS Docker 5.3"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Leave `berth:services.<name>.hardening.dropAllCapabilities` unset or true.",
  validate: (c, _a, report) => {
    const drops = asArray(c.capabilities?.drops).map((d) => String(d).toUpperCase());
    if (!drops.includes("ALL") && !drops.includes("CAP_ALL"))
      report('capabilities.drops does not contain "ALL": the container keeps Docker\'s default capabilities.');
    const added = asArray(c.capabilities?.adds);
    if (added.length) report(`capabilities.adds adds ${added.join(", ")}.`);
  },
});

const NO_NEW_PRIVILEGES = /^no-new-privileges(?:[:=]true)?$/;

const dockerNoNewPrivileges = resourceRule<Container>({
  name: "berth-docker-no-new-privileges",
  summary: "Docker containers run with no-new-privileges (setuid binaries cannot gain privileges).",
  controls: { cis: ["CIS Docker 5.25"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Leave `berth:services.<name>.hardening.noNewPrivileges` unset or true.",
  validate: (c, _a, report) => {
    if (!asArray(c.securityOpts).some((o) => NO_NEW_PRIVILEGES.test(String(o).trim()))) {
      report(
        'securityOpts does not contain "no-new-privileges:true": a setuid binary in the image can gain privileges.',
      );
    }
  },
});

const dockerNotPrivileged = resourceRule<Container>({
  name: "berth-docker-not-privileged",
  summary: "Docker containers are not privileged.",
  controls: { cis: ["CIS Docker 5.4"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Remove `privileged` from the container.",
  validate: (c, _a, report) => {
    if (c.privileged === true) report("privileged is true: the container gets every capability and host devices.");
  },
});

const dockerMemoryLimit = resourceRule<Container>({
  name: "berth-docker-memory-limit",
  summary: "Docker containers have a memory limit.",
  controls: { cis: ["CIS Docker 5.10"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Set `berth:services.<name>.memory` (MiB).",
  validate: (c, _a, report) => {
    const memory = c.memory === undefined ? undefined : Number(c.memory);
    if (!(memory !== undefined && memory > 0))
      report(`memory is ${JSON.stringify(c.memory ?? "not set")}: the container may use all of the host's memory.`);
  },
});

const dockerHealthCheck = resourceRule<Container>({
  name: "berth-docker-health-check",
  summary: "Docker containers declare a health check (`healthcheck.tests`), not just whatever the image defines.",
  controls: { cis: ["CIS Docker 4.6"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps:
    "Leave `berth:services.<name>.healthCheck.enabled` unset or true, with `healthCheck.command` your image's own check in exec form (default: the sample's `/app/berth --healthcheck`).",
  validate: (c, _a, report) => {
    const tests = asArray(c.healthcheck?.tests).map(String);
    if (tests.length === 0)
      report(
        "no healthcheck.tests: the container relies on the image's HEALTHCHECK, if any; the stack does not say how it is checked.",
      );
    else if (tests[0] === "NONE") report('healthcheck.tests is ["NONE"]: the health check is switched off.');
  },
});

const dockerBoundedLogs = resourceRule<Container>({
  name: "berth-docker-log-rotation",
  summary: "Docker containers log with the json-file driver, rotated (`max-size` and `max-file` set).",
  controls: { other: "Docker in production: rotate container logs (json-file max-size / max-file)" },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Keep the rendered `logDriver: json-file` with `logOpts` max-size and max-file.",
  validate: (c, _a, report) => {
    if (c.logDriver !== "json-file")
      report(`logDriver is ${JSON.stringify(c.logDriver ?? "the daemon's default")}, not "json-file".`);
    const opts = (c.logOpts ?? {}) as Record<string, string>;
    if (!opts["max-size"]) report("logOpts max-size is not set: the log file grows without bound.");
    if (!opts["max-file"]) report("logOpts max-file is not set: rotated log files are never removed.");
  },
});

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]"]);

const dockerLoopbackPorts = resourceRule<Container>({
  name: "berth-docker-loopback-ports",
  summary: "Published ports are bound to loopback (127.0.0.1 or ::1) only.",
  controls: { cis: ["CIS Docker 5.13"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps:
    "Publish with `ip: 127.0.0.1` (set by localContainer.ts; `berth:local.hostPorts` chooses the port).",
  validate: (c, _a, report) => {
    for (const p of asArray(c.ports)) {
      // The provider's default address is 0.0.0.0: every interface.
      const ip = p.ip ?? "0.0.0.0";
      if (!LOOPBACK.has(ip))
        report(`port ${p.external ?? "(random)"}->${p.internal} is published on ${ip}: reachable from other machines.`);
    }
  },
});

const dockerImageByDigest = resourceRule<Container>({
  name: "berth-docker-image-digest",
  summary: "Docker containers run an image ID (`sha256:...`) or a digest reference (`repo@sha256:...`), never a tag.",
  controls: { other: "Berth supply chain: run the exact bytes that were built and tested" },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Give the container the `imageId` of a `docker.RemoteImage` pulled by digest (localStack.ts does).",
  validate: (c, _a, report) => {
    const image = String(c.image ?? "");
    if (!IMAGE_DIGEST.test(image) && !DIGEST_REFERENCE.test(image))
      report(
        `image ${JSON.stringify(image)} is neither an image ID (sha256:<64 hex>) nor pinned by digest (…@sha256:<64 hex>).`,
      );
  },
});

const dockerNoHostNamespaces = resourceRule<Container>({
  name: "berth-docker-no-host-namespaces",
  summary: "Docker containers share neither the host's network nor its process namespace.",
  controls: { cis: ["CIS Docker 5.9", "CIS Docker 5.15"] },
  resourceTypes: [DOCKER_CONTAINER],
  remediationSteps: "Remove `networkMode: host` / `pidMode: host` (the services use the berth-local bridge network).",
  validate: (c, _a, report) => {
    if (c.networkMode === "host")
      report('networkMode is "host": the container sees every host interface and can bind any host port.');
    if (c.pidMode === "host") report('pidMode is "host": the container sees and can signal every process on the host.');
  },
});

export const dockerRules = [
  dockerReadonlyRoot,
  dockerNonRootUser,
  dockerCapabilitiesDropped,
  dockerNoNewPrivileges,
  dockerNotPrivileged,
  dockerMemoryLimit,
  dockerHealthCheck,
  dockerBoundedLogs,
  dockerLoopbackPorts,
  dockerImageByDigest,
  dockerNoHostNamespaces,
];
