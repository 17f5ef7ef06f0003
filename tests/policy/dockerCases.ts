/** Docker container cases (passing and failing inputs per rule), shared by dockerRules.test.ts and rules.test.ts. Not a test file. */
import { DOCKER_CONTAINER, dockerRules } from "../../policy/dockerRules";

/** A service container as infra/local/localContainer.ts renders it (the inputs the mocks record for the local stack). */
export function container(overrides: Record<string, any> = {}): Record<string, any> {
  return {
    name: "berth-local-web",
    image: `sha256:${"b".repeat(64)}`,
    readOnly: true,
    user: "10001:10001",
    memory: 512,
    memorySwap: 512,
    capabilities: { drops: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
    privileged: false,
    init: true,
    healthcheck: {
      tests: ["CMD", "/app/berth", "--healthcheck"],
      interval: "10s",
      timeout: "3s",
      retries: 3,
      startPeriod: "5s",
    },
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3", mode: "non-blocking", "max-buffer-size": "25m" },
    ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }],
    networksAdvanced: [{ name: "berth-local", aliases: ["web"] }],
    ...overrides,
  };
}

/** [rule, failing overrides, a fragment of the message]. At least one failing case per rule. */
export const FAILING: [string, Record<string, any>, RegExp][] = [
  ["berth-docker-readonly-root", { readOnly: false }, /readOnly is not true/],
  ["berth-docker-readonly-root", { readOnly: undefined }, /readOnly is not true/],
  ["berth-docker-non-root-user", { user: undefined }, /user is not set/],
  ["berth-docker-non-root-user", { user: "0" }, /runs as root/],
  ["berth-docker-non-root-user", { user: "root:root" }, /runs as root/],
  ["berth-docker-capabilities-dropped", { capabilities: { drops: [] } }, /does not contain "ALL"/],
  ["berth-docker-capabilities-dropped", { capabilities: undefined }, /does not contain "ALL"/],
  ["berth-docker-capabilities-dropped", { capabilities: { drops: ["ALL"], adds: ["NET_ADMIN"] } }, /adds NET_ADMIN/],
  ["berth-docker-no-new-privileges", { securityOpts: [] }, /no-new-privileges/],
  ["berth-docker-no-new-privileges", { securityOpts: ["no-new-privileges:false"] }, /no-new-privileges/],
  ["berth-docker-not-privileged", { privileged: true }, /privileged is true/],
  ["berth-docker-memory-limit", { memory: undefined }, /memory is "not set"/],
  ["berth-docker-memory-limit", { memory: 0 }, /memory is 0/],
  ["berth-docker-health-check", { healthcheck: undefined }, /no healthcheck\.tests/],
  ["berth-docker-health-check", { healthcheck: { tests: [] } }, /no healthcheck\.tests/],
  ["berth-docker-health-check", { healthcheck: { tests: ["NONE"] } }, /switched off/],
  ["berth-docker-log-rotation", { logDriver: "local" }, /not "json-file"/],
  ["berth-docker-log-rotation", { logDriver: undefined, logOpts: undefined }, /not "json-file"/],
  ["berth-docker-log-rotation", { logOpts: { "max-file": "3" } }, /max-size is not set/],
  ["berth-docker-log-rotation", { logOpts: { "max-size": "10m" } }, /max-file is not set/],
  [
    "berth-docker-loopback-ports",
    { ports: [{ internal: 8080, external: 8080, ip: "0.0.0.0" }] },
    /published on 0\.0\.0\.0/,
  ],
  ["berth-docker-loopback-ports", { ports: [{ internal: 8080, external: 8080 }] }, /published on 0\.0\.0\.0/],
  ["berth-docker-image-digest", { image: "127.0.0.1:5001/berth:latest" }, /neither an image ID/],
  ["berth-docker-image-digest", { image: "registry:2" }, /neither an image ID/],
  ["berth-docker-no-host-namespaces", { networkMode: "host" }, /networkMode is "host"/],
  ["berth-docker-no-host-namespaces", { pidMode: "host" }, /pidMode is "host"/],
];

/** Inputs other than the rendered default that must still pass. */
export const PASSING: [string, Record<string, any>][] = [
  ["berth-docker-no-new-privileges", { securityOpts: ["no-new-privileges"] }],
  ["berth-docker-loopback-ports", { ports: [] }],
  ["berth-docker-loopback-ports", { ports: [{ internal: 8080, external: 8080, ip: "::1" }] }],
  ["berth-docker-image-digest", { image: `127.0.0.1:5001/berth@sha256:${"c".repeat(64)}` }],
  ["berth-docker-non-root-user", { user: "1654" }],
  ["berth-docker-no-host-namespaces", { networkMode: "bridge" }],
];

/** The cases in rules.test.ts's shape: every docker rule with the rendered container passing and its failing inputs. */
export const dockerResourceCases: Record<
  string,
  { type: string; pass: Record<string, any>[]; fail: [Record<string, any>, string | RegExp][] }
> = Object.fromEntries(
  dockerRules.map((r) => [
    r.name,
    {
      type: DOCKER_CONTAINER,
      pass: [container(), ...PASSING.filter(([n]) => n === r.name).map(([, o]) => container(o))],
      fail: FAILING.filter(([n]) => n === r.name).map(([, o, m]) => [container(o), m] as [Record<string, any>, RegExp]),
    },
  ]),
);
