/**
 * Cloud API limits the mocks never enforce, checked on the resources a stack registers (as `captureStack` records
 * them). A mock accepts a 70-character IAM role name, a 51st tag or a listener rule with ten condition values; the
 * real API refuses them in the middle of a `pulumi up`. Each check is one row of `CLOUD_LIMIT_CHECKS`: the resource
 * types it applies to, the rule, and the documentation (or source file) that states the rule.
 *
 * Names the provider generates are checked too, as the provider would generate them:
 * - an auto-name is the resource's name, `-`, and 7 random hex characters (pulumi/pulumi-terraform-bridge,
 *   pkg/tfbridge/info: `AutoName` sets `Separator: "-"`, `Randlen: 7`; pulumi/pulumi
 *   sdk/go/common/resource/resource_id.go, `NewUniqueHex(prefix, randlen, maxlen)` refuses a prefix whose length plus
 *   randlen exceeds maxlen: "name '...' plus 7 random chars is longer than maximum length ...");
 * - a `namePrefix` gets the Terraform provider's 26-character unique suffix (hashicorp/terraform-plugin-sdk
 *   helper/id, `PrefixedUniqueId`, `UniqueIDSuffixLength = 26`).
 * Tags are counted with the provider's default tags (infra/providers/index.ts), as the API receives them (`tags_all`).
 */
import type { CapturedResource } from "./mockRuntime";

export interface CloudLimitProblem {
  /** `<type> <name>` of the resource. */
  resource: string;
  /** The check's id, e.g. `aws-iam-role-name`. */
  limit: string;
  message: string;
  source: string;
}

export interface CloudLimitsResult {
  problems: CloudLimitProblem[];
  /** Resources at least one check applied to. */
  checkedResources: number;
  /** Checks that applied to at least one resource. */
  checksRun: number;
  /** Every check of the table. */
  checks: number;
}

/** What a check sees besides the resource: the stack's resources and the provider that manages the resource. */
interface LimitContext {
  resources: readonly CapturedResource[];
  provider(r: CapturedResource): CapturedResource | undefined;
}

interface CloudLimitCheck {
  id: string;
  types: readonly string[];
  source: string;
  /** Problems found on one resource, each a sentence naming the value and the limit. */
  check(r: CapturedResource, ctx: LimitContext): string[];
}

/** The random part of an auto-name (7 hex characters after `-`); the value is irrelevant, only its length. */
const AUTO_NAME_SUFFIX = "-0000000";
/** terraform-plugin-sdk helper/id `UniqueIDSuffixLength`. */
const PREFIX_SUFFIX_LENGTH = 26;

/**
 * The name the cloud receives: the explicit name, else the prefix plus the provider's 26 characters, else the
 * Pulumi auto-name. `kind` says which, for messages.
 */
export function physicalName(
  r: CapturedResource,
  field = "name",
  prefixField = "namePrefix",
): { name: string; kind: string } | undefined {
  const explicit = r.inputs[field];
  if (typeof explicit === "string") return { name: explicit, kind: field };
  const prefix = r.inputs[prefixField];
  if (typeof prefix === "string")
    return {
      name: prefix + "x".repeat(PREFIX_SUFFIX_LENGTH),
      kind: `${prefixField} ${JSON.stringify(prefix)} + ${PREFIX_SUFFIX_LENGTH} generated characters`,
    };
  if (explicit === undefined)
    return {
      name: `${r.name}${AUTO_NAME_SUFFIX}`,
      kind: `auto-name ${JSON.stringify(r.name)} + "-" + 7 hex characters`,
    };
  return undefined; // unknown during preview
}

function lengthProblem(
  what: string,
  n: { name: string; kind: string } | undefined,
  min: number,
  max: number,
  pattern?: RegExp,
  allowed?: string,
): string[] {
  if (!n) return [];
  const out: string[] = [];
  if (n.name.length < min || n.name.length > max)
    out.push(`${what} ${JSON.stringify(n.name)} (${n.kind}) is ${n.name.length} characters; allowed ${min}-${max}`);
  if (pattern && !pattern.test(n.name))
    out.push(`${what} ${JSON.stringify(n.name)} (${n.kind}) does not match ${allowed ?? pattern}`);
  return out;
}

function prefixProblem(what: string, r: CapturedResource, max: number, field = "namePrefix"): string[] {
  const prefix = r.inputs[field];
  return typeof prefix === "string" && prefix.length > max
    ? [`${what} ${field} ${JSON.stringify(prefix)} is ${prefix.length} characters; the provider allows at most ${max}`]
    : [];
}

/** A JSON policy document's size as IAM counts it: without whitespace outside strings. */
export function policySize(doc: unknown): number {
  if (typeof doc !== "string") return doc === undefined ? 0 : JSON.stringify(doc).length;
  try {
    return JSON.stringify(JSON.parse(doc)).length;
  } catch {
    return doc.replace(/\s+/g, "").length;
  }
}

function parseObject(v: unknown): Record<string, any> {
  if (typeof v === "string") {
    try {
      const parsed = JSON.parse(v);
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch {
      return {};
    }
  }
  return v && typeof v === "object" ? (v as Record<string, any>) : {};
}

/** The tags the API receives: the provider's default tags merged with the resource's own (`tags_all`). */
function effectiveTags(r: CapturedResource, ctx: LimitContext): Record<string, string> {
  const provider = ctx.provider(r);
  const defaults = parseObject(parseObject(provider?.inputs.defaultTags).tags);
  return { ...defaults, ...parseObject(r.inputs.tags) };
}

/** The labels the API receives: the provider's default labels, its attribution label, and the resource's own. */
function effectiveLabels(r: CapturedResource, ctx: LimitContext): Record<string, string> {
  const provider = ctx.provider(r);
  const attribution: Record<string, string> =
    provider &&
    provider.inputs.addPulumiAttributionLabel !== false &&
    provider.inputs.addPulumiAttributionLabel !== "false"
      ? { "goog-pulumi-provisioned": "true" }
      : {};
  return { ...parseObject(provider?.inputs.defaultLabels), ...attribution, ...parseObject(r.inputs.labels) };
}

const asArray = (v: unknown): any[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** A listener rule's condition values (every value of every condition), as the ALB quotas count them. */
function conditionValues(rule: CapturedResource): string[] {
  return asArray(rule.inputs.conditions).flatMap((c: any) => [
    ...asArray(c.pathPattern?.values),
    ...asArray(c.hostHeader?.values),
    ...asArray(c.httpRequestMethod?.values),
    ...asArray(c.sourceIp?.values),
    ...asArray(c.httpHeader?.values),
    ...asArray(c.queryStrings).map((q: any) => `${q.key ?? ""}=${q.value ?? ""}`),
  ]);
}

const TAGS_SOURCE = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions";
const LABELS_SOURCE = "https://cloud.google.com/resource-manager/docs/labels-overview#requirements";
const ALB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html";
const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const ALPHANUM_DASH_UNDERSCORE = /^[A-Za-z0-9_-]+$/;

export const CLOUD_LIMIT_CHECKS: readonly CloudLimitCheck[] = [
  {
    id: "aws-tags",
    types: ["aws:*"],
    source: TAGS_SOURCE,
    check(r, ctx) {
      const tags = effectiveTags(r, ctx);
      const out: string[] = [];
      const keys = Object.keys(tags);
      if (keys.length > 50)
        out.push(`${keys.length} tags including the provider's default tags; AWS allows at most 50 per resource`);
      for (const k of keys) {
        if (k.length > 128) out.push(`tag key ${JSON.stringify(k)} is ${k.length} characters; at most 128`);
        if (/^aws:/i.test(k)) out.push(`tag key ${JSON.stringify(k)} uses the reserved prefix aws:`);
        if (String(tags[k]).length > 256)
          out.push(`tag ${k}'s value is ${String(tags[k]).length} characters; at most 256`);
      }
      return out;
    },
  },
  {
    id: "gcp-labels",
    types: ["gcp:*"],
    source: LABELS_SOURCE,
    check(r, ctx) {
      const labels = effectiveLabels(r, ctx);
      const out: string[] = [];
      const keys = Object.keys(labels);
      if (keys.length > 64)
        out.push(
          `${keys.length} labels including the provider's default and attribution labels; GCP allows at most 64`,
        );
      for (const k of keys) {
        if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(k))
          out.push(
            `label key ${JSON.stringify(k)}: 1-63 lowercase letters, digits, _ or -, starting with a lowercase letter`,
          );
        if (!/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(String(labels[k])))
          out.push(`label ${k}'s value ${JSON.stringify(labels[k])}: at most 63 lowercase letters, digits, _ or -`);
      }
      return out;
    },
  },
  {
    id: "aws-iam-role-name",
    types: ["aws:iam/role:Role"],
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
    check: (r) => [
      ...lengthProblem("role name", physicalName(r), 1, 64, /^[\w+=,.@-]+$/, "letters, digits and +=,.@_-"),
      ...prefixProblem("role", r, 38),
      ...(typeof r.inputs.description === "string" && r.inputs.description.length > 1000
        ? [`description is ${r.inputs.description.length} characters; at most 1000`]
        : []),
    ],
  },
  {
    id: "aws-iam-trust-policy-size",
    types: ["aws:iam/role:Role"],
    source: `${IAM_QUOTAS} (role trust policy length: 2,048 characters by default, whitespace not counted)`,
    check: (r) => {
      const size = policySize(r.inputs.assumeRolePolicy);
      return size > 2048 ? [`trust policy is ${size} characters; the default quota is 2,048`] : [];
    },
  },
  {
    id: "aws-iam-inline-policy-size",
    types: ["aws:iam/role:Role"],
    source: `${IAM_QUOTAS} (role inline policies: 10,240 characters in aggregate, whitespace not counted)`,
    check: (r, ctx) => {
      const ids = new Set(
        [r.physicalId, r.inputs.name, r.state.name].filter((x): x is string => typeof x === "string"),
      );
      const attached = ctx.resources.filter(
        (p) => p.type === "aws:iam/rolePolicy:RolePolicy" && ids.has(String(p.inputs.role)),
      );
      const size =
        attached.reduce((n, p) => n + policySize(p.inputs.policy), 0) +
        asArray(r.inputs.inlinePolicies).reduce((n: number, p: any) => n + policySize(p.policy), 0);
      return size > 10240
        ? [
            `inline policies total ${size} characters (${attached.map((p) => p.name).join(", ")}); at most 10,240 per role`,
          ]
        : [];
    },
  },
  {
    id: "aws-iam-managed-policy-size",
    types: ["aws:iam/policy:Policy"],
    source: `${IAM_QUOTAS} (managed policy length: 6,144 characters, whitespace not counted)`,
    check: (r) => {
      const size = policySize(r.inputs.policy);
      return size > 6144 ? [`policy is ${size} characters; at most 6,144`] : [];
    },
  },
  {
    id: "aws-s3-bucket-name",
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    check: (r) => {
      const n = physicalName(r, "bucket", "bucketPrefix");
      const out = [
        ...lengthProblem(
          "bucket name",
          n,
          3,
          63,
          /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
          "lowercase letters, digits, . and -, starting and ending with a letter or digit",
        ),
        ...prefixProblem("bucket", r, 37, "bucketPrefix"),
      ];
      if (n && /^\d+\.\d+\.\d+\.\d+$/.test(n.name))
        out.push(`bucket name ${JSON.stringify(n.name)} is formatted as an IP address`);
      if (n && (n.name.includes("..") || /^xn--|^sthree-|-s3alias$|--ol-s3$/.test(n.name)))
        out.push(`bucket name ${JSON.stringify(n.name)} uses a reserved prefix, suffix or ".."`);
      return out;
    },
  },
  {
    id: "aws-lb-name",
    types: [
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:lb/targetGroup:TargetGroup",
      "aws:alb/loadBalancer:LoadBalancer",
      "aws:alb/targetGroup:TargetGroup",
    ],
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html and API_CreateTargetGroup.html",
    check: (r) => {
      const n = physicalName(r);
      const out = [
        ...lengthProblem(
          "name",
          n,
          1,
          32,
          /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
          "letters, digits and hyphens, not starting or ending with a hyphen",
        ),
        ...prefixProblem("name", r, 6),
      ];
      if (n && /LoadBalancer$/.test(r.type) && /^internal-/.test(n.name))
        out.push(`load balancer name ${JSON.stringify(n.name)} starts with internal-`);
      return out;
    },
  },
  {
    id: "aws-alb-rules",
    types: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    source: `${ALB_QUOTAS} (rules per load balancer, not counting default rules: 100; target groups per load balancer: 100)`,
    check: (r, ctx) => {
      const arn = r.state.arn;
      const listeners = ctx.resources.filter(
        (l) => /^aws:a?lb\/listener:Listener$/.test(l.type) && l.inputs.loadBalancerArn === arn,
      );
      const listenerArns = new Set(listeners.map((l) => l.state.arn));
      const rules = ctx.resources.filter(
        (x) => /^aws:a?lb\/listenerRule:ListenerRule$/.test(x.type) && listenerArns.has(x.inputs.listenerArn),
      );
      const out: string[] = [];
      if (rules.length > 100) out.push(`${rules.length} listener rules on this load balancer; at most 100`);
      const targetGroups = new Set(
        [
          ...listeners.flatMap((l) => asArray(l.inputs.defaultActions)),
          ...rules.flatMap((x) => asArray(x.inputs.actions)),
        ]
          .map((a: any) => a.targetGroupArn)
          .filter(Boolean),
      );
      if (targetGroups.size > 100)
        out.push(`${targetGroups.size} target groups behind this load balancer; at most 100`);
      for (const l of listeners) {
        const priorities = rules.filter((x) => x.inputs.listenerArn === l.state.arn).map((x) => x.inputs.priority);
        const dup = priorities.filter((p, i) => p !== undefined && priorities.indexOf(p) !== i);
        if (dup.length)
          out.push(
            `listener ${l.name}: rule priorities ${[...new Set(dup)].join(", ")} used twice (unique per listener)`,
          );
      }
      return out;
    },
  },
  {
    id: "aws-alb-rule-conditions",
    types: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
    source: `${ALB_QUOTAS} (condition values per rule: 5, condition wildcards per rule: 5); https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html (a value is at most 128 characters; priority 1-50000)`,
    check: (r) => {
      const values = conditionValues(r);
      const out: string[] = [];
      if (values.length > 5) out.push(`${values.length} condition values (${values.join(", ")}); at most 5 per rule`);
      const wildcards = values.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
      if (wildcards > 5) out.push(`${wildcards} wildcards in the condition values; at most 5 per rule`);
      for (const v of values)
        if (v.length > 128)
          out.push(`condition value ${JSON.stringify(v.slice(0, 40))}... is ${v.length} characters; at most 128`);
      const p = r.inputs.priority;
      if (p !== undefined && !(Number.isInteger(p) && p >= 1 && p <= 50000)) out.push(`priority ${p}; allowed 1-50000`);
      return out;
    },
  },
  {
    id: "aws-security-group-name",
    types: ["aws:ec2/securityGroup:SecurityGroup"],
    source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
    check: (r) => {
      const n = physicalName(r);
      const out = lengthProblem("group name", n, 1, 255);
      if (n && /^sg-/i.test(n.name)) out.push(`group name ${JSON.stringify(n.name)} starts with sg-`);
      if (typeof r.inputs.description === "string" && r.inputs.description.length > 255)
        out.push(`description is ${r.inputs.description.length} characters; at most 255`);
      return out;
    },
  },
  {
    id: "aws-security-group-rules",
    types: ["aws:ec2/securityGroup:SecurityGroup"],
    source:
      "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups (inbound or outbound rules per security group: 60 each)",
    check: (r, ctx) => {
      const ids = new Set([r.physicalId, r.state.id].filter(Boolean));
      const rules = (type: string) =>
        ctx.resources.filter((x) => x.type === type && ids.has(x.inputs.securityGroupId)).length;
      const inbound =
        rules("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") +
        asArray(r.inputs.ingress).reduce(
          (n: number, x: any) => n + Math.max(1, asArray(x.cidrBlocks).length + asArray(x.securityGroups).length),
          0,
        );
      const outbound =
        rules("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") +
        asArray(r.inputs.egress).reduce(
          (n: number, x: any) => n + Math.max(1, asArray(x.cidrBlocks).length + asArray(x.securityGroups).length),
          0,
        );
      return [
        ...(inbound > 60 ? [`${inbound} inbound rules; at most 60 per security group`] : []),
        ...(outbound > 60 ? [`${outbound} outbound rules; at most 60 per security group`] : []),
      ];
    },
  },
  {
    id: "aws-log-group-name",
    types: ["aws:cloudwatch/logGroup:LogGroup"],
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    check: (r) => [
      ...lengthProblem(
        "log group name",
        physicalName(r),
        1,
        512,
        /^[.\-_/#A-Za-z0-9]+$/,
        "letters, digits and . - _ / #",
      ),
      ...prefixProblem("log group", r, 483),
    ],
  },
  {
    id: "aws-ecs-names",
    types: ["aws:ecs/cluster:Cluster", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"],
    source:
      "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html, API_CreateService.html, API_RegisterTaskDefinition.html (1-255 letters, digits, hyphens, underscores)",
    check: (r) =>
      r.type === "aws:ecs/taskDefinition:TaskDefinition"
        ? lengthProblem(
            "family",
            r.inputs.family === undefined ? undefined : { name: String(r.inputs.family), kind: "family" },
            1,
            255,
            ALPHANUM_DASH_UNDERSCORE,
          )
        : lengthProblem("name", physicalName(r), 1, 255, ALPHANUM_DASH_UNDERSCORE),
  },
  {
    id: "aws-kms",
    types: ["aws:kms/alias:Alias", "aws:kms/key:Key"],
    source:
      "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html and API_CreateKey.html (description up to 8192 characters)",
    check: (r) => {
      if (r.type === "aws:kms/key:Key") {
        const d = r.inputs.description;
        return typeof d === "string" && d.length > 8192 ? [`description is ${d.length} characters; at most 8192`] : [];
      }
      const n =
        typeof r.inputs.name === "string"
          ? { name: r.inputs.name, kind: "name" }
          : r.inputs.namePrefix
            ? { name: r.inputs.namePrefix + "x".repeat(PREFIX_SUFFIX_LENGTH), kind: "namePrefix + 26" }
            : undefined;
      const out = lengthProblem(
        "alias",
        n,
        7,
        256,
        /^alias\/[A-Za-z0-9/_-]+$/,
        "alias/ followed by letters, digits, / _ -",
      );
      if (n && /^alias\/aws\//i.test(n.name))
        out.push(`alias ${JSON.stringify(n.name)} uses the reserved prefix alias/aws/`);
      return out;
    },
  },
  {
    id: "aws-ecr-repository-name",
    types: ["aws:ecr/repository:Repository"],
    source: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
    check: (r) =>
      lengthProblem(
        "repository name",
        physicalName(r),
        2,
        256,
        /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
        "lowercase path components of letters and digits joined by . _ -",
      ),
  },
  {
    id: "aws-ecr-replication",
    types: ["aws:ecr/replicationConfiguration:ReplicationConfiguration"],
    source:
      "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html and https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html (a destination is another region or another account; up to 25 unique destinations across all rules, 10 rules)",
    check: (r, ctx) => {
      const provider = ctx.provider(r);
      const account = parseArray(provider?.inputs.allowedAccountIds)[0];
      const region = provider?.inputs.region;
      const rules = asArray(parseObject(r.inputs.replicationConfiguration).rules);
      const destinations = rules
        .flatMap((rule: any) => asArray(rule.destinations))
        .map((d: any) => `${d.registryId}/${d.region}`);
      const out: string[] = [];
      if (rules.length > 10) out.push(`${rules.length} replication rules; at most 10`);
      if (new Set(destinations).size > 25) out.push(`${new Set(destinations).size} destinations; at most 25`);
      if (account && region && destinations.includes(`${account}/${region}`))
        out.push(
          `replicates to its own registry (account ${account}, region ${region}); a destination must be another account or region`,
        );
      return out;
    },
  },
  {
    id: "aws-appautoscaling-policy-name",
    types: ["aws:appautoscaling/policy:Policy"],
    source:
      "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html (PolicyName 1-256)",
    check: (r) => lengthProblem("policy name", physicalName(r), 1, 256),
  },
  {
    id: "gcp-service-account-id",
    types: ["gcp:serviceaccount/account:Account"],
    source:
      "https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create (accountId 6-30, [a-z]([-a-z0-9]*[a-z0-9]); displayName up to 100)",
    check: (r) => [
      ...lengthProblem(
        "account id",
        typeof r.inputs.accountId === "string" ? { name: r.inputs.accountId, kind: "accountId" } : undefined,
        6,
        30,
        /^[a-z](?:[-a-z0-9]*[a-z0-9])$/,
      ),
      ...(typeof r.inputs.displayName === "string" && r.inputs.displayName.length > 100
        ? [`displayName is ${r.inputs.displayName.length} characters; at most 100`]
        : []),
    ],
  },
  {
    id: "gcp-artifact-registry-repository-id",
    types: ["gcp:artifactregistry/repository:Repository"],
    source:
      "https://cloud.google.com/artifact-registry/docs/repositories/create-repos (a repository name: lowercase letters, digits, hyphens, starting with a letter, at most 63)",
    check: (r) =>
      lengthProblem(
        "repository id",
        typeof r.inputs.repositoryId === "string" ? { name: r.inputs.repositoryId, kind: "repositoryId" } : undefined,
        1,
        63,
        /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
      ),
  },
  {
    id: "gcp-workload-identity-ids",
    types: [
      "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
      "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
    ],
    source:
      "https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create (4-32 lowercase letters, digits, hyphens; the prefix gcp- is reserved)",
    check: (r) => {
      const field = r.type.endsWith("Provider") ? "workloadIdentityPoolProviderId" : "workloadIdentityPoolId";
      const v = r.inputs[field];
      const out = lengthProblem(
        field,
        typeof v === "string" ? { name: v, kind: field } : undefined,
        4,
        32,
        /^[a-z0-9-]+$/,
      );
      if (typeof v === "string" && v.startsWith("gcp-"))
        out.push(`${field} ${JSON.stringify(v)} uses the reserved prefix gcp-`);
      return out;
    },
  },
  {
    id: "aws-cloudwatch-alarm-name",
    types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    source:
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmName: 1-255 characters)",
    check: (r) => lengthProblem("alarm name", physicalName(r), 1, 255),
  },
  {
    id: "aws-cloudwatch-dashboard",
    types: ["aws:cloudwatch/dashboard:Dashboard"],
    source:
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html (0 to 500 widgets); API_PutDashboard.html (DashboardName: up to 255 of A-Z a-z 0-9 - _)",
    check: (r) => {
      const out = lengthProblem(
        "dashboard name",
        typeof r.inputs.dashboardName === "string"
          ? { name: r.inputs.dashboardName, kind: "dashboardName" }
          : undefined,
        1,
        255,
        ALPHANUM_DASH_UNDERSCORE,
        "letters, digits, - and _",
      );
      const widgets = parseObject(r.inputs.dashboardBody).widgets;
      if (Array.isArray(widgets) && widgets.length > 500)
        out.push(`dashboard body has ${widgets.length} widgets; at most 500`);
      return out;
    },
  },
  {
    id: "aws-events-rule-name",
    types: ["aws:cloudwatch/eventRule:EventRule"],
    source:
      "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Name: 1-64 of [.\\-_A-Za-z0-9])",
    check: (r) => lengthProblem("rule name", physicalName(r), 1, 64, /^[.\-_A-Za-z0-9]+$/, "letters, digits and . - _"),
  },
  {
    id: "aws-sns-topic-name",
    types: ["aws:sns/topic:Topic"],
    source:
      "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name: up to 256 letters, digits, - and _; a FIFO topic's ends in .fifo)",
    check: (r) =>
      lengthProblem(
        "topic name",
        physicalName(r),
        1,
        256,
        /^[A-Za-z0-9_-]+(\.fifo)?$/,
        "letters, digits, - and _ (a FIFO topic: + .fifo)",
      ),
  },
  {
    id: "github-environment-name",
    types: ["github:index/repositoryEnvironment:RepositoryEnvironment"],
    source:
      "https://docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments (environment names are not case sensitive, at most 255 characters)",
    check: (r) =>
      lengthProblem(
        "environment",
        typeof r.inputs.environment === "string" ? { name: r.inputs.environment, kind: "environment" } : undefined,
        1,
        255,
      ),
  },
  {
    id: "oci-image-reference",
    types: [
      "docker-build:index:Image",
      "docker:index/image:Image",
      "docker:index/remoteImage:RemoteImage",
      "docker:index/registryImage:RegistryImage",
    ],
    source:
      "https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests (a tag matches [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}; a repository name is lowercase path components)",
    check: (r) => {
      // A first preview does not know a reference built from a computed output (the ECR repository URL): only
      // known strings are judged.
      const refs = (
        r.type === "docker-build:index:Image" ? asArray(r.inputs.tags) : [r.inputs.imageName ?? r.inputs.name]
      ).filter((x): x is string => typeof x === "string");
      return refs.flatMap((ref) => imageReferenceProblems(ref));
    },
  },
  {
    id: "docker-object-name",
    types: ["docker:index/container:Container", "docker:index/network:Network", "docker:index/volume:Volume"],
    source:
      "moby/moby daemon/names/names.go (RestrictedNameChars [a-zA-Z0-9][a-zA-Z0-9_.-]; a container name also has to be a valid hostname label when used as one: at most 63)",
    check: (r) =>
      lengthProblem(
        "name",
        typeof r.inputs.name === "string" ? { name: r.inputs.name, kind: "name" } : undefined,
        2,
        r.type.endsWith("Container") ? 63 : 255,
        /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/,
      ),
  },
];

const OCI_TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const OCI_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

/** Problems of one image reference `[host[:port]/]name[:tag][@digest]`. */
function imageReferenceProblems(ref: string): string[] {
  const [withoutDigest] = ref.split("@");
  const slash = withoutDigest!.lastIndexOf("/");
  const colon = withoutDigest!.lastIndexOf(":");
  const tag = colon > slash ? withoutDigest!.slice(colon + 1) : undefined;
  let name = colon > slash ? withoutDigest!.slice(0, colon) : withoutDigest!;
  const first = name.split("/")[0]!;
  if (name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost"))
    name = name.slice(first.length + 1);
  const out: string[] = [];
  if (tag !== undefined && !OCI_TAG.test(tag))
    out.push(
      `image tag ${JSON.stringify(tag)} (${tag.length} characters) does not match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`,
    );
  if (!OCI_NAME.test(name)) out.push(`repository name ${JSON.stringify(name)} is not lowercase path components`);
  return out;
}

function parseArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string") {
    try {
      const parsed = JSON.parse(v);
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  }
  return [];
}

function applies(check: CloudLimitCheck, type: string): boolean {
  return check.types.some((t) => (t.endsWith(":*") ? type.startsWith(t.slice(0, -1)) : t === type));
}

/** Runs every check of the table on every custom resource the stack registered (reads and providers excluded). */
export function checkCloudLimits(
  resources: readonly CapturedResource[],
  checks: readonly CloudLimitCheck[] = CLOUD_LIMIT_CHECKS,
): CloudLimitsResult {
  const byUrn = new Map(resources.filter((r) => r.urn).map((r) => [r.urn!, r]));
  const defaultProviders = new Map<string, CapturedResource>();
  for (const r of resources)
    if (r.type.startsWith("pulumi:providers:")) defaultProviders.set(r.type.slice("pulumi:providers:".length), r);
  const ctx: LimitContext = {
    resources,
    provider(r) {
      const ref = r.options?.provider ?? "";
      const urn = ref.includes("::") ? ref.slice(0, ref.lastIndexOf("::")) : "";
      // Without a recorded reference, the one provider of the package (the program passes one explicit provider per package).
      return byUrn.get(urn) ?? defaultProviders.get(r.type.split(":")[0]!);
    },
  };
  const problems: CloudLimitProblem[] = [];
  const checked = new Set<CapturedResource>();
  const ran = new Set<string>();
  for (const r of resources) {
    if (!r.custom || r.id || r.type.startsWith("pulumi:")) continue;
    for (const check of checks) {
      if (!applies(check, r.type)) continue;
      checked.add(r);
      ran.add(check.id);
      for (const message of check.check(r, ctx))
        problems.push({ resource: `${r.type} ${r.name}`, limit: check.id, message, source: check.source });
    }
  }
  return { problems, checkedResources: checked.size, checksRun: ran.size, checks: checks.length };
}

export function renderCloudLimitProblem(p: CloudLimitProblem): string {
  return `${p.resource}: [${p.limit}] ${p.message} (${p.source})`;
}
