/**
 * The services map (`berth:services`): one entry per ECS service, all running the same image.
 *
 * Every service starts from the full hardening; each opt-out is one explicit key under `hardening` (visible in the
 * stack file, in the plan, and flagged by the policy pack). All defaults live here, nowhere else.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./";
import { isSecretLookingName, runsAsRoot } from "../../policy/securityLists";
import { parseIpv4Cidr } from "./network";

export interface ServiceRoute {
  /** The listener's default action forwards to this service (exactly one routed service may claim it). */
  isDefault: boolean;
  /** Listener rule conditions (a rule matches when the path AND the host match); empty for a default-only route. */
  pathPatterns: string[];
  hostHeaders: string[];
  /** Listener rule priority (1-50000, unique per listener); meaningful when there are conditions. */
  priority: number;
}

/**
 * How ECS replaces a service's tasks (`berth:services.<name>.deployment.strategy`), on ECS's own deployment
 * controller: `rolling` (ROLLING: circuit breaker with rollback, 100/200 %), or one of ECS's traffic-shifting strategies
 * (`canary` = CANARY, `linear` = LINEAR, `blueGreen` = BLUE_GREEN), which start the new revision beside the old one
 * behind a second (alternate) target group and let ECS move the production listener rule's traffic to it.
 */
export type DeploymentStrategy = "rolling" | "canary" | "linear" | "blueGreen";
export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = ["rolling", "canary", "linear", "blueGreen"];
/** The ECS API's name of each strategy (DeploymentConfiguration.strategy). */
export const ECS_STRATEGY: Record<DeploymentStrategy, "ROLLING" | "CANARY" | "LINEAR" | "BLUE_GREEN"> = {
  rolling: "ROLLING",
  canary: "CANARY",
  linear: "LINEAR",
  blueGreen: "BLUE_GREEN",
};

/**
 * Ranges of the ECS API (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html,
 * API_CanaryConfiguration.html, API_LinearConfiguration.html): bake times 0-1440 minutes; canaryPercent multiples of
 * 0.1 from 0.1 to 100.0; linear stepPercent multiples of 0.1 from 3.0 to 100.0; step and canary bake times 0-1440.
 */
export const BAKE_TIME_MINUTES = { min: 0, max: 1440 } as const;
export const CANARY_PERCENT = { min: 0.1, max: 100 } as const;
export const LINEAR_STEP_PERCENT = { min: 3, max: 100 } as const;

export interface ServiceDeployment {
  strategy: DeploymentStrategy;
  /**
   * Minutes both revisions keep running after all production traffic moved to the new one (ECS `bakeTimeInMinutes`,
   * required for BLUE_GREEN); 0 for `rolling`, which has no bake.
   */
  bakeTimeMinutes: number;
  /** `canary` only: the share of production traffic the new revision takes first, and for how long. */
  canary?: { percent: number; bakeTimeMinutes: number };
  /** `linear` only: the share moved per step and the wait between steps. */
  linear?: { stepPercent: number; stepBakeTimeMinutes: number };
  /**
   * Traffic-shifting strategies only: a second listener (its own port, reachable only from these CIDRs) whose rule ECS
   * points at the new revision before production traffic moves, so it can be checked first.
   */
  testListener?: { port: number; ingressCidrs: string[] };
  /**
   * True for the one `up` that moves an existing `rolling` service to a traffic-shifting strategy: the service then has
   * no alternate target group in its state yet, so the ignoreChanges that leave ECS's target group swap alone must be
   * off for that update (README, "ECS services"). Refused with `rolling`.
   */
  switchingFromRolling: boolean;
}

/** True when ECS moves traffic between two target groups for this service (all strategies but rolling). */
export function shiftsTraffic(d: Pick<ServiceDeployment, "strategy">): boolean {
  return d.strategy !== "rolling";
}

/** The listener rule priority Berth gives a default route's production rule (`/*`): evaluated after every other rule. */
export const DEFAULT_ROUTE_RULE_PRIORITY = 50000;

/**
 * Per-environment defaults of `deployment` for a routed service. Prod: a 10 % canary watched for 5 minutes, then 10
 * minutes with both revisions up before the old one stops (room for the rollback alarms). Staging: the same canary
 * machinery with no waits, so every staging deploy exercises the alternate target group, the production listener rule
 * and the infrastructure role prod relies on, without slowing the pipeline. Workers (no load balancer): rolling.
 */
export const DEPLOYMENT_DEFAULTS: Record<
  Environment,
  Omit<ServiceDeployment, "testListener" | "switchingFromRolling">
> = {
  prod: { strategy: "canary", bakeTimeMinutes: 10, canary: { percent: 10, bakeTimeMinutes: 5 } },
  staging: { strategy: "canary", bakeTimeMinutes: 0, canary: { percent: 10, bakeTimeMinutes: 0 } },
  local: { strategy: "rolling", bakeTimeMinutes: 0 },
};

export interface ServiceHardening {
  /** Container root filesystem read-only; /tmp stays writable (FSBP ECS.5). */
  readonlyRootFilesystem: boolean;
  /** Run as `user` (a non-root uid:gid) instead of the image's default (FSBP ECS.4-adjacent, CIS 4.1). */
  nonRootUser: boolean;
  /** linuxParameters.capabilities.drop ["ALL"] (and --cap-drop ALL locally). */
  dropAllCapabilities: boolean;
  /** Local runs: --security-opt no-new-privileges (Fargate has no equivalent container setting). */
  noNewPrivileges: boolean;
  /** An init process (tini) as PID 1: signals forwarded, zombies reaped. */
  initProcess: boolean;
  /** awslogs `mode: non-blocking` with a 25m buffer: a slow CloudWatch never blocks the app's stdout. */
  nonBlockingLogs: boolean;
  /** Deployment circuit breaker rolls a failed deployment back (the breaker itself is always on). */
  circuitBreakerRollback: boolean;
  /** The log group is encrypted with a customer-managed KMS key made for it (unless `logKmsKeyArn` names one). */
  logEncryptionKey: boolean;
}

export interface ServiceSettings {
  /** The map key, e.g. `web`, `worker`: DNS-safe, used in resource names and the log stream prefix. */
  name: string;
  /** Arguments given to the image's ENTRYPOINT (`["worker"]`); empty for the default web mode. */
  command: string[];
  /** Task size (a Fargate cpu/memory pair). cpu in CPU units (1024 = 1 vCPU), memory in MiB. */
  cpu: number;
  memory: number;
  /** The container's soft memory limit (MiB); its hard limit is the task memory. */
  memoryReservation: number;
  /** The port the app listens on (ASPNETCORE_HTTP_PORTS). */
  port: number;
  /** Container user, `uid:gid`, non-root. */
  user: string;
  /** Size of the writable /tmp tmpfs in local runs (MiB); on Fargate /tmp is a task ephemeral volume. */
  tmpSizeMiB: number;
  /** Local runs: the container's pids limit (Fargate fixes its own). */
  pidsLimit: number;
  desiredCount: number;
  autoscaling: {
    minCount: number;
    maxCount: number;
    cpuTargetPercent: number;
    memoryTargetPercent: number;
    scaleInCooldownSeconds: number;
    scaleOutCooldownSeconds: number;
  };
  /** Behind the load balancer on these rules; undefined for a service with no load balancer (a worker). */
  route?: ServiceRoute;
  /** The container health check (`/app/berth --healthcheck`): ECS's limits are enforced here. */
  healthCheck: { intervalSeconds: number; timeoutSeconds: number; retries: number; startPeriodSeconds: number };
  /** Routed services only: how long ECS ignores failing load balancer health checks after a task starts. */
  healthCheckGracePeriodSeconds?: number;
  stopTimeoutSeconds: number;
  /** Plain, non-secret environment variables. */
  environment: Record<string, string>;
  /** Environment variable name -> SSM parameter or Secrets Manager ARN (injected by ECS, never in `environment`). */
  secrets: Record<string, string>;
  /** Your own KMS key (ARN) for this service's log group instead of the one made for it; its policy must allow logs.<region>.amazonaws.com. */
  logKmsKeyArn?: string;
  /** ECS Exec (a shell into running tasks): off unless switched on per service. */
  enableExecuteCommand: boolean;
  /** How long `pulumi up` waits for the service to reach a steady state (Pulumi duration, e.g. `15m`). */
  steadyStateTimeout: string;
  /** On unless switched off explicitly, per setting; the policy pack still flags every opt-out. */
  hardening: ServiceHardening;
  /** How ECS deploys a new revision (`deployment.strategy` and its parameters). */
  deployment: ServiceDeployment;
}

/** Fargate task sizes: cpu units -> allowed memory (MiB). From the AWS Fargate task size table. */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map<number, number[]>([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export function isFargateSize(cpu: number, memory: number): boolean {
  return FARGATE_SIZES.get(cpu)?.includes(memory) ?? false;
}

/** Environment variables the program sets itself; a service may not override them. */
export const PROGRAM_ENVIRONMENT = ["ASPNETCORE_HTTP_PORTS", "Berth__Environment", "Berth__ServiceName"] as const;

export const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** ALB listener rule quotas (load-balancer-limits.html): condition values and wildcards per rule, rules and target groups per ALB. */
export const ROUTE_CONDITION_VALUES = 5;
export const ROUTE_CONDITION_WILDCARDS = 5;
export const MAX_LISTENER_RULES = 100;
export const MAX_TARGET_GROUPS = 100;
/** Characters of secret ARNs (each counted with 3 for its quotes and comma) a service's execution role policy can list. */
export const SECRET_ARN_BUDGET = 8000;
/** A full SSM parameter ARN or a Secrets Manager secret ARN (optionally with `:json-key:version-stage:version-id`). */
export const SECRET_ARN =
  /^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+|secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?)$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const USER = /^\d{1,10}:\d{1,10}$/;
const DURATION = /^\d+(s|m|h)$/;

/**
 * Reads `berth:services`: each service, then the rules that span services (routes, default route, priorities).
 * Problems are collected in the section's `Problems`, each naming `berth:services.<name>.<key>`.
 */
export function readServicesSettings(berth: ConfigSection, environment: Environment): ServiceSettings[] {
  const entries = berth.sections("services");
  const key = berth.keyPath("services");
  if (entries.length === 0) {
    berth.problems.add(
      key,
      berth.value("services"),
      "a mapping with at least one service, e.g. { web: { route: { default: true } } }",
    );
    return [];
  }
  const services = entries
    .map(([name, s]) => readServiceSettings(name, s, environment))
    .sort((a, b) => a.name.localeCompare(b.name));
  checkRoutes(services, key, berth.problems);
  return services;
}

export function readServiceSettings(name: string, s: ConfigSection, environment: Environment): ServiceSettings {
  const p = s.problems;
  if (!SERVICE_NAME.test(name)) {
    p.add(
      s.path,
      name,
      "a DNS-safe service name: lowercase letters, digits and '-', starting with a letter, at most 20 characters",
    );
  }
  const h = s.section("hardening");
  const hc = s.section("healthCheck");
  const as = s.section("autoscaling");
  const route = s.has("route") ? s.section("route") : undefined;

  const cpu = s.integer("cpu", { default: 256, oneOf: [...FARGATE_SIZES.keys()] });
  const memory = s.integer("memory", { default: FARGATE_SIZES.get(cpu)![0]!, min: 512, max: 122880 });
  if (FARGATE_SIZES.has(cpu) && !isFargateSize(cpu, memory)) {
    p.add(
      s.keyPath("memory"),
      memory,
      `for cpu ${cpu}, one of ${FARGATE_SIZES.get(cpu)!.join(", ")} (Fargate task sizes)`,
    );
  }
  const memoryReservation = s.integer("memoryReservation", { default: Math.floor(memory / 2), min: 6, max: 122880 });
  if (memoryReservation > memory)
    p.add(s.keyPath("memoryReservation"), memoryReservation, `at most the task memory (${memory})`);

  const minDesired = environment === "prod" ? 2 : 1;
  const desiredCount = s.integer("desiredCount", {
    default: minDesired,
    min: minDesired,
    max: 1000,
    allowed: `an integer from ${minDesired} to 1000${environment === "prod" ? " (prod runs at least 2 tasks, one per AZ)" : ""}`,
  });
  const minCount = as.integer("minCount", { default: desiredCount, min: minDesired, max: 1000 });
  const maxCount = as.integer("maxCount", { default: Math.max(desiredCount * 4, 2), min: 1, max: 1000 });
  if (minCount > desiredCount)
    as.problems.add(as.keyPath("minCount"), minCount, `at most desiredCount (${desiredCount})`);
  if (maxCount < desiredCount)
    as.problems.add(as.keyPath("maxCount"), maxCount, `at least desiredCount (${desiredCount})`);

  const intervalSeconds = hc.integer("intervalSeconds", { default: 10, min: 5, max: 300 });
  const timeoutSeconds = hc.integer("timeoutSeconds", { default: 3, min: 2, max: 120 });
  if (timeoutSeconds >= intervalSeconds)
    hc.problems.add(hc.keyPath("timeoutSeconds"), timeoutSeconds, `less than intervalSeconds (${intervalSeconds})`);

  const port = s.integer("port", {
    default: 8080,
    min: 1024,
    max: 65535,
    allowed: "an unprivileged port from 1024 to 65535",
  });
  const environmentVars = s.stringMap("environment", { keyPattern: ENV_NAME });
  for (const envName of Object.keys(environmentVars)) {
    // The policy pack's own test (policy/securityLists.ts, berth-ecs-no-env-secrets): what it flags is refused here.
    if (isSecretLookingName(envName)) {
      p.add(
        `${s.keyPath("environment")}.${envName}`,
        "(value hidden)",
        "a non-secret variable: put secrets in `secrets` as an SSM parameter or Secrets Manager ARN",
      );
    }
    if ((PROGRAM_ENVIRONMENT as readonly string[]).includes(envName)) {
      p.add(
        `${s.keyPath("environment")}.${envName}`,
        environmentVars[envName],
        "not set here: the program sets it from the service settings",
      );
    }
  }
  const secrets = s.stringMap("secrets", {
    keyPattern: ENV_NAME,
    valuePattern: SECRET_ARN,
    allowed:
      "a full SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/...) or Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:...)",
  });
  for (const secretName of Object.keys(secrets)) {
    if (secretName in environmentVars || (PROGRAM_ENVIRONMENT as readonly string[]).includes(secretName)) {
      p.add(
        `${s.keyPath("secrets")}.${secretName}`,
        secretName,
        "a name not also set in `environment` or by the program",
      );
    }
  }
  // Each secret's ARN is a Resource of the execution role's inline policy, which IAM caps at 10,240 characters per role
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); the rest of the policy stays under 2,000.
  const secretChars = Object.values(secrets).reduce((n, arn) => n + arn.length + 3, 0);
  if (secretChars > SECRET_ARN_BUDGET) {
    p.add(
      s.keyPath("secrets"),
      `${Object.keys(secrets).length} secrets, ${secretChars} characters of ARNs`,
      `at most ${SECRET_ARN_BUDGET} characters of secret ARNs per service (they are listed in the execution role's inline policy, at most 10,240 characters)`,
    );
  }

  const hardening: ServiceHardening = {
    readonlyRootFilesystem: h.boolean("readonlyRootFilesystem", true),
    nonRootUser: h.boolean("nonRootUser", true),
    dropAllCapabilities: h.boolean("dropAllCapabilities", true),
    noNewPrivileges: h.boolean("noNewPrivileges", true),
    initProcess: h.boolean("initProcess", true),
    nonBlockingLogs: h.boolean("nonBlockingLogs", true),
    circuitBreakerRollback: h.boolean("circuitBreakerRollback", true),
    logEncryptionKey: h.boolean("logEncryptionKey", true),
  };
  const user = s.string("user", {
    default: "10001:10001",
    pattern: USER,
    allowed: "a numeric uid:gid such as 10001:10001",
  })!;
  if (hardening.nonRootUser && runsAsRoot(user)) {
    p.add(s.keyPath("user"), user, "a non-root uid:gid (not 0); running as root needs `hardening.nonRootUser: false`");
  }

  const routeSettings = route && readRoute(route);
  const dep = s.section("deployment");
  const deployment = readDeployment(dep, environment, routeSettings);
  const graceKey = "healthCheckGracePeriodSeconds";
  let healthCheckGracePeriodSeconds: number | undefined;
  if (routeSettings) healthCheckGracePeriodSeconds = s.integer(graceKey, { default: 10, min: 0, max: 3600 });
  else if (s.has(graceKey))
    p.add(
      s.keyPath(graceKey),
      s.value(graceKey),
      "unset: a service with no `route` has no load balancer health checks to wait for",
    );

  const out: ServiceSettings = {
    name,
    command: s.stringList("command", { default: [] }),
    cpu,
    memory,
    memoryReservation,
    port,
    user,
    tmpSizeMiB: s.integer("tmpSizeMiB", { default: 64, min: 1, max: 4096 }),
    pidsLimit: s.integer("pidsLimit", { default: 200, min: 16, max: 32768 }),
    desiredCount,
    autoscaling: {
      minCount,
      maxCount,
      cpuTargetPercent: as.integer("cpuTargetPercent", { default: 60, min: 10, max: 90 }),
      memoryTargetPercent: as.integer("memoryTargetPercent", { default: 75, min: 10, max: 90 }),
      scaleInCooldownSeconds: as.integer("scaleInCooldownSeconds", { default: 300, min: 0, max: 3600 }),
      scaleOutCooldownSeconds: as.integer("scaleOutCooldownSeconds", { default: 60, min: 0, max: 3600 }),
    },
    route: routeSettings,
    healthCheck: {
      intervalSeconds,
      timeoutSeconds,
      retries: hc.integer("retries", { default: 3, min: 1, max: 10 }),
      startPeriodSeconds: hc.integer("startPeriodSeconds", { default: 5, min: 0, max: 300 }),
    },
    healthCheckGracePeriodSeconds,
    stopTimeoutSeconds: s.integer("stopTimeoutSeconds", {
      default: 30,
      min: 2,
      max: 120,
      allowed: "an integer from 2 to 120 (Fargate's maximum stopTimeout)",
    }),
    environment: environmentVars,
    secrets,
    logKmsKeyArn: s.string("logKmsKeyArn", {
      pattern: KMS_KEY_ARN,
      allowed: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>)",
    }),
    enableExecuteCommand: s.boolean("enableExecuteCommand", false),
    steadyStateTimeout: s.string("steadyStateTimeout", {
      default: "15m",
      pattern: DURATION,
      allowed: "a duration such as 15m, 900s or 1h",
    })!,
    hardening,
    deployment,
  };
  for (const sub of [h, hc, as, route, dep]) sub?.done();
  s.done();
  return out;
}

/** A number that is a multiple of 0.1 in [min, max] (ECS's percentages); numeric strings are accepted as `pulumi config set --path` gives them. */
function readPercent(s: ConfigSection, key: string, fallback: number, range: { min: number; max: number }): number {
  const v = s.value(key);
  if (v === undefined || v === null) return fallback;
  const n = typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
  const tenths = typeof n === "number" ? Math.round(n * 10) : NaN;
  if (
    typeof n !== "number" ||
    !Number.isFinite(n) ||
    Math.abs(n * 10 - tenths) > 1e-9 ||
    n < range.min ||
    n > range.max
  ) {
    s.problems.add(s.keyPath(key), v, `a multiple of 0.1 from ${range.min} to ${range.max} (ECS API)`);
    return fallback;
  }
  return tenths / 10;
}

/**
 * `berth:services.<name>.deployment`. A traffic-shifting strategy needs a load balancer: ECS's canary and linear
 * deployments shift traffic through Elastic Load Balancing or Service Connect
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment-implementation.html,
 * linear-deployment-implementation.html), and Berth has no Service Connect. Blue/green without one is allowed by ECS
 * but shifts nothing (blue-green-deployment-implementation.html): a worker would only run two revisions side by side,
 * both doing its job, so Berth refuses it too. Keys that do not apply to the chosen strategy are refused.
 */
function readDeployment(
  d: ConfigSection,
  environment: Environment,
  route: ServiceRoute | undefined,
): ServiceDeployment {
  const p = d.problems;
  const fallback = route ? DEPLOYMENT_DEFAULTS[environment] : DEPLOYMENT_DEFAULTS.local;
  const strategy = d.oneOf("strategy", DEPLOYMENT_STRATEGIES, fallback.strategy);
  if (!route && strategy !== "rolling") {
    p.add(
      d.keyPath("strategy"),
      strategy,
      '"rolling": this service has no `route`, so no load balancer whose traffic ECS could shift (canary and linear need Elastic Load Balancing or Service Connect; blue/green would only run two revisions of the worker at once)',
    );
  }
  if (
    route &&
    strategy !== "rolling" &&
    route.isDefault &&
    (route.pathPatterns.length > 0 || route.hostHeaders.length > 0)
  ) {
    p.add(
      d.keyPath("strategy"),
      strategy,
      '"rolling", or a route that is either `default: true` or has path patterns / host headers, not both: ECS shifts the traffic of one production listener rule, and the listener default action would keep forwarding to one target group',
    );
  }
  const inapplicable = (key: string, why: string) => {
    if (d.has(key)) p.add(d.keyPath(key), d.value(key), `unset: ${why}`);
  };
  const shifting = strategy !== "rolling";
  const sameDefaults = strategy === fallback.strategy;
  let bakeTimeMinutes = 0;
  if (shifting)
    bakeTimeMinutes = d.integer("bakeTimeMinutes", {
      default: sameDefaults ? fallback.bakeTimeMinutes : 0,
      ...BAKE_TIME_MINUTES,
      allowed: "an integer from 0 to 1440 minutes (ECS bakeTimeInMinutes)",
    });
  else inapplicable("bakeTimeMinutes", "a rolling deployment has no bake time");

  let canary: ServiceDeployment["canary"];
  if (strategy === "canary") {
    canary = {
      percent: readPercent(d, "canaryPercent", (sameDefaults && fallback.canary?.percent) || 10, CANARY_PERCENT),
      bakeTimeMinutes: d.integer("canaryBakeTimeMinutes", {
        default: sameDefaults ? (fallback.canary?.bakeTimeMinutes ?? 0) : 0,
        ...BAKE_TIME_MINUTES,
        allowed: "an integer from 0 to 1440 minutes (ECS canaryBakeTimeInMinutes)",
      }),
    };
  } else {
    for (const key of ["canaryPercent", "canaryBakeTimeMinutes"])
      inapplicable(key, `it applies to strategy "canary" only (this service's is "${strategy}")`);
  }
  let linear: ServiceDeployment["linear"];
  if (strategy === "linear") {
    linear = {
      stepPercent: readPercent(d, "linearStepPercent", 10, LINEAR_STEP_PERCENT),
      stepBakeTimeMinutes: d.integer("linearStepBakeTimeMinutes", {
        default: 0,
        ...BAKE_TIME_MINUTES,
        allowed: "an integer from 0 to 1440 minutes (ECS stepBakeTimeInMinutes)",
      }),
    };
  } else {
    for (const key of ["linearStepPercent", "linearStepBakeTimeMinutes"])
      inapplicable(key, `it applies to strategy "linear" only (this service's is "${strategy}")`);
  }

  let testListener: ServiceDeployment["testListener"];
  if (shifting && d.has("testListener")) {
    const t = d.section("testListener");
    const port = t.integer("port", {
      default: 8443,
      min: 1,
      max: 65535,
      allowed: "a listener port from 1 to 65535, other than 80 and 443 (the production listeners)",
    });
    if (port === 80 || port === 443)
      t.problems.add(t.keyPath("port"), port, "a port other than 80 and 443 (the production listeners)");
    const ingressCidrs = t.stringList("ingressCidrs", {
      default: [],
      minItems: 1,
      allowed: "a non-empty list of IPv4 CIDRs allowed to reach the test listener (e.g. your VPN's)",
    });
    if (t.has("ingressCidrs") && ingressCidrs.length === 0)
      t.problems.add(
        t.keyPath("ingressCidrs"),
        [],
        "a non-empty list of IPv4 CIDRs allowed to reach the test listener",
      );
    if (!t.has("ingressCidrs"))
      t.problems.add(
        t.keyPath("ingressCidrs"),
        undefined,
        "a non-empty list of IPv4 CIDRs allowed to reach the test listener (required: the test listener serves the unreleased revision)",
      );
    for (const cidr of ingressCidrs) {
      if (!parseIpv4Cidr(cidr))
        t.problems.add(
          t.keyPath("ingressCidrs"),
          cidr,
          "IPv4 CIDRs such as 203.0.113.0/24 (network address, prefix 0-32)",
        );
      else if (cidr.endsWith("/0"))
        t.problems.add(
          t.keyPath("ingressCidrs"),
          cidr,
          "CIDRs narrower than /0: the test listener serves a revision before it is released",
        );
    }
    t.done();
    testListener = { port, ingressCidrs };
  } else if (!shifting) inapplicable("testListener", "a rolling deployment has no test traffic");

  const switchingFromRolling = d.boolean("switchingFromRolling", false);
  if (switchingFromRolling && !shifting)
    p.add(
      d.keyPath("switchingFromRolling"),
      true,
      "unset or false: it applies only to the update that moves a service to canary, linear or blueGreen",
    );
  return { strategy, bakeTimeMinutes, canary, linear, testListener, switchingFromRolling };
}

function readRoute(r: ConfigSection): ServiceRoute {
  const isDefault = r.boolean("default", false);
  const pathPatterns = r.stringList("pathPatterns", {
    default: [],
    pattern: /^\/[A-Za-z0-9_\-.$/~"'@:+*?&=!,;%]*$/,
    allowed: "a list of path patterns starting with '/' (e.g. /api/*)",
  });
  const hostHeaders = r.stringList("hostHeaders", {
    default: [],
    pattern: /^[A-Za-z0-9*?.-]{1,128}$/,
    allowed: "a list of host names (wildcards * and ? allowed)",
  });
  // ALB quotas (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html): a rule
  // takes at most 5 condition values and 5 wildcards in all its conditions together; a value is at most 128 characters.
  const values = [...pathPatterns, ...hostHeaders];
  const wildcards = values.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
  if (values.length > ROUTE_CONDITION_VALUES || wildcards > ROUTE_CONDITION_WILDCARDS) {
    r.problems.add(
      r.path,
      { pathPatterns, hostHeaders },
      `at most ${ROUTE_CONDITION_VALUES} path patterns and host headers together, with at most ${ROUTE_CONDITION_WILDCARDS} wildcards (* ?) in all (ALB: condition values and wildcards per rule)`,
    );
  }
  for (const p of pathPatterns.filter((v) => v.length > 128))
    r.problems.add(r.keyPath("pathPatterns"), p, "path patterns of at most 128 characters (ALB rule condition value)");
  if (!isDefault && pathPatterns.length === 0 && hostHeaders.length === 0) {
    r.problems.add(r.path, r.value("default"), "`default: true`, or at least one of pathPatterns / hostHeaders");
  }
  const priority = r.integer("priority", { default: 100, min: 1, max: 50000 });
  return {
    isDefault,
    pathPatterns: [...pathPatterns].sort(),
    hostHeaders: [...hostHeaders].map((h) => h.toLowerCase()).sort(),
    priority,
  };
}

/** Rules across services: one default route at most, no two identical rule conditions, unique rule priorities. */
function checkRoutes(services: ServiceSettings[], servicesKey: string, problems: ConfigSection["problems"]): void {
  const routed = services.filter((s) => s.route);
  const defaults = routed.filter((s) => s.route!.isDefault);
  if (defaults.length > 1) {
    for (const s of defaults.slice(1)) {
      problems.add(
        `${servicesKey}.${s.name}.route.default`,
        true,
        `false: ${defaults[0]!.name} already claims the default route`,
      );
    }
  }
  // ALB quotas: at most 100 rules per load balancer (not counting default rules) and 100 target groups per load balancer.
  // A traffic-shifting service has two target groups; a default route that shifts traffic gets its own `/*` rule.
  const ruled = routed.filter(
    (s) => s.route!.pathPatterns.length > 0 || s.route!.hostHeaders.length > 0 || shiftsTraffic(s.deployment),
  );
  const targetGroups = routed.reduce((n, s) => n + (shiftsTraffic(s.deployment) ? 2 : 1), 0);
  if (ruled.length > MAX_LISTENER_RULES || targetGroups > MAX_TARGET_GROUPS) {
    problems.add(
      servicesKey,
      routed.map((s) => s.name),
      `at most ${MAX_TARGET_GROUPS} routed services and target groups in all (two per canary, linear or blueGreen service), at most ${MAX_LISTENER_RULES} listener rules (one per route with conditions, and per default route that shifts traffic) (ALB: target groups and rules per load balancer)`,
    );
  }
  const shiftingDefault = routed.find((s) => s.route!.isDefault && shiftsTraffic(s.deployment));
  if (shiftingDefault) {
    for (const s of routed.filter(
      (x) =>
        x !== shiftingDefault &&
        x.route!.priority === DEFAULT_ROUTE_RULE_PRIORITY &&
        (x.route!.pathPatterns.length > 0 || x.route!.hostHeaders.length > 0),
    )) {
      problems.add(
        `${servicesKey}.${s.name}.route.priority`,
        DEFAULT_ROUTE_RULE_PRIORITY,
        `a priority below ${DEFAULT_ROUTE_RULE_PRIORITY}: ${shiftingDefault.name}'s default route shifts traffic (${shiftingDefault.deployment.strategy}), so its production listener rule (/*) takes priority ${DEFAULT_ROUTE_RULE_PRIORITY}`,
      );
    }
  }
  const testPorts = new Map<number, string>();
  for (const s of routed) {
    const port = s.deployment.testListener?.port;
    if (port === undefined) continue;
    const other = testPorts.get(port);
    if (other)
      problems.add(
        `${servicesKey}.${s.name}.deployment.testListener.port`,
        port,
        `a port not used by ${other}'s test listener (one listener per port)`,
      );
    else testPorts.set(port, s.name);
  }
  const conditions = new Map<string, string>();
  const priorities = new Map<number, string>();
  for (const s of routed) {
    const r = s.route!;
    if (r.pathPatterns.length === 0 && r.hostHeaders.length === 0) continue; // default-only: no listener rule
    const condition = JSON.stringify([r.pathPatterns, r.hostHeaders]);
    const sameCondition = conditions.get(condition);
    if (sameCondition) {
      problems.add(
        `${servicesKey}.${s.name}.route`,
        { pathPatterns: r.pathPatterns, hostHeaders: r.hostHeaders },
        `a route different from ${sameCondition}'s (same path patterns and host headers)`,
      );
    } else conditions.set(condition, s.name);
    const samePriority = priorities.get(r.priority);
    if (samePriority) {
      problems.add(
        `${servicesKey}.${s.name}.route.priority`,
        r.priority,
        `a priority not used by ${samePriority} (listener rule priorities are unique)`,
      );
    } else priorities.set(r.priority, s.name);
  }
}
