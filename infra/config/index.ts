/**
 * One typed, validated settings object per stack, read from the stack's configuration (`Pulumi.<stack>.yaml`).
 *
 * `loadSettings` is pure: it takes the raw configuration map (full keys such as `berth:services`, values as the
 * Pulumi runtime gives them: strings, JSON for structured values) and the git state, and either returns `Settings`
 * or throws one `ConfigError` listing every problem (key, value given, what is allowed). The program calls it before
 * registering any resource, so invalid configuration never leaves anything half made.
 */
import { ConfigSection } from "./section";
import { Problems } from "./problems";
import { declaredKeyPaths, unknownKeyHint } from "./keyHints";
import { readSourceRevision, SOURCE_KEYS, type GitState, type SourceRevision } from "./source";
import {
  AWS_ACCOUNT_ID_ALLOWED,
  AWS_ACCOUNT_ID_PATTERN,
  AWS_REGION_ALLOWED,
  AWS_REGION_PATTERN,
  GCP_REGION_ALLOWED,
  GITHUB_ACTOR_PATTERN,
  GCP_REGION_PATTERN,
  ARTIFACT_REGISTRY,
  ECR,
  GHCR,
  IMAGE_KEYS,
  readArtifactRegistrySettings,
  readEcrSettings,
  readGhcrSettings,
  readImageSettings,
  type ArtifactRegistrySettings,
  type EcrSettings,
  type GhcrSettings,
  type ImageSettings,
} from "./registries";
import {
  CLUSTER,
  LOAD_BALANCER,
  LOGS,
  NETWORK,
  readClusterSettings,
  readLoadBalancerSettings,
  readLogSettings,
  readNetworkSettings,
  type ClusterSettings,
  type LoadBalancerSettings,
  type LogSettings,
  type NetworkSettings,
} from "./network";
import { readServicesSettings, SERVICE, type ServiceSettings } from "./services";
import { BUILD, readBuildSettings, type BuildSettings } from "./build";
import {
  DELIVERY,
  PROMOTION,
  readDeliverySettings,
  readPromotionSettings,
  type DeliverySettings,
  type PromotionSettings,
} from "./delivery";
import { LOCAL, readLocalSettings, rejectCloudKeys, type LocalSettings } from "./local";
import {
  hardeningSettings,
  oneOf,
  optOutWarnings,
  section,
  sections,
  string,
  stringMap,
  type Fields,
  type HardeningSetting,
} from "./declare";
import {
  ALARMS,
  NOTIFICATIONS,
  readAlarmSettings,
  readNotificationSettings,
  type AlarmSettings,
  type NotificationSettings,
} from "./observability";

export { ConfigError } from "./problems";
export type { GitState, SourceRevision } from "./source";
export type {
  ArtifactRegistrySettings,
  EcrReplicationTarget,
  EcrSettings,
  GhcrSettings,
  ImageSettings,
  Platform,
} from "./registries";
export type { ClusterSettings, LoadBalancerSettings, LogSettings, NetworkSettings } from "./network";
export type { ServiceSettings } from "./services";
export type { BuildSettings } from "./build";
export type { DeliverySettings, PromotionSettings } from "./delivery";
export type { LocalSettings } from "./local";
export type { AlarmSettings, NotificationSettings, ServiceAlarmSettings } from "./observability";

import { ENVIRONMENTS, PROJECT, type Environment } from "./environment";
export { ENVIRONMENTS, PROJECT, type Environment } from "./environment";

export interface AwsSettings {
  region: string;
  accountId: string;
}

export interface GcpSettings {
  project: string;
  region: string;
}

export interface GithubSettings {
  owner: string;
  repository: string;
}

/** What every stack has, whatever its target. */
interface CommonStackSettings {
  project: string;
  stack: string;
  environment: Environment;
  /** Tags on every taggable resource (provider default tags): project, stack, managed-by, plus `berth:tags`. */
  tags: Record<string, string>;
  source: SourceRevision;
  image: ImageSettings;
  /** How the image is built: Dockerfile, context, target, extra build arguments. */
  build: BuildSettings;
  github: GithubSettings;
  services: ServiceSettings[];
  logs: LogSettings;
}

/** A staging or prod stack: ECS with three registries. Every aws section is present. */
export interface AwsStackSettings extends CommonStackSettings {
  target: "aws";
  aws: AwsSettings;
  gcp: GcpSettings;
  ecr: EcrSettings;
  artifactRegistry: ArtifactRegistrySettings;
  ghcr: GhcrSettings;
  network: NetworkSettings;
  loadBalancer: LoadBalancerSettings;
  cluster: ClusterSettings;
  /** Prod only: the staging stack whose digest prod deploys. */
  promotion?: PromotionSettings;
  delivery: DeliverySettings;
  /** Each service's deployment alarms and their thresholds. */
  alarms: AlarmSettings;
  /** Subscriptions of the stack's SNS topic (alarms and ECS deployment events). */
  notifications: NotificationSettings;
}

/** The `local` stack: a laptop's Docker. */
export interface LocalStackSettings extends CommonStackSettings {
  target: "local";
  local: LocalSettings;
}

/**
 * Each variant names the other's sections as `?: never`, so `settings.ecr` on a `Settings` reads as
 * `EcrSettings | undefined` until narrowed (`settings.target === "aws"`), and a `local` stack can never carry one.
 */
type Absent<T> = { [K in keyof T]?: never };
type AwsOnlyKeys = Exclude<keyof AwsStackSettings, keyof CommonStackSettings | "target">;
type AwsStack = AwsStackSettings & { local?: never };
type LocalStack = LocalStackSettings & Absent<Pick<AwsStackSettings, AwsOnlyKeys>>;

/** `aws` stacks run on ECS with three registries; the `local` stack runs on a laptop's Docker (narrow on `target`). */
export type Settings = AwsStack | LocalStack;

/**
 * Why some keys are not declared in Pulumi.yaml: `pulumi up/preview/refresh/destroy` refuse a stack that does not set
 * a key declared there without a `default:` (pulumi/pulumi pkg/workspace/config.go, `mergeConfig`), and inject a
 * declared `default:` into every stack (the local one too, where cloud keys are refused), as a plain value (so a
 * `secret: true` key with a default refuses every stack that does not set it). Keys that are optional, or valid in
 * some stacks only, are therefore validated here only; tests/config/projectSchema.test.ts checks every key the program
 * reads is in exactly one of Pulumi.yaml, STRUCTURED_KEYS and STACK_SCOPED_KEYS, and replays every stack run.
 */

/** The scalar keys of `berth:` (top level), beside the image and source keys. */
const STACK_KEYS = {
  environment: oneOf(ENVIRONMENTS, {
    default: "staging",
    schema: "projectRequired",
    schemaNote: "Set in every Pulumi.<stack>.yaml; the CLI refuses a stack without it.",
    doc: "Which kind of stack this is: staging (builds the image), prod (deploys staging's digest) or local (Docker on a laptop).",
  }),
  githubOwner: string({
    required: true,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    allowed: "a GitHub user or organization name (1-39 letters, digits or single inner hyphens)",
    schema: "projectRequired",
    doc: "GitHub user or organization owning this repository: the GHCR package is ghcr.io/<owner>/<imageName> and the image source label points at https://github.com/<owner>/<githubRepository>.",
  }),
  githubRepository: string({
    default: PROJECT,
    pattern: /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/,
    allowed: "a GitHub repository name (letters, digits, . _ -)",
    schema: "project",
    doc: "GitHub repository name (the image's org.opencontainers.image.source, which links the GHCR package to the repository).",
  }),
  ...IMAGE_KEYS,
  ...SOURCE_KEYS,
  awsAccountId: string({
    required: true,
    pattern: AWS_ACCOUNT_ID_PATTERN,
    allowed: AWS_ACCOUNT_ID_ALLOWED,
    applies: "aws",
    defaultText: "required",
    doc: "The AWS account (12 digits, quoted) the stack deploys to (allowedAccountIds). Required in aws stacks, refused in the local stack.",
  }),
  gcpProject: string({
    required: true,
    pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    allowed: "a GCP project id (6-30 lowercase letters, digits, hyphens; starts with a letter)",
    applies: "aws",
    defaultText: "required",
    doc: "The GCP project of the Artifact Registry repository and the workload identity pool. Required in aws stacks, refused in the local stack.",
  }),
  gcpRegion: string({
    default: "europe-west1",
    pattern: GCP_REGION_PATTERN,
    allowed: GCP_REGION_ALLOWED,
    applies: "aws",
    doc: "GCP region of the Artifact Registry repository. aws stacks only (refused in the local stack).",
  }),
  ghcrUser: string({
    pattern: GITHUB_ACTOR_PATTERN,
    allowed: "a GitHub login (github.actor): 1-39 letters, digits and hyphens, optionally <app>[bot]",
    applies: "aws",
    defaultText: "berth:githubOwner",
    doc: "The user of the GHCR login (CI passes github.actor, whose token it is).",
  }),
  ghcrToken: string({
    applies: "aws",
    defaultText: "unset: the push is skipped with a warning",
    doc: "Secret (pulumi config set --secret): GitHub token with write:packages for the GHCR push; read with getSecret, never part of Settings.",
  }),
  tags: stringMap({
    // The aws: prefix is reserved in any case (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
    keyPattern: /^(?![aA][wW][sS]:)[\p{L}\p{N}\s_.:/=+\-@]{1,128}$/u,
    valuePattern: /^[\p{L}\p{N}\s_.:/=+\-@]{0,256}$/u,
    allowed: "an AWS tag value (up to 256 letters, digits, spaces and _ . : / = + - @)",
    applies: "aws",
    doc: "Extra tags on every AWS resource (provider default tags) and, lowered, labels on every GCP resource.",
  }),
} as const;

/** Every key of `berth:`, in the order the reference lists them. */
export const BERTH = {
  ...STACK_KEYS,
  logs: section(LOGS, { applies: "aws", doc: "CloudWatch log retention." }),
  ecr: section(ECR, { applies: "aws", doc: "ECR scanning, lifecycle, KMS, replication." }),
  artifactRegistry: section(ARTIFACT_REGISTRY, {
    applies: "aws",
    doc: "Artifact Registry repository (enabled, location, scanning, cleanup).",
  }),
  ghcr: section(GHCR, { applies: "aws", doc: "GHCR push of the image (enabled; the token is berth:ghcrToken)." }),
  build: section(BUILD, { doc: "How the image is built: your app's Dockerfile, context, target and build arguments." }),
  services: sections(section(SERVICE, { doc: "One ECS service." }), {
    itemName: "<service>",
    doc: "The services (web behind the ALB, worker without): task size, counts, health checks, hardening.",
  }),
  network: section(NETWORK, { applies: "aws", doc: "VPC (created or existing), egress, flow logs." }),
  loadBalancer: section(LOAD_BALANCER, { applies: "aws", doc: "ALB (certificate, ingress, access logs, TLS policy)." }),
  cluster: section(CLUSTER, { applies: "aws", doc: "ECS cluster (Container Insights, Fargate Spot)." }),
  promotion: section(PROMOTION, { applies: "aws", doc: "Prod only: the staging stack whose digest prod deploys." }),
  delivery: section(DELIVERY, { applies: "aws", doc: "CI identity and GitHub environment of this stack." }),
  alarms: section(ALARMS, {
    applies: "aws",
    doc: "Thresholds of the alarms each service attaches to its ECS deployment (rollback on ALARM), stack-wide and per service.",
  }),
  notifications: section(NOTIFICATIONS, {
    applies: "aws",
    doc: "Subscriptions (emails, httpsEndpoints) of the stack's SNS topic for alarms and ECS deployment events.",
  }),
  local: section(LOCAL, { applies: "local", doc: "The local stack's Docker settings." }),
} as const satisfies Fields;

/** Every hardening setting of the stack configuration, its rules and secure values (the offline plan's map). */
export const HARDENING_SETTINGS: readonly HardeningSetting[] = hardeningSettings(BERTH, PROJECT);
export type { HardeningSetting } from "./declare";
export { optOutWarnings } from "./declare";

/** Every opt-out warning of a stack's settings, each from its declaration (the components print their own part). */
export function stackOptOutWarnings(settings: Settings): string[] {
  const out: string[] = [];
  for (const service of settings.services)
    out.push(...optOutWarnings(SERVICE, { ...service }, `berth:services.${service.name}`, settings.environment));
  if (settings.target === "aws") {
    for (const [key, fields] of [
      ["ecr", ECR],
      ["artifactRegistry", ARTIFACT_REGISTRY],
      ["network", NETWORK],
      ["loadBalancer", LOAD_BALANCER],
      ["cluster", CLUSTER],
    ] as const)
      out.push(...optOutWarnings(fields, { ...settings[key] }, `berth:${key}`, settings.environment));
  }
  return out;
}

/**
 * Top-level keys whose value is a YAML mapping, each validated by its section reader. (Pulumi's schema takes
 * `type: object` since v3.186.0, pulumi/pulumi#20129, but most of these are optional: see above.)
 */
export const STRUCTURED_KEYS: Record<string, string> = Object.fromEntries(
  Object.entries(BERTH as Fields)
    .filter(([, f]) => f.kind === "section" || f.kind === "sections" || f.kind === "stringMap")
    .map(([k, f]) => [k, f.doc]),
);

/** Scalar keys some stack runs leave unset or must not set (see above). */
export const STACK_SCOPED_KEYS: Record<string, string> = Object.fromEntries(
  Object.entries(BERTH as Fields)
    .filter(([k, f]) => !(k in STRUCTURED_KEYS) && f.schema === undefined)
    .map(([k, f]) => [k, f.doc + (f.defaultText ? ` Unset: ${f.defaultText.replace(/^unset: /, "")}.` : "")]),
);

/** The tags the program puts on every resource (provider default tags), before `berth:tags`. */
const PROGRAM_TAG_KEYS = ["project", "stack", "managed-by"] as const;
/** The most tags a resource of the program sets itself (`Name`, plus `tier` on subnets or `service` on target groups). */
const RESOURCE_OWN_TAGS = 2;
/** AWS: 50 tags per resource (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
export const MAX_EXTRA_TAGS = 50 - PROGRAM_TAG_KEYS.length - RESOURCE_OWN_TAGS;
/** AWS stack names: at most 16 lowercase letters, digits and inner hyphens, so `berth-<stack>-preview` fits a GCP service account id (30). */
const AWS_STACK_NAME = /^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/;
const AWS_STACK_NAME_ALLOWED =
  "for an aws stack, 1-16 lowercase letters, digits and inner hyphens (it is part of the ECS cluster, IAM role and GCP service account names)";

/** Keys that are secrets: read with `getSecret` by the program, never part of `Settings`; a plain-text value is refused. */
export const SECRET_KEYS = ["berth:ghcrToken"] as const;

interface LoadContext {
  stack: string;
  /** Reads the git state lazily: only when `berth:imageSha` is unset or the dirty check needs it. */
  git: () => GitState;
  /**
   * Whether a key's value was stored encrypted (`pulumi.runtime.isConfigSecret`). Given, a SECRET_KEYS value in
   * plain text is refused, as the CLI refuses a plain value of a `secret: true` key it cannot declare here.
   */
  isSecret?: (key: string) => boolean;
  /**
   * `<owner>/<repo>` of the GitHub Actions run (`GITHUB_REPOSITORY`, filled by infra/index.ts; unset elsewhere). Given,
   * `berth:githubOwner`/`berth:githubRepository` must name it: the OIDC trusts, the GCP condition and the image's
   * source label are built from them, and a mismatch would fail later (GitHub's token would match no trust).
   */
  githubRepository?: string;
}

/** Parses a raw config value: structured values arrive as JSON strings from the Pulumi runtime. */
function parseRaw(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * In GitHub Actions, the repository the run is in must be the one the settings name. GitHub compares owner and
 * repository names case-insensitively (https://docs.github.com/en/repositories/creating-and-managing-repositories/repository-limits;
 * `github.repository` is "The owner and repository name", https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#github-context).
 */
function checkRunRepository(berth: ConfigSection, github: GithubSettings, runRepository: string | undefined): void {
  if (!runRepository) return;
  const [owner, repository] = runRepository.split("/");
  const seen = `(this run is in ${runRepository}: GITHUB_REPOSITORY)`;
  if (owner && github.owner.toLowerCase() !== owner.toLowerCase())
    berth.problems.add(berth.keyPath("githubOwner"), github.owner, `${owner} ${seen}`);
  if (repository && github.repository.toLowerCase() !== repository.toLowerCase())
    berth.problems.add(
      berth.keyPath("githubRepository"),
      github.repository,
      `${repository} ${seen}: pulumi config set berth:githubRepository ${repository} in each stack`,
    );
}

/** Every declared key path, for the hints of an unknown key (computed once, on the first unknown key). */
let declaredPaths: string[] | undefined;

export function loadSettings(rawConfig: Record<string, unknown>, ctx: LoadContext): Settings {
  const problems = new Problems();
  problems.unknownKeyHint = (sectionPath, key, known) =>
    unknownKeyHint(sectionPath, key, known, (declaredPaths ??= declaredKeyPaths(BERTH, PROJECT)));
  const berthRaw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawConfig)) {
    if (key.startsWith(`${PROJECT}:`) && !(SECRET_KEYS as readonly string[]).includes(key)) {
      berthRaw[key.slice(PROJECT.length + 1)] = parseRaw(value);
    }
  }
  const berth = new ConfigSection(PROJECT, berthRaw, problems);
  for (const key of SECRET_KEYS) {
    if (ctx.isSecret && rawConfig[key] !== undefined && !ctx.isSecret(key)) {
      problems.add(
        key,
        "(value hidden)",
        `an encrypted value: \`pulumi config set --secret ${key} <value>\` (a plain-text value is stored readable in Pulumi.<stack>.yaml)`,
      );
    }
  }

  const environment = berth.get("environment", BERTH);
  const target = environment === "local" ? "local" : "aws";
  const image = readImageSettings(berth);
  const build = readBuildSettings(berth.section("build"));
  const github: GithubSettings = {
    owner: berth.get("githubOwner", BERTH),
    repository: berth.get("githubRepository", BERTH),
  };
  checkRunRepository(berth, github, ctx.githubRepository);
  const extraTags = berth.get("tags", BERTH);
  // 50 tags per AWS resource, counting the provider's default tags: the program's own 3, plus at most 2 a resource
  // sets itself (Name, tier/service). GCP takes 64 labels (the default labels plus the provider's attribution label).
  const ownTags = Object.keys(extraTags).filter((k) => !(PROGRAM_TAG_KEYS as readonly string[]).includes(k));
  if (ownTags.length > MAX_EXTRA_TAGS) {
    problems.add(
      berth.keyPath("tags"),
      `${ownTags.length} tags`,
      `at most ${MAX_EXTRA_TAGS} tags (AWS allows 50 per resource, with the program's ${PROGRAM_TAG_KEYS.length} default tags and up to ${RESOURCE_OWN_TAGS} of a resource's own)`,
    );
  }
  const logs = readLogSettings(berth.section("logs"), environment);
  const services = readServicesSettings(berth, environment);

  let settings: Settings;
  const source: SourceRevision = readSourceRevision(berth, environment, ctx.git);
  const tags = { project: PROJECT, stack: ctx.stack, "managed-by": "pulumi", ...extraTags };
  // What every stack kind has (CommonStackSettings); each branch adds its own sections.
  const common = {
    project: PROJECT,
    stack: ctx.stack,
    environment,
    tags,
    source,
    image,
    build,
    github,
    services,
    logs,
  };
  if (target === "aws") {
    // The stack name is part of physical names: the ECS cluster `berth-<stack>` (letters, digits, - and _), GCP service
    // accounts `berth-<stack>-preview` (6-30 lowercase letters, digits, hyphens), IAM roles `berth-<stack>-<service>-execution` (64).
    if (!AWS_STACK_NAME.test(ctx.stack)) problems.add("stack name", ctx.stack, AWS_STACK_NAME_ALLOWED);
    const awsRegion = String(rawConfig["aws:region"] ?? "");
    if (!AWS_REGION_PATTERN.test(awsRegion)) problems.add("aws:region", rawConfig["aws:region"], AWS_REGION_ALLOWED);
    const aws: AwsSettings = {
      region: awsRegion,
      accountId: berth.get("awsAccountId", BERTH),
    };
    const gcp: GcpSettings = {
      project: berth.get("gcpProject", BERTH),
      region: berth.get("gcpRegion", BERTH),
    };
    settings = {
      ...common,
      target,
      aws,
      gcp,
      ecr: readEcrSettings(berth.section("ecr"), environment, aws.accountId, awsRegion),
      artifactRegistry: readArtifactRegistrySettings(berth.section("artifactRegistry"), environment, gcp.region),
      ghcr: readGhcrSettings(berth.section("ghcr"), environment, berth.get("ghcrUser", BERTH) ?? github.owner),
      network: readNetworkSettings(berth.section("network"), environment),
      loadBalancer: readLoadBalancerSettings(berth.section("loadBalancer"), environment, awsRegion),
      cluster: readClusterSettings(berth.section("cluster")),
      promotion: readPromotionSettings(berth.section("promotion"), environment),
      delivery: readDeliverySettings(berth.section("delivery"), environment, github, services),
      alarms: readAlarmSettings(berth.section("alarms"), services, environment),
      notifications: readNotificationSettings(berth.section("notifications")),
    };
  } else {
    settings = {
      ...common,
      target,
      local: readLocalSettings(berth.section("local"), services),
    };
    rejectCloudKeys(berth, rawConfig, problems);
  }
  berth.done();
  problems.throwIfAny();
  return settings;
}
