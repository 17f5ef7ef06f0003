/**
 * The services map (`berth:services`): one entry per ECS service, all running the same image.
 *
 * Every service starts from the full hardening; each opt-out is one explicit key under `hardening` (visible in the
 * stack file, in the plan, and flagged by the policy pack). All defaults live here, nowhere else.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./environment";
import { isSecretLookingName, runsAsRoot } from "../../policy/securityLists";
import { parseIpv4Cidr, TARGET_HEALTH_CHECK } from "./network";
import { DURATION, durationSeconds } from "./duration";

export { durationSeconds } from "./duration";
import {
  boolean,
  defaultIn,
  integer,
  oneOf,
  percent,
  perEnvironment,
  section,
  sectionList,
  string,
  stringList,
  stringMap,
  type Infer,
} from "./declare";

interface ServiceRoute {
  /** The listener's default action forwards to this service (exactly one routed service may claim it). */
  isDefault: boolean;
  /** Listener rule conditions (a rule matches when the path AND the host match); empty for a default-only route. */
  pathPatterns: string[];
  hostHeaders: string[];
  /** Listener rule priority (1-50000, unique per listener); meaningful when there are conditions. */
  priority: number;
  /** This service's target group health check path and matcher; unset: `berth:loadBalancer.healthCheck`'s. */
  healthCheckPath?: string;
  healthCheckMatcher?: string;
  /** The port the target group health check requests; unset: the traffic port (the service's `port`). */
  healthCheckPort?: number;
}

/**
 * How ECS replaces a service's tasks (`berth:services.<name>.deployment.strategy`), on ECS's own deployment
 * controller: `rolling` (ROLLING: circuit breaker with rollback, 100/200 %), or one of ECS's traffic-shifting strategies
 * (`canary` = CANARY, `linear` = LINEAR, `blueGreen` = BLUE_GREEN), which start the new revision beside the old one
 * behind a second (alternate) target group and let ECS move the production listener rule's traffic to it.
 */
type DeploymentStrategy = "rolling" | "canary" | "linear" | "blueGreen";
const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = ["rolling", "canary", "linear", "blueGreen"];
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
const BAKE_TIME_MINUTES = { min: 0, max: 1440 } as const;
const CANARY_PERCENT = { min: 0.1, max: 100 } as const;
const LINEAR_STEP_PERCENT = { min: 3, max: 100 } as const;

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
   * True for the one `up` that moves an existing `rolling` service to a traffic-shifting strategy (the service then has
   * no alternate target group in its state yet), or that applies a change of a traffic-shifting service's load
   * balancer block: the ignoreChanges on the whole `loadBalancers` set that leave ECS's target group swap alone are
   * off for that update (docs/services.md, "Fields ECS owns"). Refused with `rolling`.
   */
  switchingFromRolling: boolean;
}

/** True when ECS moves traffic between two target groups for this service (all strategies but rolling). */
export function shiftsTraffic(d: Pick<ServiceDeployment, "strategy">): boolean {
  return d.strategy !== "rolling";
}

/** The listener rule priority Berth gives a default route's production rule (`/*`): evaluated after every other rule. */
export const DEFAULT_ROUTE_RULE_PRIORITY = 50000;

/** Per-environment defaults of `deployment` for a routed service, from the declarations (DEPLOYMENT). */
function deploymentDefaults(
  environment: Environment,
): Omit<ServiceDeployment, "testListener" | "switchingFromRolling"> {
  const strategy = defaultIn(DEPLOYMENT.strategy.default, environment)!;
  const bakeTimeMinutes = defaultIn(DEPLOYMENT.bakeTimeMinutes.default, environment)!;
  if (strategy !== "canary") return { strategy, bakeTimeMinutes };
  const percent = defaultIn(DEPLOYMENT.canaryPercent.default, environment)!;
  return {
    strategy,
    bakeTimeMinutes,
    canary: { percent, bakeTimeMinutes: defaultIn(DEPLOYMENT.canaryBakeTimeMinutes.default, environment)! },
  };
}

/** `berth:services.<name>.hardening`: every setting on unless switched off explicitly; the policy pack flags each opt-out. */
const SERVICE_HARDENING = {
  readonlyRootFilesystem: boolean({
    default: true,
    doc: "Container root filesystem read-only; /tmp stays writable.",
    hardening: {
      rule: "berth-ecs-readonly-root",
      localRule: "berth-docker-readonly-root",
      warning: "the container can write to its root filesystem (FSBP ECS.5)",
      controls: "FSBP ECS.5",
    },
  }),
  nonRootUser: boolean({
    default: true,
    doc: "Run as `user` (a non-root uid:gid) instead of the image's default.",
    hardening: {
      rule: "berth-ecs-non-root-user",
      localRule: "berth-docker-non-root-user",
      warning: "the container runs as the image's USER, not an explicit non-root uid (FSBP ECS.20)",
      controls: "FSBP ECS.20",
    },
  }),
  dropAllCapabilities: boolean({
    default: true,
    doc: 'linuxParameters.capabilities.drop ["ALL"] (and --cap-drop ALL locally).',
    hardening: {
      rule: "berth-ecs-capabilities-dropped",
      localRule: "berth-docker-capabilities-dropped",
      warning: "the container keeps the default Linux capabilities",
    },
  }),
  noNewPrivileges: boolean({
    default: true,
    doc: "Local runs: --security-opt no-new-privileges (Fargate has no equivalent container setting).",
    hardening: {
      localRule: "berth-docker-no-new-privileges",
      warning: "local runs allow privilege escalation (setuid binaries)",
    },
  }),
  initProcess: boolean({
    default: true,
    doc: "An init process (tini) as PID 1: signals forwarded, zombies reaped.",
    hardening: { warning: "no init process: signals are not forwarded and zombies are not reaped" },
  }),
  logEncryptionKey: boolean({
    default: true,
    doc: "The log group is encrypted with a customer-managed KMS key made for it (unless logKmsKeyArn names one).",
    hardening: {
      rule: "berth-logs-kms",
      localRule: null,
      waivedBy: "logKmsKeyArn",
      warning: "the log group uses CloudWatch's own key, not a customer-managed one",
    },
  }),
  nonBlockingLogs: boolean({
    default: true,
    doc: "awslogs mode non-blocking with a 25m buffer: a slow CloudWatch never blocks the app's stdout.",
    hardening: {
      rule: "berth-ecs-awslogs-non-blocking",
      localRule: null,
      warning: "blocking log mode: a slow CloudWatch can stall the app's stdout",
    },
  }),
  circuitBreakerRollback: boolean({
    default: true,
    doc: "The deployment circuit breaker rolls a failed deployment back (the breaker itself is always on).",
    hardening: {
      rule: "berth-ecs-circuit-breaker",
      localRule: null,
      warning: "a failed deployment is stopped but not rolled back",
    },
  }),
  faultInjectionDisabled: boolean({
    default: true,
    doc: "The task definition sets enableFaultInjection false explicitly: AWS FIS cannot inject faults into the tasks.",
    hardening: {
      rule: "berth-ecs-fault-injection-off",
      localRule: null,
      warning:
        "ECS fault injection is enabled: AWS FIS experiments can inject network and process faults into its tasks",
    },
  }),
} as const;

type ServiceHardening = Infer<typeof SERVICE_HARDENING>;

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
const PROGRAM_ENVIRONMENT = ["ASPNETCORE_HTTP_PORTS", "Berth__Environment", "Berth__ServiceName"] as const;

const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** ALB listener rule quotas (load-balancer-limits.html): condition values and wildcards per rule, rules and target groups per ALB. */
export const ROUTE_CONDITION_VALUES = 5;
const ROUTE_CONDITION_WILDCARDS = 5;
export const MAX_LISTENER_RULES = 100;
const MAX_TARGET_GROUPS = 100;
/** Characters of secret ARNs (each counted with 3 for its quotes and comma) a service's execution role policy can list. */
export const SECRET_ARN_BUDGET = 8000;
/** A full SSM parameter ARN or a Secrets Manager secret ARN (optionally with `:json-key:version-stage:version-id`). */
const SECRET_ARN =
  /^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+|secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?)$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const USER = /^\d{1,10}:\d{1,10}$/;

const BAKE_ALLOWED = (ecsName: string) => `an integer from 0 to 1440 minutes (ECS ${ecsName})`;

/** `berth:services.<name>.deployment.testListener`. */
const TEST_LISTENER = {
  port: integer({
    default: 8443,
    min: 1,
    max: 65535,
    allowed: "a listener port from 1 to 65535, other than 80 and 443 (the production listeners)",
    doc: "Port of the test listener (not 80 or 443), one listener per port.",
  }),
  ingressCidrs: stringList({
    default: [],
    minItems: 1,
    allowed: "a non-empty list of IPv4 CIDRs allowed to reach the test listener (e.g. your VPN's)",
    defaultText: "required",
    doc: "IPv4 CIDRs (narrower than /0) allowed to reach the test listener, which serves the unreleased revision.",
  }),
} as const;

/**
 * `berth:services.<name>.deployment`. Routed services default to a canary (prod: 10 % for 5 minutes, then 10 minutes
 * with both revisions up; staging: the same with no waits, so every staging deploy exercises the alternate target
 * group, the production listener rule and the infrastructure role prod relies on); workers are always rolling.
 */
const DEPLOYMENT = {
  strategy: oneOf(DEPLOYMENT_STRATEGIES, {
    default: perEnvironment<DeploymentStrategy>({ staging: "canary", prod: "canary", local: "rolling" }),
    defaultText: "rolling for a service with no route",
    doc: "How ECS replaces the tasks: rolling, or a traffic-shifting canary, linear or blueGreen (routed services only).",
  }),
  bakeTimeMinutes: integer({
    default: perEnvironment({ staging: 0, prod: 10, local: 0 }),
    ...BAKE_TIME_MINUTES,
    allowed: BAKE_ALLOWED("bakeTimeInMinutes"),
    doc: "Traffic-shifting strategies: minutes both revisions run after all production traffic moved (0 for a strategy other than the environment's default).",
  }),
  canaryPercent: percent({
    default: 10,
    ...CANARY_PERCENT,
    doc: "canary only: the share of production traffic the new revision takes first.",
  }),
  canaryBakeTimeMinutes: integer({
    default: perEnvironment({ staging: 0, prod: 5, local: 0 }),
    ...BAKE_TIME_MINUTES,
    allowed: BAKE_ALLOWED("canaryBakeTimeInMinutes"),
    doc: "canary only: minutes the canary share runs before the rest moves.",
  }),
  linearStepPercent: percent({ default: 10, ...LINEAR_STEP_PERCENT, doc: "linear only: the share moved per step." }),
  linearStepBakeTimeMinutes: integer({
    default: 0,
    ...BAKE_TIME_MINUTES,
    allowed: BAKE_ALLOWED("stepBakeTimeInMinutes"),
    doc: "linear only: minutes between two steps.",
  }),
  testListener: section(TEST_LISTENER, {
    doc: "Traffic-shifting strategies: a second listener ECS points at the new revision before production traffic moves.",
  }),
  switchingFromRolling: boolean({
    default: false,
    doc: "True for the one update that moves an existing rolling service to a traffic-shifting strategy, or applies a change of its load balancer block (container port, listener rules).",
  }),
} as const;

/** `berth:services.<name>.route`. */
const ROUTE = {
  default: boolean({
    default: false,
    doc: "The listener's default action forwards to this service (one service at most).",
  }),
  pathPatterns: stringList({
    default: [],
    pattern: /^\/[A-Za-z0-9_\-.$/~"'@:+*?&=!,;%]*$/,
    allowed: "a list of path patterns starting with '/' (e.g. /api/*)",
    doc: "Listener rule path patterns (a rule matches the path AND the host).",
  }),
  hostHeaders: stringList({
    default: [],
    pattern: /^[A-Za-z0-9*?.-]{1,128}$/,
    allowed: "a list of host names (wildcards * and ? allowed)",
    doc: "Listener rule host headers.",
  }),
  priority: integer({ default: 100, min: 1, max: 50000, doc: "Listener rule priority, unique per listener." }),
  healthCheckPath: string({
    pattern: TARGET_HEALTH_CHECK.path.pattern,
    allowed: TARGET_HEALTH_CHECK.path.allowed,
    defaultText: "berth:loadBalancer.healthCheck.path",
    doc: "Path this service's target group health check requests (your app's, e.g. /healthz).",
  }),
  healthCheckMatcher: string({
    pattern: TARGET_HEALTH_CHECK.matcher.pattern,
    allowed: TARGET_HEALTH_CHECK.matcher.allowed,
    defaultText: "berth:loadBalancer.healthCheck.matcher",
    doc: "HTTP code this service's target group accepts as healthy.",
  }),
  healthCheckPort: integer({
    min: 1024,
    max: 65535,
    allowed: "an unprivileged port from 1024 to 65535, other than the service's port",
    defaultText: "the traffic port (the service's port)",
    doc: "A separate health port the target group checks (an app whose health listener the serving port's connection limit cannot starve, e.g. the sample's 8081); the load balancer may reach the tasks on it too.",
  }),
} as const;

/**
 * A container health check command in exec form: the program and its arguments, run by ECS as `["CMD", ...]` (no
 * shell: `CMD-SHELL` needs one, and a distroless image has none). The first word is what ECS, Docker and podman exec.
 */
const HEALTH_CHECK_WORD = /^\S(?:.{0,1022}\S)?$/s;
/** Words ECS and Docker read as the form of the check, not as the program: Berth adds `CMD` itself. */
const HEALTH_CHECK_FORM_WORDS = ["CMD", "CMD-SHELL", "NONE"] as const;

/** `berth:services.<name>.healthCheck`: the container health check (the app's own command), ECS's limits. */
const SERVICE_HEALTH_CHECK = {
  enabled: boolean({
    default: true,
    doc: "The container has a health check (`command`); false: none, ECS cannot tell a hung task from a healthy one.",
    hardening: {
      rule: "berth-ecs-health-check",
      localRule: "berth-docker-health-check",
      warning: "the container has no health check: ECS cannot replace a hung task (CIS Docker 4.6)",
      controls: "CIS Docker 4.6",
    },
  }),
  command: stringList({
    // The sample app's (app/, the root Dockerfile's ENTRYPOINT): a GET of its own /health, exit 0 or 1.
    default: ["/app/berth", "--healthcheck"],
    minItems: 1,
    pattern: HEALTH_CHECK_WORD,
    allowed:
      'your image\'s health check in exec form, the program first: e.g. ["python3", "/app/healthcheck.py"] (no "CMD", "CMD-SHELL" or "NONE": Berth adds CMD)',
    doc: "The health check command in exec form (the program and its arguments, no shell); exit 0 means healthy.",
  }),
  intervalSeconds: integer({ default: 10, min: 5, max: 300, doc: "Seconds between two checks." }),
  timeoutSeconds: integer({ default: 3, min: 2, max: 120, doc: "Seconds a check may take (less than the interval)." }),
  retries: integer({ default: 3, min: 1, max: 10, doc: "Failed checks before the container is unhealthy." }),
  // A typical app (a JIT runtime that warms up, runs its migrations at start) needs a minute; the sample's Native
  // AOT binary answers within a second and sets 5 in its stack files.
  startPeriodSeconds: integer({ default: 60, min: 0, max: 300, doc: "Seconds failures do not count after start." }),
} as const;

/** `berth:services.<name>.autoscaling`. */
const AUTOSCALING = {
  minCount: integer({ min: 1, max: 1000, defaultText: "desiredCount", doc: "Fewest tasks (at least 2 in prod)." }),
  maxCount: integer({ min: 1, max: 1000, defaultText: "max(4 × desiredCount, 2)", doc: "Most tasks." }),
  cpuTargetPercent: integer({ default: 60, min: 10, max: 90, doc: "Target average CPU utilization." }),
  memoryTargetPercent: integer({ default: 75, min: 10, max: 90, doc: "Target average memory utilization." }),
  scaleInCooldownSeconds: integer({ default: 300, min: 0, max: 3600, doc: "Seconds between two scale-ins." }),
  scaleOutCooldownSeconds: integer({ default: 60, min: 0, max: 3600, doc: "Seconds between two scale-outs." }),
} as const;

/** Services whose actions no workload role may call (the role boundary's deny, infra/delivery/roleBoundary.ts). */
export const IDENTITY_SERVICES = ["iam", "sts", "organizations"];
/** An IAM action in `service:Action` form (`s3:GetObject`, `sqs:SendMessage`, `s3:Get*`). */
const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;
/** An ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`; S3 leaves region and account empty) or `*`. */
const IAM_RESOURCE = /^(\*|arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:\S+)$/;
const MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
/**
 * IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html; awsdocs/iam-user-guide
 * doc_source/reference_iam-quotas.md at c5e04d40): the inline policies of a role add up to at most 10,240 characters
 * (whitespace not counted); "Managed policies attached to an IAM role": default 10, maximum 20.
 */
const ROLE_INLINE_POLICY_CHARS = 10240;
const MAX_ROLE_MANAGED_POLICIES = 20;
/** What the task role's ECS Exec policy (infra/ecs/fargateService.ts executeCommandPolicy) may take of that, at most. */
const EXEC_POLICY_BUDGET = 2000;

/** `berth:services.<name>.taskRole.statements[]`: one Allow statement of the app's own permissions. */
const TASK_ROLE_STATEMENT = {
  sid: string({
    pattern: /^[A-Za-z0-9]{1,100}$/,
    allowed: "letters and digits (an IAM statement id)",
    defaultText: "App<index>",
    doc: "The statement's id.",
  }),
  actions: stringList({
    default: [],
    minItems: 1,
    pattern: IAM_ACTION,
    allowed: "a non-empty list of IAM actions in service:Action form, e.g. [s3:GetObject]",
    doc: "Actions allowed, each service:Action (`*` and service:* are flagged by berth-iam-no-wildcard-actions).",
  }),
  resources: stringList({
    default: [],
    minItems: 1,
    pattern: IAM_RESOURCE,
    allowed: 'a non-empty list of ARNs (arn:aws:s3:::acme-uploads/*), or "*" (flagged)',
    doc: "Resources, each an ARN; `*` is allowed, warned about and flagged by berth-iam-task-role-resources.",
  }),
} as const;

/** `berth:services.<name>.taskRole`: what the app itself may call (the task role is empty without it). */
const TASK_ROLE = {
  managedPolicyArns: stringList({
    default: [],
    pattern: MANAGED_POLICY_ARN,
    allowed: "a list of IAM managed policy ARNs (arn:aws:iam::aws:policy/... or arn:aws:iam::<account>:policy/...)",
    doc: "Managed policies attached to the task role (at most 20, IAM's quota).",
  }),
  statements: sectionList(section(TASK_ROLE_STATEMENT, { doc: "One Allow statement." }), {
    doc: "Allow statements of the task role's inline policy `app` (sized to IAM's 10,240 characters per role).",
  }),
} as const;

/** `berth:services.<name>.egress[]`: one destination the tasks may open connections to, beside HTTPS. */
const EGRESS_RULE = {
  description: string({
    pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/,
    allowed: "up to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (EC2's rule description)",
    defaultText: "<protocol> <port> to <destination>",
    doc: "The rule's description.",
  }),
  protocol: oneOf(["tcp", "udp"], { default: "tcp", doc: "tcp or udp." }),
  port: integer({ min: 1, max: 65535, defaultText: "required", doc: "The destination port (first of a range)." }),
  toPort: integer({ min: 1, max: 65535, defaultText: "port", doc: "Last port of a range." }),
  cidr: string({ doc: "An IPv4 CIDR destination (exactly one of cidr, securityGroupId, prefixListId)." }),
  securityGroupId: string({
    pattern: /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
    allowed: "a security group id such as sg-0123456789abcdef0",
    doc: "A security group destination (e.g. your database's).",
  }),
  prefixListId: string({
    pattern: /^pl-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
    allowed: "a managed prefix list id such as pl-0123456789abcdef0",
    doc: "A managed prefix list destination.",
  }),
} as const;

/**
 * VPC quotas (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups;
 * awsdocs/amazon-vpc-user-guide doc_source/amazon-vpc-limits.md at 1e1eda57): 60 outbound rules per security group,
 * and 5 security groups per network interface by default, 16 at most: the service's own group plus the extra ones. A
 * customer-managed prefix list counts as many rules as its maximum entries, which the program cannot see: the check
 * counts one rule per destination.
 */
const MAX_SECURITY_GROUP_EGRESS_RULES = 60;
const MAX_EXTRA_SECURITY_GROUPS = 15;

/** `berth:services.<name>`: one ECS service; every service runs the stack's image. */
export const SERVICE = {
  /** Empty for the default web mode. */
  command: stringList({ default: [], doc: "Arguments given to the image's ENTRYPOINT, e.g. [worker]." }),
  cpu: integer({ default: 256, oneOf: [...FARGATE_SIZES.keys()], doc: "Task CPU units (1024 = 1 vCPU)." }),
  memory: integer({
    min: 512,
    max: 122880,
    defaultText: "the smallest Fargate memory for cpu",
    doc: "Task memory (MiB), a Fargate pair with cpu.",
  }),
  memoryReservation: integer({
    min: 6,
    max: 122880,
    defaultText: "memory / 2",
    doc: "The container's soft memory limit (MiB), at most the task memory.",
  }),
  port: integer({
    default: 8080,
    min: 1024,
    max: 65535,
    allowed: "an unprivileged port from 1024 to 65535",
    doc: "The port the app listens on (the sample reads it from ASPNETCORE_HTTP_PORTS, which the program sets).",
  }),
  user: string({
    default: "10001:10001",
    pattern: USER,
    allowed: "a numeric uid:gid such as 10001:10001",
    doc: "Container user, uid:gid, non-root.",
  }),
  /** On Fargate /tmp is a task ephemeral volume instead. */
  tmpSizeMiB: integer({ default: 64, min: 1, max: 4096, doc: "Local runs: size of the writable /tmp tmpfs (MiB)." }),
  /** Fargate fixes its own. */
  pidsLimit: integer({ default: 200, min: 16, max: 32768, doc: "Local runs: the container's pids limit." }),
  desiredCount: integer({
    default: perEnvironment({ staging: 1, prod: 2, local: 1 }),
    min: 1,
    max: 1000,
    doc: "Tasks to run (prod runs at least 2, one per AZ).",
  }),
  autoscaling: section(AUTOSCALING, { doc: "Target tracking on CPU and memory." }),
  route: section(ROUTE, { doc: "Behind the load balancer on these rules; unset: no load balancer (a worker)." }),
  healthCheck: section(SERVICE_HEALTH_CHECK, { doc: "The container health check." }),
  // As the start period: a minute for a typical app; the AOT sample sets 10.
  healthCheckGracePeriodSeconds: integer({
    default: 60,
    min: 0,
    max: 3600,
    doc: "Routed services only: seconds ECS ignores failing load balancer health checks after a task starts.",
  }),
  stopTimeoutSeconds: integer({
    default: 30,
    min: 2,
    max: 120,
    allowed: "an integer from 2 to 120 (Fargate's maximum stopTimeout)",
    doc: "Seconds between SIGTERM and SIGKILL.",
  }),
  environment: stringMap({ keyPattern: ENV_NAME, doc: "Plain, non-secret environment variables." }),
  /** Never in `environment`: ECS injects them. */
  secrets: stringMap({
    keyPattern: ENV_NAME,
    valuePattern: SECRET_ARN,
    allowed:
      "a full SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/...) or Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:...)",
    applies: "aws",
    doc: "Environment variable name to SSM parameter or Secrets Manager ARN (injected by ECS).",
  }),
  /** Its key policy must allow logs.<region>.amazonaws.com (docs/services.md). */
  logKmsKeyArn: string({
    pattern: KMS_KEY_ARN,
    allowed: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>)",
    doc: "Your own KMS key for this service's log group instead of the one made for it.",
  }),
  hardening: section(SERVICE_HARDENING, { doc: "Hardening, on unless switched off per setting." }),
  enableExecuteCommand: boolean({
    default: false,
    doc: "ECS Exec (a shell into running tasks).",
    hardening: {
      rule: "berth-ecs-exec-disabled",
      localRule: null,
      secure: [false],
      warning: "anyone allowed ecs:ExecuteCommand gets a shell in its tasks",
    },
  }),
  steadyStateTimeout: string({
    pattern: DURATION,
    allowed: "a duration such as 15m, 900s or 1h",
    defaultText: "derived: the strategy's waits + healthCheckGracePeriodSeconds + the start period + 15m, in minutes",
    doc: "How long pulumi up waits for the service's deployment to complete (at least the derived minimum).",
  }),
  deployment: section(DEPLOYMENT, { doc: "How ECS deploys a new revision." }),
  taskRole: section(TASK_ROLE, { applies: "aws", doc: "The app's own AWS permissions (the task role)." }),
  egress: sectionList(section(EGRESS_RULE, { doc: "One destination." }), {
    applies: "aws",
    doc: "Destinations the tasks may connect to beside HTTPS (443): a database, a cache, an SMTP relay.",
  }),
  securityGroupIds: stringList({
    default: [],
    pattern: /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
    allowed: "a list of security group ids such as sg-0123456789abcdef0",
    applies: "aws",
    doc: "Extra security groups of the tasks, beside their own (e.g. one your database admits).",
  }),
} as const;

/**
 * One service as the reader returns it: every setting as `SERVICE` declares it (its `doc:` is the field's
 * documentation), plus what the reader computes: `name` (the map key), `route` and `deployment` in the shape the
 * components use (ServiceRoute, ServiceDeployment), and healthCheckGracePeriodSeconds, which a worker has not.
 */
/** One Allow statement of the task role's `app` policy, as read (its `sid` given or `App<index>`). */
type TaskRoleStatement = { sid: string; actions: string[]; resources: string[] };
interface TaskRoleSettings {
  managedPolicyArns: string[];
  statements: TaskRoleStatement[];
}
/** One egress destination, as read: exactly one of cidr, securityGroupId, prefixListId. */
export type EgressRule = {
  description: string;
  protocol: "tcp" | "udp";
  port: number;
  toPort: number;
  cidr?: string;
  securityGroupId?: string;
  prefixListId?: string;
};

/**
 * The task role's inline policy `app` (the user's statements, Allow only), exactly as the program sends it: the reader
 * measures this document against IAM's size quota, so the measure is the policy.
 */
export function taskRolePolicyDocument(statements: readonly TaskRoleStatement[]) {
  return {
    Version: "2012-10-17",
    Statement: statements.map((st) => ({
      Sid: st.sid,
      Effect: "Allow",
      Action: [...st.actions],
      Resource: [...st.resources],
    })),
  };
}

/** IAM counts a policy's characters without whitespace (reference_iam-quotas.html). */
function iamPolicyChars(document: unknown): number {
  return JSON.stringify(document).length;
}

export type ServiceSettings = Omit<
  Infer<typeof SERVICE>,
  "route" | "deployment" | "healthCheckGracePeriodSeconds" | "taskRole" | "egress" | "steadyStateTimeout"
> & {
  /** The app's own permissions (empty: the task role has none). */
  taskRole: TaskRoleSettings;
  /** Destinations beside HTTPS. */
  egress: EgressRule[];
  /** The map key, e.g. `web`, `worker`: DNS-safe, used in resource names and the log stream prefix. */
  name: string;
  /** Undefined for a service with no load balancer (a worker). */
  route?: ServiceRoute;
  /** Routed services only (undefined for a worker, which has no load balancer health checks). */
  healthCheckGracePeriodSeconds?: number;
  deployment: ServiceDeployment;
  /** The set duration, or the derived one (`minimumSteadyStateSeconds` in whole minutes): never shorter than that. */
  steadyStateTimeout: string;
};

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

function readServiceSettings(name: string, s: ConfigSection, environment: Environment): ServiceSettings {
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

  const cpu = s.get("cpu", SERVICE);
  const memory = s.get("memory", SERVICE, { default: FARGATE_SIZES.get(cpu)![0]! });
  if (FARGATE_SIZES.has(cpu) && !isFargateSize(cpu, memory)) {
    p.add(
      s.keyPath("memory"),
      memory,
      `for cpu ${cpu}, one of ${FARGATE_SIZES.get(cpu)!.join(", ")} (Fargate task sizes)`,
    );
  }
  const memoryReservation = s.get("memoryReservation", SERVICE, { default: Math.floor(memory / 2) });
  if (memoryReservation > memory)
    p.add(s.keyPath("memoryReservation"), memoryReservation, `at most the task memory (${memory})`);

  const minDesired = defaultIn(SERVICE.desiredCount.default, environment)!;
  const desiredCount = s.get("desiredCount", SERVICE, {
    environment,
    min: minDesired,
    allowed: `an integer from ${minDesired} to 1000${environment === "prod" ? " (prod runs at least 2 tasks, one per AZ)" : ""}`,
  });
  const minCount = as.get("minCount", AUTOSCALING, { default: desiredCount, min: minDesired });
  const maxCount = as.get("maxCount", AUTOSCALING, { default: Math.max(desiredCount * 4, 2) });
  if (minCount > desiredCount)
    as.problems.add(as.keyPath("minCount"), minCount, `at most desiredCount (${desiredCount})`);
  if (maxCount < desiredCount)
    as.problems.add(as.keyPath("maxCount"), maxCount, `at least desiredCount (${desiredCount})`);

  const intervalSeconds = hc.get("intervalSeconds", SERVICE_HEALTH_CHECK);
  const startPeriodSeconds = hc.get("startPeriodSeconds", SERVICE_HEALTH_CHECK);
  const timeoutSeconds = hc.get("timeoutSeconds", SERVICE_HEALTH_CHECK);
  if (timeoutSeconds >= intervalSeconds)
    hc.problems.add(hc.keyPath("timeoutSeconds"), timeoutSeconds, `less than intervalSeconds (${intervalSeconds})`);

  const port = s.get("port", SERVICE);
  const environmentVars = s.get("environment", SERVICE);
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
  const secrets = s.get("secrets", SERVICE);
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

  const hardening: ServiceHardening = h.readAll(SERVICE_HARDENING);
  const user = s.get("user", SERVICE);
  if (hardening.nonRootUser && runsAsRoot(user)) {
    p.add(s.keyPath("user"), user, "a non-root uid:gid (not 0); running as root needs `hardening.nonRootUser: false`");
  }

  const healthCheckEnabled = hc.get("enabled", SERVICE_HEALTH_CHECK);
  const healthCheckCommand = hc.get("command", SERVICE_HEALTH_CHECK);
  if (!healthCheckEnabled && hc.has("command"))
    hc.problems.add(hc.keyPath("command"), healthCheckCommand, "unset: `enabled: false` means no health check");
  const formWord = HEALTH_CHECK_FORM_WORDS.find((w) => w === healthCheckCommand[0]);
  if (formWord)
    hc.problems.add(
      hc.keyPath("command"),
      healthCheckCommand,
      `the program first, without "${formWord}" (Berth renders ["CMD", ...command]; a shell form needs a shell in the image)`,
    );

  const cloudOnly = (key: string, what: string) => {
    if (environment === "local" && s.has(key))
      p.add(s.keyPath(key), s.value(key), `unset in the local stack: ${what} exists on AWS only`);
  };
  cloudOnly("taskRole", "the task role");
  cloudOnly("egress", "a security group's egress");
  cloudOnly("securityGroupIds", "a security group");
  const taskRole = readTaskRole(s.section("taskRole"), s.get("enableExecuteCommand", SERVICE));
  const egress = s.sectionList("egress").map(readEgressRule);
  if (egress.length + 1 > MAX_SECURITY_GROUP_EGRESS_RULES)
    p.add(
      s.keyPath("egress"),
      `${egress.length} rules`,
      `at most ${MAX_SECURITY_GROUP_EGRESS_RULES - 1} rules (with HTTPS, ${MAX_SECURITY_GROUP_EGRESS_RULES} outbound rules per security group: VPC quotas)`,
    );
  const securityGroupIds = s.get("securityGroupIds", SERVICE);
  if (securityGroupIds.length > MAX_EXTRA_SECURITY_GROUPS)
    p.add(
      s.keyPath("securityGroupIds"),
      securityGroupIds,
      `at most ${MAX_EXTRA_SECURITY_GROUPS} (with the service's own, 16 security groups per network interface: VPC quotas; the default quota is 5)`,
    );
  if (new Set(securityGroupIds).size !== securityGroupIds.length)
    p.add(s.keyPath("securityGroupIds"), securityGroupIds, "distinct security group ids");

  const routeSettings = route && readRoute(route);
  if (routeSettings?.healthCheckPort !== undefined && routeSettings.healthCheckPort === port)
    p.add(
      `${s.keyPath("route")}.healthCheckPort`,
      routeSettings.healthCheckPort,
      `a port other than the service's port ${port} (leave it unset to check the traffic port)`,
    );
  const dep = s.section("deployment");
  const deployment = readDeployment(dep, environment, routeSettings);
  const graceKey = "healthCheckGracePeriodSeconds";
  let healthCheckGracePeriodSeconds: number | undefined;
  if (routeSettings) healthCheckGracePeriodSeconds = s.get(graceKey, SERVICE);
  else if (s.has(graceKey))
    p.add(
      s.keyPath(graceKey),
      s.value(graceKey),
      "unset: a service with no `route` has no load balancer health checks to wait for",
    );

  const out: ServiceSettings = {
    name,
    command: s.get("command", SERVICE),
    cpu,
    memory,
    memoryReservation,
    port,
    user,
    tmpSizeMiB: s.get("tmpSizeMiB", SERVICE),
    pidsLimit: s.get("pidsLimit", SERVICE),
    desiredCount,
    autoscaling: {
      minCount,
      maxCount,
      cpuTargetPercent: as.get("cpuTargetPercent", AUTOSCALING),
      memoryTargetPercent: as.get("memoryTargetPercent", AUTOSCALING),
      scaleInCooldownSeconds: as.get("scaleInCooldownSeconds", AUTOSCALING),
      scaleOutCooldownSeconds: as.get("scaleOutCooldownSeconds", AUTOSCALING),
    },
    route: routeSettings,
    healthCheck: {
      enabled: healthCheckEnabled,
      command: healthCheckEnabled ? healthCheckCommand : [],
      intervalSeconds,
      timeoutSeconds,
      retries: hc.get("retries", SERVICE_HEALTH_CHECK),
      startPeriodSeconds,
    },
    healthCheckGracePeriodSeconds,
    stopTimeoutSeconds: s.get("stopTimeoutSeconds", SERVICE),
    environment: environmentVars,
    secrets,
    logKmsKeyArn: s.get("logKmsKeyArn", SERVICE),
    enableExecuteCommand: s.get("enableExecuteCommand", SERVICE),
    steadyStateTimeout: readSteadyStateTimeout(s, { deployment, healthCheckGracePeriodSeconds, startPeriodSeconds }),
    hardening,
    deployment,
    taskRole,
    egress,
    securityGroupIds,
  };
  for (const sub of [hc, as, route, dep]) sub?.done();
  s.done();
  return out;
}

/**
 * Seconds ECS itself waits in one deployment of this strategy before it is complete: canary = the canary bake, then
 * the final bake; linear = one step bake between two steps (ceil(100 / stepPercent) steps), then the final bake;
 * blueGreen = the bake; rolling = none (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html,
 * API_CanaryConfiguration.html, API_LinearConfiguration.html: "the amount of time ... to wait between each traffic
 * shifting step"). The provider's wait ends only when the deployment is SUCCESSFUL, i.e. after these waits
 * (terraform-provider-aws internal/service/ecs/service.go, statusServiceWaitForStable / findDeploymentStatus).
 */
function deploymentWaitSeconds(d: Pick<ServiceDeployment, "strategy" | "bakeTimeMinutes" | "canary" | "linear">) {
  switch (d.strategy) {
    case "rolling":
      return 0;
    case "canary":
      return 60 * ((d.canary?.bakeTimeMinutes ?? 0) + d.bakeTimeMinutes);
    case "linear": {
      const steps = Math.ceil(100 / (d.linear?.stepPercent ?? 100));
      return 60 * ((steps - 1) * (d.linear?.stepBakeTimeMinutes ?? 0) + d.bakeTimeMinutes);
    }
    case "blueGreen":
      return 60 * d.bakeTimeMinutes;
  }
}

/**
 * What one deployment needs beyond the strategy's waits: starting the new tasks on Fargate (placement, ENI, image
 * pull), the container's start period and the load balancer's checks (2 x at most 15 s), draining the old tasks
 * (deregistration delay at most 30 s) and ECS's cleanup of the old revision. 15 minutes: the budget Berth gave every
 * deployment before the waits were counted (the former `steadyStateTimeout` default), which rolling deploys met.
 */
const TASK_ROLLOUT_ALLOWANCE_SECONDS = 900;

/**
 * The shortest `steadyStateTimeout` that can cover one deployment: the strategy's waits, the health-check grace
 * period (ECS ignores failing load balancer checks that long after a task starts), the container's start period, and
 * TASK_ROLLOUT_ALLOWANCE_SECONDS.
 */
function minimumSteadyStateSeconds(s: {
  deployment: Pick<ServiceDeployment, "strategy" | "bakeTimeMinutes" | "canary" | "linear">;
  healthCheckGracePeriodSeconds?: number;
  startPeriodSeconds: number;
}): number {
  return (
    deploymentWaitSeconds(s.deployment) +
    (s.healthCheckGracePeriodSeconds ?? 0) +
    s.startPeriodSeconds +
    TASK_ROLLOUT_ALLOWANCE_SECONDS
  );
}

/**
 * `steadyStateTimeout`: derived (the minimum in whole minutes) unless set; a set value below the minimum is refused:
 * the provider would give up (and fail the `up`) while ECS is still baking a healthy deployment.
 */
function readSteadyStateTimeout(s: ConfigSection, parts: Parameters<typeof minimumSteadyStateSeconds>[0]): string {
  const minimum = minimumSteadyStateSeconds(parts);
  const derived = `${Math.ceil(minimum / 60)}m`;
  const value = s.get("steadyStateTimeout", SERVICE, { default: derived }) ?? derived;
  if (s.has("steadyStateTimeout") && DURATION.test(value) && durationSeconds(value) < minimum) {
    s.problems.add(
      s.keyPath("steadyStateTimeout"),
      value,
      `at least ${derived} (${minimum} s): the ${parts.deployment.strategy} deployment waits ${deploymentWaitSeconds(parts.deployment)} s (bake times) + ${parts.healthCheckGracePeriodSeconds ?? 0} s health-check grace + ${parts.startPeriodSeconds} s start period + ${TASK_ROLLOUT_ALLOWANCE_SECONDS} s to start and drain tasks, and the provider waits until the deployment completes; or unset it (derived)`,
    );
  }
  return value;
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
  const fallback = deploymentDefaults(route ? environment : "local");
  const strategy = d.get("strategy", DEPLOYMENT, { default: fallback.strategy });
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
    bakeTimeMinutes = d.get("bakeTimeMinutes", DEPLOYMENT, { default: sameDefaults ? fallback.bakeTimeMinutes : 0 });
  else inapplicable("bakeTimeMinutes", "a rolling deployment has no bake time");

  let canary: ServiceDeployment["canary"];
  if (strategy === "canary") {
    canary = {
      percent: d.get("canaryPercent", DEPLOYMENT, { environment }),
      bakeTimeMinutes: d.get("canaryBakeTimeMinutes", DEPLOYMENT, {
        default: sameDefaults ? (fallback.canary?.bakeTimeMinutes ?? 0) : 0,
      }),
    };
  } else {
    for (const key of ["canaryPercent", "canaryBakeTimeMinutes"])
      inapplicable(key, `it applies to strategy "canary" only (this service's is "${strategy}")`);
  }
  let linear: ServiceDeployment["linear"];
  if (strategy === "linear") {
    linear = {
      stepPercent: d.get("linearStepPercent", DEPLOYMENT),
      stepBakeTimeMinutes: d.get("linearStepBakeTimeMinutes", DEPLOYMENT),
    };
  } else {
    for (const key of ["linearStepPercent", "linearStepBakeTimeMinutes"])
      inapplicable(key, `it applies to strategy "linear" only (this service's is "${strategy}")`);
  }

  let testListener: ServiceDeployment["testListener"];
  if (shifting && d.has("testListener")) {
    const t = d.section("testListener");
    const port = t.get("port", TEST_LISTENER);
    if (port === 80 || port === 443)
      t.problems.add(t.keyPath("port"), port, "a port other than 80 and 443 (the production listeners)");
    const ingressCidrs = t.get("ingressCidrs", TEST_LISTENER);
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

  const switchingFromRolling = d.get("switchingFromRolling", DEPLOYMENT);
  if (switchingFromRolling && !shifting)
    p.add(
      d.keyPath("switchingFromRolling"),
      true,
      "unset or false: it applies only to the update that moves a service to canary, linear or blueGreen",
    );
  return { strategy, bakeTimeMinutes, canary, linear, testListener, switchingFromRolling };
}

/** `berth:services.<name>.taskRole`: managed policies and Allow statements, sized to IAM's quota for inline policies. */
function readTaskRole(t: ConfigSection, enableExecuteCommand: boolean): TaskRoleSettings {
  const managedPolicyArns = t.get("managedPolicyArns", TASK_ROLE);
  if (managedPolicyArns.length > MAX_ROLE_MANAGED_POLICIES)
    t.problems.add(
      t.keyPath("managedPolicyArns"),
      `${managedPolicyArns.length} policies`,
      `at most ${MAX_ROLE_MANAGED_POLICIES} managed policies per role (IAM quotas)`,
    );
  if (new Set(managedPolicyArns).size !== managedPolicyArns.length)
    t.problems.add(t.keyPath("managedPolicyArns"), managedPolicyArns, "distinct policy ARNs");
  const statements = t.sectionList("statements").map((st, i) => {
    const sid = st.get("sid", TASK_ROLE_STATEMENT, { default: `App${i}` }) ?? `App${i}`;
    const actions = st.get("actions", TASK_ROLE_STATEMENT);
    const resources = st.get("resources", TASK_ROLE_STATEMENT);
    for (const key of ["actions", "resources"] as const)
      if (!st.has(key)) st.problems.add(st.keyPath(key), undefined, TASK_ROLE_STATEMENT[key].allowed!);
    // The role boundary (infra/delivery/roleBoundary.ts) denies these services to every workload role.
    for (const action of actions.filter((a) => IDENTITY_SERVICES.includes(a.split(":")[0]!)))
      st.problems.add(
        st.keyPath("actions"),
        action,
        `actions of other services than ${IDENTITY_SERVICES.join(", ")}: the role boundary denies them to every workload role`,
      );
    st.done();
    return { sid, actions, resources };
  });
  const sids = statements.map((st) => st.sid);
  sids.forEach((sid, i) => {
    if (sids.indexOf(sid) !== i)
      t.problems.add(`${t.keyPath("statements")}[${i}].sid`, sid, "a statement id not used by another statement");
  });
  // IAM: a role's inline policies add up to at most 10,240 characters; ECS Exec adds its own policy to this role.
  const limit = ROLE_INLINE_POLICY_CHARS - (enableExecuteCommand ? EXEC_POLICY_BUDGET : 0);
  const chars = iamPolicyChars(taskRolePolicyDocument(statements));
  if (statements.length > 0 && chars > limit)
    t.problems.add(
      t.keyPath("statements"),
      `${statements.length} statements, ${chars} characters`,
      `at most ${limit} characters of policy (IAM: a role's inline policies total at most ${ROLE_INLINE_POLICY_CHARS} characters${enableExecuteCommand ? `, ${EXEC_POLICY_BUDGET} kept for the ECS Exec policy` : ""}): attach a managed policy instead`,
    );
  t.done();
  return { managedPolicyArns, statements };
}

/** `berth:services.<name>.egress[i]`: exactly one destination; a range from `port` to `toPort`. */
function readEgressRule(e: ConfigSection): EgressRule {
  const protocol = e.get("protocol", EGRESS_RULE);
  const port = e.get("port", EGRESS_RULE, { default: 0 });
  if (!e.has("port")) e.problems.add(e.keyPath("port"), undefined, "a destination port from 1 to 65535 (required)");
  const toPort = e.get("toPort", EGRESS_RULE, { default: port });
  if (toPort < port) e.problems.add(e.keyPath("toPort"), toPort, `at least port (${port})`);
  const cidr = e.get("cidr", EGRESS_RULE);
  if (cidr !== undefined && !parseIpv4Cidr(cidr))
    e.problems.add(e.keyPath("cidr"), cidr, "an IPv4 CIDR such as 10.0.12.0/24 (no host bits set)");
  const securityGroupId = e.get("securityGroupId", EGRESS_RULE);
  const prefixListId = e.get("prefixListId", EGRESS_RULE);
  const given = [cidr, securityGroupId, prefixListId].filter((d) => d !== undefined);
  if (given.length !== 1)
    e.problems.add(
      e.path,
      { cidr, securityGroupId, prefixListId },
      "exactly one destination: cidr, securityGroupId or prefixListId",
    );
  const ports = toPort === port ? String(port) : `${port}-${toPort}`;
  const description =
    e.get("description", EGRESS_RULE, { default: `${protocol} ${ports} to ${given[0] ?? "?"}` }) ?? "";
  e.done();
  const out: EgressRule = { description, protocol, port, toPort };
  if (cidr !== undefined) out.cidr = cidr;
  if (securityGroupId !== undefined) out.securityGroupId = securityGroupId;
  if (prefixListId !== undefined) out.prefixListId = prefixListId;
  return out;
}

function readRoute(r: ConfigSection): ServiceRoute {
  const isDefault = r.get("default", ROUTE);
  const pathPatterns = r.get("pathPatterns", ROUTE);
  const hostHeaders = r.get("hostHeaders", ROUTE);
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
  const priority = r.get("priority", ROUTE);
  const out: ServiceRoute = {
    isDefault,
    pathPatterns: [...pathPatterns].sort(),
    hostHeaders: [...hostHeaders].map((h) => h.toLowerCase()).sort(),
    priority,
  };
  const healthCheckPath = r.get("healthCheckPath", ROUTE);
  const healthCheckMatcher = r.get("healthCheckMatcher", ROUTE);
  if (healthCheckPath !== undefined) out.healthCheckPath = healthCheckPath;
  if (healthCheckMatcher !== undefined) out.healthCheckMatcher = healthCheckMatcher;
  if (r.has("healthCheckPort")) out.healthCheckPort = r.get("healthCheckPort", ROUTE, { default: 0 });
  return out;
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
  // Without a default route the production listener's default action is a fixed-response 404. ECS refuses a
  // blue/green (and canary, linear) deployment behind a listener that mixes forward and non-forward actions
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html, "Limitations":
  // a mix of forward and redirect, fixed-response or authentication actions fails the deployment).
  if (routed.length > 0 && defaults.length === 0) {
    for (const s of routed.filter((x) => shiftsTraffic(x.deployment))) {
      problems.add(
        `${servicesKey}.${s.name}.deployment.strategy`,
        s.deployment.strategy,
        `"rolling", or give one routed service \`route.default: true\`: no service claims the default route, so the listener's default action is a fixed-response 404, and ECS fails a ${s.deployment.strategy} deployment behind a listener that mixes forward and non-forward actions (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html, "Limitations")`,
      );
    }
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
