/**
 * The pure parts of the offline plan (offline/plan.ts): stack config overrides, the hardening settings a stack
 * switched off, the resource tree with each resource's key hardening settings, and the report text.
 */
import { parse as parseYaml } from "yaml";
import { computedOutputs, type CapturedResource } from "./mockRuntime";
import { UNKNOWN } from "./analyzerClient";
import type { EnforcementLevel } from "@pulumi/policy";
import type { Evaluation, PolicySubject } from "./evaluate";
import { HARDENING_SETTINGS } from "../infra/config";
import { asArray, parseJsonDocument } from "../policy/rule";

// ---------------------------------------------------------------------------------------------------------------
// Config overrides: `--config-override berth:services.web.hardening.readonlyRootFilesystem=false`

/** Splits `berth:services.web.cpu` into the stored key `berth:services` and the path `["web", "cpu"]`. */
function splitConfigKey(key: string): { top: string; path: string[] } {
  const full = key.includes(":") ? key : `berth:${key}`;
  const [ns, rest] = [full.slice(0, full.indexOf(":")), full.slice(full.indexOf(":") + 1)];
  const [first, ...path] = rest.split(".");
  if (!ns || !first) throw new Error(`config key ${JSON.stringify(key)} is not of the form namespace:key[.sub...]`);
  return { top: `${ns}:${first}`, path };
}

/** A value as it would be read from a stack YAML file: `false` -> false, `10` -> 10, `[a]` -> ["a"], else the string. */
export function parseConfigValue(raw: string): unknown {
  try {
    return parseYaml(raw);
  } catch {
    return raw;
  }
}

/**
 * Sets one key in the flat runtime config map (structured values stored as JSON strings, as Pulumi does),
 * creating intermediate objects. `value === undefined` deletes the key.
 */
export function applyConfigOverride(
  config: Record<string, string>,
  key: string,
  value: unknown,
): Record<string, string> {
  const { top, path } = splitConfigKey(key);
  const out = { ...config };
  if (path.length === 0) {
    if (value === undefined) delete out[top];
    else out[top] = typeof value === "string" ? value : JSON.stringify(value);
    return out;
  }
  const root = out[top] !== undefined ? parseJsonDocument(out[top]) : {};
  if (typeof root !== "object" || root === null || Array.isArray(root))
    throw new Error(`config key ${top} holds ${out[top]}, not an object: cannot set ${key}`);
  let node = root as Record<string, unknown>;
  for (const part of path.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null || Array.isArray(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  out[top] = JSON.stringify(root);
  return out;
}

/** Reads one (possibly nested) key from the flat config map; undefined when absent. */
export function configValue(config: Record<string, string>, key: string): unknown {
  const { top, path } = splitConfigKey(key);
  if (config[top] === undefined) return undefined;
  let node: unknown = path.length ? parseJsonDocument(config[top]) : config[top];
  for (const part of path)
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

// ---------------------------------------------------------------------------------------------------------------
// Hardening settings a stack can switch off, and the rule that then fails.

/**
 * The hardening settings and their rules, computed from the settings declarations (infra/config/declare.ts): `<service>`
 * stands for every key of `berth:services`; `secure` is true when the value keeps the hardening on.
 */
export { HARDENING_SETTINGS, type HardeningSetting } from "../infra/config";

interface SwitchedOffSetting {
  key: string;
  value: unknown;
  rule?: string;
}

/** The hardening settings this stack config explicitly switches off (or weakens). */
export function switchedOffHardening(config: Record<string, string>): SwitchedOffSetting[] {
  // The local stack runs Docker containers: a service setting maps to the docker rule there (none for ECS-only ones).
  const local = config["berth:environment"] === "local";
  const services = Object.keys((parseJsonDocument(config["berth:services"] ?? "{}") as Record<string, unknown>) ?? {});
  const out: SwitchedOffSetting[] = [];
  for (const s of HARDENING_SETTINGS) {
    const keys = s.key.includes("<service>") ? services.map((name) => s.key.replace("<service>", name)) : [s.key];
    for (const key of keys) {
      const value = configValue(config, key);
      const rule = local && s.localRule !== undefined ? (s.localRule ?? undefined) : s.rule;
      if (value !== undefined && !s.secure(value)) out.push({ key, value, rule });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The resource tree.

const yesNo = (v: unknown) => (v === true ? "on" : "OFF");

/** Shortens `acct.dkr.ecr.region.amazonaws.com/berth@sha256:abcdef…` to `…/berth@sha256:abcdef123456…`. */
function shortImage(image: unknown): string {
  const s = String(image ?? "?");
  const m = /^(?:.*\/)?([^/]+?)(@sha256:[0-9a-f]{12})[0-9a-f]*$/.exec(s);
  if (m) return `${m[1]}${m[2]}…`;
  const id = /^(sha256:[0-9a-f]{12})[0-9a-f]{52}$/.exec(s);
  return id ? `${id[1]}…` : s;
}

/** `alarms=4 rollback` (the CloudWatch alarms ECS watches during a deployment), `alarms=NONE` without. */
function deploymentAlarmsOf(p: Record<string, any>): string {
  const names = asArray(p.alarms?.alarmNames);
  if (p.alarms?.enable !== true || names.length === 0) return "alarms=NONE";
  return `alarms=${names.length} ${p.alarms.rollback === true ? "rollback" : "no-rollback"}`;
}

/** The words of a settings line, joined by spaces; a `false`, `undefined` or empty word is left out. */
function words(...parts: unknown[]): string {
  return parts.filter((w): w is string => typeof w === "string" && w !== "").join(" ");
}

/** A container of a task definition: its image, user, root filesystem, capabilities, health check and log mode. */
function containerDefinitionSettings(c: Record<string, any>): string {
  const logs = c.logConfiguration;
  return words(
    `${c.name}: ${shortImage(c.image)}`,
    `user=${c.user ?? "(image)"}`,
    `readonlyRoot=${yesNo(c.readonlyRootFilesystem)}`,
    `caps=${asArray(c.linuxParameters?.capabilities?.drop).join(",") || "(default)"}`,
    `health=${c.healthCheck ? "on" : "OFF"}`,
    `logs=${logs?.logDriver ?? "none"}/${logs?.options?.mode ?? "blocking"}`,
    c.privileged && "PRIVILEGED",
  );
}

/** A local (Docker) container: the same hardening as a task's container, plus its limits and published ports. */
function dockerContainerSettings(p: Record<string, any>): string {
  const noNewPrivileges = asArray(p.securityOpts).some((o: string) => /^no-new-privileges(:true)?$/.test(o));
  const ports = asArray(p.ports)
    .map((x: any) => `${x.ip ?? "0.0.0.0"}:${x.external ?? "?"}`)
    .join(",");
  return words(
    shortImage(p.image),
    `user=${p.user ?? "(image)"}`,
    `readonlyRoot=${yesNo(p.readOnly)}`,
    `caps=${asArray(p.capabilities?.drops).join(",") || "(default)"}`,
    `noNewPrivileges=${noNewPrivileges ? "on" : "OFF"}`,
    `memory=${p.memory ?? "UNLIMITED"}`,
    `health=${asArray(p.healthcheck?.tests).length ? "on" : "OFF"}`,
    `logs=${p.logDriver ?? "default"}/${p.logOpts?.["max-size"] ?? "unbounded"}`,
    `ports=${ports || "none"}`,
    p.privileged && "PRIVILEGED",
    p.networkMode === "host" && "network=HOST",
    p.pidMode === "host" && "pid=HOST",
  );
}

/** An ECS service: count, public IP, circuit breaker (rolling), strategy, platform, ECS Exec, deployment alarms. */
function ecsServiceSettings(p: Record<string, any>): string {
  const breaker = p.deploymentCircuitBreaker;
  const rolling = (p.deploymentConfiguration?.strategy ?? "ROLLING") === "ROLLING";
  const circuitBreaker = breaker?.enable ? (breaker?.rollback ? "rollback" : "no-rollback") : rolling ? "OFF" : "n/a";
  return words(
    `desired=${p.desiredCount}`,
    `publicIp=${p.networkConfiguration?.assignPublicIp ? "ON" : "off"}`,
    `circuitBreaker=${circuitBreaker}`,
    `strategy=${deploymentStrategyOf(p)}`,
    `platform=${p.platformVersion ?? "LATEST"}`,
    p.enableExecuteCommand && "exec=ON",
    deploymentAlarmsOf(p),
  );
}

/** A CloudWatch alarm: `<name>: <metric> (<stat>) > <threshold> for <m>/<n>x<period>s missing=... actions=<count>`. */
function metricAlarmSettings(p: Record<string, any>): string {
  const metric = p.metricName ?? asArray(p.metricQueries).find((q: any) => q.returnData)?.expression ?? "?";
  const stat = p.extendedStatistic ?? p.statistic ?? "";
  // A metric math alarm has no period of its own (the provider refuses one next to metricQueries): its queries'.
  const periods = [
    ...new Set(
      asArray(p.metricQueries)
        .map((q: any) => q.metric?.period)
        .filter(Boolean),
    ),
  ];
  const period = p.period ?? (periods.length ? periods.join("|") : "?");
  const operator = p.comparisonOperator === "GreaterThanThreshold" ? ">" : (p.comparisonOperator ?? "?");
  return words(
    `${p.name ?? "?"}: ${metric}${stat ? ` (${stat})` : ""}`,
    `${operator} ${p.threshold}`,
    `for ${p.datapointsToAlarm ?? p.evaluationPeriods}/${p.evaluationPeriods}x${period}s`,
    `missing=${p.treatMissingData ?? "missing"}`,
    `actions=${asArray(p.alarmActions).length}`,
  );
}

/** A security group rule: `in tcp:443-443 from <cidr>`, `out tcp:8080-8080 to <cidr>`. */
function securityGroupRuleSettings(p: Record<string, any>, direction: "in" | "out"): string {
  const peer = p.cidrIpv4 ?? p.cidrIpv6 ?? p.referencedSecurityGroupId ?? p.prefixListId ?? "?";
  const ports = `${p.ipProtocol}:${p.fromPort ?? "*"}-${p.toPort ?? "*"}`;
  return `${direction} ${ports} ${direction === "in" ? "from" : "to"} ${peer}`;
}

/** A GitHub environment: its reviewers, the branches that may deploy to it, whether admins bypass it. */
function repositoryEnvironmentSettings(p: Record<string, any>): string {
  const reviewers = asArray(p.reviewers).flatMap((r: any) => [...asArray(r.users), ...asArray(r.teams)]).length;
  const policy = p.deploymentBranchPolicy;
  const branches = policy?.customBranchPolicies ? "selected" : policy?.protectedBranches ? "protected" : "ANY";
  return words(
    `environment=${p.environment}`,
    `reviewers=${reviewers}`,
    `branches=${branches}`,
    `adminBypass=${p.canAdminsBypass === false ? "off" : "ON"}`,
  );
}

/** One line of the key (mostly hardening) settings of a resource; empty when there is nothing worth showing. */
export function keySettings(type: string, p: Record<string, any>): string {
  switch (type) {
    case "aws:ecr/repository:Repository":
      return words(
        `name=${p.name ?? "?"}`,
        `scanOnPush=${yesNo(p.imageScanningConfiguration?.scanOnPush)}`,
        `tags=${p.imageTagMutability ?? "MUTABLE"}`,
        `encryption=${asArray(p.encryptionConfigurations)[0]?.encryptionType ?? "AES256"}`,
        p.forceDelete && "forceDelete=ON",
      );
    case "aws:ecr/lifecyclePolicy:LifecyclePolicy":
      return `rules=${(parseJsonDocument(p.policy) as { rules?: unknown[] })?.rules?.length ?? 0}`;
    case "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration":
      return `scanType=${p.scanType} frequency=${asArray(p.rules)
        .map((r: any) => r.scanFrequency)
        .join(",")}`;
    case "gcp:artifactregistry/repository:Repository":
      return words(
        `id=${p.repositoryId}`,
        `scanning=${p.vulnerabilityScanningConfig?.enablementConfig ?? "INHERITED"}`,
        `cleanupPolicies=${asArray(p.cleanupPolicies).length}`,
        p.cleanupPolicyDryRun && "(dry run)",
      );
    case "aws:ecs/taskDefinition:TaskDefinition": {
      const containers = parseJsonDocument(p.containerDefinitions);
      const cs = Array.isArray(containers) ? containers : [];
      return [`cpu=${p.cpu} memory=${p.memory} network=${p.networkMode}`, ...cs.map(containerDefinitionSettings)].join(
        " · ",
      );
    }
    case "docker:index/container:Container":
      return dockerContainerSettings(p);
    case "aws:ecs/service:Service":
      return ecsServiceSettings(p);
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return metricAlarmSettings(p);
    case "aws:sns/topic:Topic":
      return `name=${p.name ?? "?"} kms=${p.kmsMasterKeyId ? "on" : "OFF"}`;
    case "aws:sns/topicSubscription:TopicSubscription":
      return `${p.protocol} ${p.endpoint}`;
    case "aws:cloudwatch/eventRule:EventRule": {
      const pattern = parseJsonDocument(p.eventPattern) as Record<string, any> | undefined;
      return `${p.name ?? "?"}: ${asArray(pattern?.source).join(",")} ${asArray(pattern?.["detail-type"])
        .map((d: string) => JSON.stringify(d))
        .join(",")}`;
    }
    case "aws:cloudwatch/dashboard:Dashboard": {
      const widgets = asArray((parseJsonDocument(p.dashboardBody) as { widgets?: unknown[] })?.widgets).length;
      return `name=${p.dashboardName ?? "?"} widgets=${widgets}`;
    }
    case "aws:ecs/cluster:Cluster": {
      const insights = asArray(p.settings).find((s: any) => s.name === "containerInsights")?.value;
      return `containerInsights=${insights ?? "OFF"}`;
    }
    case "aws:lb/loadBalancer:LoadBalancer":
    case "aws:alb/loadBalancer:LoadBalancer":
      return words(
        p.internal ? "internal" : "internet-facing",
        `dropInvalidHeaders=${yesNo(p.dropInvalidHeaderFields)}`,
        `desync=${p.desyncMitigationMode ?? "defensive"}`,
        `accessLogs=${p.accessLogs?.enabled === false || !p.accessLogs?.bucket ? "OFF" : "on"}`,
        `deletionProtection=${yesNo(p.enableDeletionProtection)}`,
      );
    case "aws:lb/listener:Listener":
    case "aws:alb/listener:Listener":
      return `${p.protocol ?? "?"}:${p.port ?? "?"} ${asArray(p.defaultActions)
        .map((a: any) => (a.type === "redirect" ? `redirect→${a.redirect?.protocol}` : a.type))
        .join(",")}${p.sslPolicy ? ` tls=${p.sslPolicy}` : ""}`;
    case "aws:lb/targetGroup:TargetGroup":
    case "aws:alb/targetGroup:TargetGroup":
      return words(
        `${p.protocol ?? "?"}:${p.port ?? "?"}`,
        `target=${p.targetType ?? "instance"}`,
        `health=${p.healthCheck?.path ?? "(none)"}`,
        `deregistration=${p.deregistrationDelay ?? 300}s`,
      );
    case "aws:cloudwatch/logGroup:LogGroup":
      return `retention=${p.retentionInDays ?? "NEVER EXPIRES"}d${p.kmsKeyId ? " kms" : ""}`;
    case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
      return ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
        (k) => p[k] === true,
      )
        ? "all four on"
        : "INCOMPLETE";
    case "aws:kms/key:Key":
      return `rotation=${yesNo(p.enableKeyRotation)}`;
    case "aws:ec2/securityGroup:SecurityGroup":
      return `ingress=${
        asArray(p.ingress)
          .map(
            (r: any) =>
              `${r.fromPort}-${r.toPort}/${asArray(r.cidrBlocks).join(",") || (r.securityGroups ? "sg" : "?")}`,
          )
          .join(" ") || "none"
      }`;
    case "aws:ec2/vpc:Vpc":
      return `cidr=${p.cidrBlock}`;
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
      return securityGroupRuleSettings(p, "in");
    case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
      return securityGroupRuleSettings(p, "out");
    case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
      return asArray(p.ingress).length + asArray(p.egress).length === 0
        ? "no rules (closed)"
        : `${asArray(p.ingress).length} ingress, ${asArray(p.egress).length} egress rules`;
    case "aws:ec2/flowLog:FlowLog":
      return `traffic=${p.trafficType} to=${p.logDestinationType ?? "cloud-watch-logs"}`;
    case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    case "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
      return `sse=${asArray(p.rules)
        .map((r: any) => r.applyServerSideEncryptionByDefault?.sseAlgorithm)
        .join(",")}`;
    case "aws:iam/role:Role": {
      const statements = asArray(
        (parseJsonDocument(p.assumeRolePolicy) as { Statement?: unknown })?.Statement,
      ) as Record<string, any>[];
      const who = statements.map((st) => {
        const principal = st.Principal ?? {};
        const sub = Object.values(st.Condition ?? {}).flatMap((c: any) =>
          asArray(c?.["token.actions.githubusercontent.com:sub"]),
        );
        return principal.Federated
          ? `GitHub OIDC ${sub.join(",") || "(any subject!)"}`
          : asArray(principal.Service ?? principal.AWS).join(",");
      });
      return `trusts ${who.join("; ") || "?"}`;
    }
    case "aws:iam/rolePolicy:RolePolicy":
    case "aws:iam/policy:Policy": {
      const statements = asArray((parseJsonDocument(p.policy) as { Statement?: unknown })?.Statement) as Record<
        string,
        any
      >[];
      const count = (effect: string) =>
        statements.filter((st) => st.Effect === effect).reduce((n, st) => n + asArray(st.Action).length, 0);
      return `allow ${count("Allow")} actions, deny ${count("Deny")}`;
    }
    case "aws:ecr/repositoryPolicy:RepositoryPolicy": {
      const statements = asArray((parseJsonDocument(p.policy) as { Statement?: unknown })?.Statement) as Record<
        string,
        any
      >[];
      const allowed = statements
        .filter((st) => st.Effect === "Allow")
        .flatMap((st) => asArray(st.Principal?.AWS ?? st.Principal));
      const denies = statements.some((st) => st.Effect === "Deny");
      return `pull by ${allowed.length} principal(s)${denies ? ", deny everyone else" : ""}`;
    }
    case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider":
      return `condition: ${p.attributeCondition ?? "NONE"}`;
    case "github:index/repositoryEnvironment:RepositoryEnvironment":
      return repositoryEnvironmentSettings(p);
    case "docker-build:index:Image":
      return words(
        `push=${p.push ?? false}`,
        `platforms=${asArray(p.platforms).join(",") || "?"}`,
        `tags=${asArray(p.tags).length}`,
        `buildOnPreview=${p.buildOnPreview ?? true}`,
      );
    case "aws:ec2/subnet:Subnet":
      return `${p.cidrBlock} ${p.availabilityZone ?? ""}${p.mapPublicIpOnLaunch ? " public-ip-on-launch" : ""}`;
    default:
      return "";
  }
}

interface TreeNode {
  resource: CapturedResource;
  children: TreeNode[];
}

/** Builds the component tree from the recorded parent URNs (resources without a known parent hang off the root). */
export function buildTree(resources: CapturedResource[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  const roots: TreeNode[] = [];
  for (const r of resources) if (r.urn) nodes.set(r.urn, { resource: r, children: [] });
  for (const r of resources) {
    const node = (r.urn && nodes.get(r.urn)) || { resource: r, children: [] };
    const parent = r.parentUrn ? nodes.get(r.parentUrn) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

export function renderTree(resources: CapturedResource[], flagged: Set<string> = new Set()): string[] {
  const lines: string[] = [];
  const walk = (node: TreeNode, prefix: string, last: boolean, top: boolean) => {
    const r = node.resource;
    const settings = r.custom ? keySettings(r.type, r.inputs) : "";
    const mark = r.urn && flagged.has(r.urn) ? "  ✗ VIOLATION" : "";
    lines.push(
      `${top ? "" : prefix + (last ? "└─ " : "├─ ")}${r.name}  (${r.type})${settings ? `  ${settings}` : ""}${mark}`,
    );
    const childPrefix = top ? "" : prefix + (last ? "   " : "│  ");
    node.children.forEach((c, i) => walk(c, childPrefix, i === node.children.length - 1, false));
  };
  for (const root of buildTree(resources)) walk(root, "", true, true);
  return lines;
}

/**
 * What the engine sends the analyzer: every resource (components too) with its inputs (`Analyze`) or their outputs (`AnalyzeStack`),
 * with parent, dependencies and property dependencies. In a first preview (`firstPreview`, a capture made with
 * `preview: true`) nothing exists yet: every output the provider computes (id, ARN, generated names) is unknown, and
 * the inputs computed from them already arrive as unknown from the preview capture.
 */
export function policySubjects(
  resources: CapturedResource[],
  withOutputs: boolean,
  opts: { firstPreview?: boolean } = {},
): PolicySubject[] {
  return resources
    .filter((r) => !r.type.startsWith("pulumi:"))
    .map((r) => {
      const unknownOutputs = opts.firstPreview
        ? Object.fromEntries(
            [
              ...Object.keys(computedOutputs(r.type, r.name, r.inputs, { region: "", accountId: "", gcpProject: "" })),
              "id",
            ]
              .filter((k) => !(k in r.inputs) || k === "id")
              .map((k) => [k, UNKNOWN]),
          )
        : {};
      return {
        type: r.type,
        name: r.name,
        urn: r.urn ?? `urn:offline::${r.type}::${r.name}`,
        props: withOutputs
          ? opts.firstPreview
            ? { ...r.inputs, ...unknownOutputs }
            : { ...r.state, id: r.physicalId }
          : r.inputs,
        parent: r.parentUrn,
        dependencies: r.options?.dependencies,
        propertyDependencies: r.options?.propertyDependencies,
      };
    });
}

interface PlanOutcome {
  mandatory: number;
  advisory: number;
  ruleErrors: number;
  exitCode: 0 | 1;
}

export function outcomeOf(evaluation: Evaluation): PlanOutcome {
  const count = (level: EnforcementLevel) => evaluation.violations.filter((v) => v.enforcementLevel === level).length;
  const mandatory = count("mandatory");
  return {
    mandatory,
    advisory: count("advisory"),
    ruleErrors: evaluation.errors.length,
    exitCode: mandatory > 0 || evaluation.errors.length > 0 ? 1 : 0,
  };
}

/** An ECS service's strategy and bake times, as its deploymentConfiguration says: `CANARY 10%/5m bake=10m`, `ROLLING`. */
function deploymentStrategyOf(p: any): string {
  const d = p.deploymentConfiguration ?? {};
  const strategy = d.strategy ?? "ROLLING";
  if (strategy === "ROLLING") return "ROLLING";
  const step = d.canaryConfiguration
    ? ` ${d.canaryConfiguration.canaryPercent}%/${d.canaryConfiguration.canaryBakeTimeInMinutes ?? 0}m`
    : d.linearConfiguration
      ? ` ${d.linearConfiguration.stepPercent}%/${d.linearConfiguration.stepBakeTimeInMinutes ?? 0}m`
      : "";
  return `${strategy}${step} bake=${d.bakeTimeInMinutes ?? 0}m`;
}
