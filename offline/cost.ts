/**
 * The offline cost estimate: what a stack's resources cost a month while idle, priced from the table of
 * offline/prices.ts. A pure function of the captured resources (offline/mockRuntime.ts) and the region: no cloud
 * account, no pricing API call.
 *
 * Two kinds of cost, kept apart in the code, the JSON and the text:
 * - FIXED: billed by the hour or the month whether or not anyone uses the stack (Fargate tasks at their desired
 *   count, load balancer hours, NAT gateway hours, public IPv4 addresses, interface endpoints per AZ, customer-managed
 *   KMS keys, CloudWatch alarm metrics, dashboards beyond the free 3). These are the `lines`, summed in `total`.
 * - USAGE: billed by traffic, requests, data processed, storage or scans (load balancer LCUs, NAT data processed,
 *   log ingestion, Container Insights observations, Inspector and Artifact Analysis scans, ECR, Artifact Registry and
 *   S3 storage, SNS deliveries). These are `excluded`, with their unit price where the table has one: never in the
 *   total.
 *
 * It is an estimate: list prices, no free tier (except the 3 free dashboards, said so), no Savings Plans, no tax.
 */
import type { CapturedResource } from "./mockRuntime";
import { PRICES, pricedRegions, type AwsPriceKey, type Price, type PriceTable } from "./prices";
import { asArray } from "../policy/rule";

/** One fixed monthly cost of one resource. */
export interface CostLine {
  /** The resource's logical name (`web`, `network-nat-a`). */
  resource: string;
  type: string;
  /** What is billed: `Fargate tasks`, `NAT gateway hours`, ... */
  item: string;
  /** How the figure is made: `2 tasks x (0.5 vCPU x $0.04048 + 1 GB x $0.004445) x 730 h`. */
  detail: string;
  /** US dollars a month. */
  monthly: number;
}

/** A cost that depends on usage: named, with its unit price, and left out of the total. */
interface UsageCost {
  resource: string;
  type: string;
  item: string;
  /** The unit price (`$0.57 per GB ingested`), or why there is no figure. */
  price: string;
  /** What drives it. */
  drivenBy: string;
}

export interface CostEstimate {
  /** Always true: list prices and assumptions, not a bill. */
  estimate: true;
  currency: "USD";
  region: string;
  /** The date the table's prices were read (the latest entry used). */
  pricesRead: string;
  hoursPerMonth: number;
  /** The fixed monthly costs, one line per billed item of a resource. */
  lines: CostLine[];
  /** The sum of `lines`, rounded to cents. */
  total: number;
  /** Usage-dependent costs, left out of `total`. */
  excluded: UsageCost[];
  /** Resource types with no rule here (not priced: neither fixed nor usage). */
  unpriced: string[];
  /** What the estimate leaves out, always. */
  leavesOut: string[];
}

/** What every estimate leaves out (shown in the plan, docs/cost.md and the pull request comment). */
export const LEAVES_OUT = [
  "traffic (data transfer out, cross-AZ, NAT data processed)",
  "requests (load balancer LCUs, SNS deliveries, ECR and S3 requests)",
  "log ingestion and storage growth (CloudWatch Logs, ECR, Artifact Registry, S3)",
  "scans (Inspector per image, Artifact Analysis per digest) and Container Insights observations",
  "free tiers, Savings Plans, credits and tax",
];

/** Resource types that cost nothing of their own (their cost, if any, is priced on another resource). */
const NO_CHARGE = [
  /^aws:iam\//,
  /^aws:ec2\/(vpc|subnet|routeTable|route|routeTableAssociation|internetGateway|securityGroup|defaultSecurityGroup|defaultNetworkAcl|networkAcl|mainRouteTableAssociation):/,
  /^aws:vpc\/securityGroup(Ingress|Egress)Rule:/,
  /^aws:appautoscaling\//,
  /^aws:cloudwatch\/(eventRule|eventTarget|logResourcePolicy):/,
  /^aws:ecr\/(lifecyclePolicy|repositoryPolicy|registryPolicy|replicationConfiguration|pullThroughCacheRule):/,
  /^aws:s3\/bucket(?!:)/,
  /^aws:sns\/(topicPolicy|topicSubscription):/,
  /^aws:kms\/alias:/,
  /^aws:(lb|alb)\/(listener|listenerRule|targetGroup|listenerCertificate):/,
  /^aws:ecs\/(cluster|clusterCapacityProviders|taskDefinition):/,
  /^aws:ec2\/flowLog:/,
  /^gcp:(iam|serviceaccount|projects)\//,
  /^gcp:artifactregistry\/repositoryIamMember:/,
  /^github:/,
  /^docker-build:/,
  /^docker:/,
  /^pulumi-nodejs:/,
  /^pulumi:/,
];

/** The region of an unknown-region error, and the regions the table knows. */
export class UnknownRegionError extends Error {
  constructor(
    readonly region: string,
    readonly known: string[],
  ) {
    super(
      `no prices for region ${JSON.stringify(region)}: the price table (offline/prices.ts) knows ${known.join(", ")}; add the region's prices there (each with its source and date)`,
    );
    this.name = "UnknownRegionError";
  }
}

/** `$18.40` for whole cents, `$0.04048` for a unit price below them. */
const money = (usd: number) =>
  Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-9 ? `$${usd.toFixed(2)}` : `$${Number(usd.toPrecision(6))}`;
const unitPrice = (p: Price) => `${money(p.usd)} per ${p.unit}`;
const round2 = (n: number) => Math.round(n * 100) / 100;
const num = (v: unknown, fallback: number) => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
};

/** The length of a list input; 0 when it is not a list (absent, or unknown in a preview). */
const listLength = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** A task definition's family, from its ARN (`arn:aws:ecs:r:a:task-definition/<family>:<revision>`) or a bare family. */
function familyOf(taskDefinition: unknown): string | undefined {
  const s = String(taskDefinition ?? "");
  const m = /task-definition\/([^:]+)(?::\d+)?$/.exec(s) ?? /^([^:/]+)(?::\d+)?$/.exec(s);
  return m?.[1];
}

/**
 * The fraction of a service's tasks on FARGATE_SPOT: from its own capacity provider strategy, else the cluster's
 * default one (ignoring `base`, which matters only for the first tasks); 0 with `launchType: FARGATE`.
 */
function spotShare(service: Record<string, any>, clusterDefault: any[]): number {
  if (service.launchType === "FARGATE") return 0;
  const strategy = asArray(service.capacityProviderStrategies).length
    ? asArray(service.capacityProviderStrategies)
    : clusterDefault;
  const weight = (s: any) => num(s.weight, 0);
  const total = strategy.reduce((n: number, s: any) => n + weight(s), 0);
  if (total === 0) return 0;
  return (
    strategy.filter((s: any) => s.capacityProvider === "FARGATE_SPOT").reduce((n: number, s: any) => n + weight(s), 0) /
    total
  );
}

/** Metrics an alarm is billed for: one for a single-metric alarm, one per metric (not expression) of a metric-math alarm. */
function alarmMetrics(p: Record<string, any>): number {
  const queries = asArray(p.metricQueries);
  if (queries.length === 0) return 1;
  return Math.max(1, queries.filter((q: any) => q.metric !== undefined && q.metric !== null).length);
}

/**
 * The estimated monthly cost of `resources` in `region`, from `table` (offline/prices.ts by default). Throws an
 * `UnknownRegionError` when the stack has AWS resources and the table has no prices for the region.
 */
export function estimateCost(
  resources: CapturedResource[],
  region: string | undefined,
  table: PriceTable = PRICES,
): CostEstimate {
  const custom = resources.filter((r) => r.custom);
  const hasAws = custom.some((r) => r.type.startsWith("aws:"));
  const prices = region ? table.aws[region] : undefined;
  if (hasAws && !prices) throw new UnknownRegionError(region ?? "(aws:region not set)", pricedRegions(table));
  const H = table.hoursPerMonth;
  const lines: CostLine[] = [];
  const excluded: UsageCost[] = [];
  const unpriced = new Set<string>();
  const used: Price[] = [];
  const aws = (key: AwsPriceKey): Price => {
    const p = prices![key];
    used.push(p);
    return p;
  };
  const line = (r: CapturedResource, item: string, detail: string, monthly: number) =>
    lines.push({ resource: r.name, type: r.type, item, detail, monthly: round2(monthly) });
  const usage = (r: CapturedResource, item: string, price: string, drivenBy: string) =>
    excluded.push({ resource: r.name, type: r.type, item, price, drivenBy });

  const taskDefinitions = new Map<string, Record<string, any>>();
  for (const r of custom.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition"))
    taskDefinitions.set(String(r.inputs.family), r.inputs);
  const minCapacity = new Map<string, number>();
  for (const r of custom.filter((r) => r.type === "aws:appautoscaling/target:Target"))
    if (r.inputs.scalableDimension === "ecs:service:DesiredCount")
      minCapacity.set(String(r.inputs.resourceId).split("/").pop()!, num(r.inputs.minCapacity, 0));
  const clusterDefault = asArray(
    custom.find((r) => r.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")?.inputs
      .defaultCapacityProviderStrategies,
  );
  let dashboards = 0;
  const zones = new Set(
    custom
      .filter((r) => r.type === "aws:ec2/subnet:Subnet" && typeof r.inputs.availabilityZone === "string")
      .map((r) => r.inputs.availabilityZone as string),
  );

  for (const r of custom) {
    const p = r.inputs;
    switch (r.type) {
      case "aws:ecs/service:Service": {
        // In a first preview the task definition's ARN is unknown: Berth names a service's family
        // `<project>-<stack>-<service>` (infra/ecs/fargateService.ts), so the family ending in the service's name is its.
        const name = String(p.name ?? r.name);
        const task =
          taskDefinitions.get(familyOf(p.taskDefinition) ?? "") ??
          [...taskDefinitions].find(([family]) => family === name || family.endsWith(`-${name}`))?.[1];
        if (!task) {
          usage(
            r,
            "Fargate tasks",
            "unknown",
            `task definition ${String(p.taskDefinition)} not in the stack: not priced`,
          );
          break;
        }
        // At idle the service runs its desired count, or its autoscaling minimum when that is higher.
        const desired = num(p.desiredCount, 1);
        const tasks = Math.max(desired, minCapacity.get(name) ?? 0);
        const vcpu = num(task.cpu, 256) / 1024;
        const gb = num(task.memory, 512) / 1024;
        const arm = task.runtimePlatform?.cpuArchitecture === "ARM64";
        const cpuPrice = aws(arm ? "fargateVcpuHourArm" : "fargateVcpuHourX86");
        const memPrice = aws(arm ? "fargateGbHourArm" : "fargateGbHourX86");
        const spot = spotShare(p, clusterDefault);
        const discount = 1 - spot * table.fargateSpotMaxDiscount.fraction;
        const perTaskHour = vcpu * cpuPrice.usd + gb * memPrice.usd;
        line(
          r,
          "Fargate tasks",
          `${tasks} task${tasks === 1 ? "" : "s"}${tasks > desired ? ` (autoscaling minimum)` : ""} x (${vcpu} vCPU x ${money(cpuPrice.usd)} + ${gb} GB x ${money(memPrice.usd)}) x ${H} h, ${arm ? "ARM64" : "X86_64"}${spot > 0 ? `, ${Math.round(spot * 100)}% on FARGATE_SPOT at the most AWS advertises off (${table.fargateSpotMaxDiscount.fraction * 100}%): Spot prices vary` : ""}`,
          tasks * perTaskHour * H * discount,
        );
        const ephemeral = num(task.ephemeralStorage?.sizeInGib, 20);
        if (ephemeral > 20) {
          const e = aws("fargateEphemeralGbHour");
          line(
            r,
            "Fargate ephemeral storage",
            `${tasks} x ${ephemeral - 20} GB beyond 20 GB x ${money(e.usd)} x ${H} h`,
            tasks * (ephemeral - 20) * e.usd * H,
          );
        }
        if (p.networkConfiguration?.assignPublicIp === true) {
          const ip = aws("publicIpv4Hour");
          line(r, "public IPv4 (tasks)", `${tasks} address(es) x ${money(ip.usd)} x ${H} h`, tasks * ip.usd * H);
        }
        break;
      }
      case "aws:lb/loadBalancer:LoadBalancer":
      case "aws:alb/loadBalancer:LoadBalancer": {
        if ((p.loadBalancerType ?? "application") !== "application") {
          unpriced.add(`${r.type} (${p.loadBalancerType})`);
          break;
        }
        const hour = aws("albHour");
        line(r, "load balancer hours", `${money(hour.usd)} x ${H} h`, hour.usd * H);
        const lcu = aws("albLcuHour");
        usage(
          r,
          "load balancer LCUs",
          unitPrice(lcu),
          `traffic (new and active connections, bytes, rule evaluations); one LCU all month is ${money(lcu.usd * H)}`,
        );
        if (p.internal !== true) {
          // An internet-facing load balancer holds one public IPv4 address per subnet (one node per AZ). In a first
          // preview its subnets are unknown: the stack's AZs stand in, or the two AZs an ALB needs at least
          // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
          const known = Math.max(listLength(p.subnets), listLength(p.subnetMappings));
          const nodes = known > 0 ? known : Math.max(zones.size, 2);
          const ip = aws("publicIpv4Hour");
          line(
            r,
            "public IPv4 (load balancer nodes)",
            `${nodes} address(es) x ${money(ip.usd)} x ${H} h`,
            nodes * ip.usd * H,
          );
        }
        break;
      }
      case "aws:ec2/natGateway:NatGateway": {
        const hour = aws("natGatewayHour");
        line(r, "NAT gateway hours", `${money(hour.usd)} x ${H} h`, hour.usd * H);
        usage(
          r,
          "NAT data processed",
          `per GB processed (${hour.source})`,
          "egress traffic of the tasks (image pulls, API calls)",
        );
        break;
      }
      case "aws:ec2/eip:Eip": {
        const ip = aws("publicIpv4Hour");
        line(r, "public IPv4 (Elastic IP)", `${money(ip.usd)} x ${H} h`, ip.usd * H);
        break;
      }
      case "aws:ec2/vpcEndpoint:VpcEndpoint": {
        if ((p.vpcEndpointType ?? "Gateway") !== "Interface") break; // gateway endpoints (S3, DynamoDB) are free
        const azs = listLength(p.subnetIds) || Math.max(zones.size, 1); // unknown in a first preview: the stack's AZs
        const hour = aws("interfaceEndpointAzHour");
        line(r, "interface endpoint", `${azs} AZ x ${money(hour.usd)} x ${H} h`, azs * hour.usd * H);
        usage(r, "endpoint data processed", `per GB processed (${hour.source})`, "traffic through the endpoint");
        break;
      }
      case "aws:kms/key:Key": {
        const key = aws("kmsKeyMonth");
        line(r, "KMS customer-managed key", `1 key x ${money(key.usd)}`, key.usd);
        break;
      }
      case "aws:cloudwatch/metricAlarm:MetricAlarm": {
        const metrics = alarmMetrics(p);
        const periods = [
          num(p.period, 60),
          ...asArray(p.metricQueries).map((q: any) => num(q.metric?.period ?? q.period, 60)),
        ];
        const high = periods.some((s) => s < 60);
        const price = aws(high ? "highResolutionAlarmMetricMonth" : "alarmMetricMonth");
        line(
          r,
          high ? "alarm (high resolution)" : "alarm",
          `${metrics} metric${metrics === 1 ? "" : "s"}${asArray(p.metricQueries).length ? " (metric math: billed per metric)" : ""} x ${money(price.usd)}`,
          metrics * price.usd,
        );
        break;
      }
      case "aws:cloudwatch/dashboard:Dashboard": {
        dashboards++;
        const price = aws("dashboardMonth");
        const free = dashboards <= table.freeDashboards.count;
        line(
          r,
          "dashboard",
          free
            ? `within the account's ${table.freeDashboards.count} free dashboards (if the account has no others; ${money(price.usd)} a month beyond)`
            : `1 dashboard x ${money(price.usd)} (beyond the ${table.freeDashboards.count} free)`,
          free ? 0 : price.usd,
        );
        break;
      }
      case "aws:ecs/cluster:Cluster": {
        const insights = asArray(p.settings).find((s: any) => s.name === "containerInsights")?.value;
        if (insights === "enhanced" || insights === "enabled")
          usage(
            r,
            `Container Insights (${insights})`,
            `per ${insights === "enhanced" ? "observation" : "metric"} (${prices!.alarmMetricMonth.source})`,
            `${insights === "enhanced" ? "every cluster, service, task and container metric datapoint" : "the cluster and service metrics"}: grows with the tasks and containers running; berth:cluster.containerInsights`,
          );
        break;
      }
      case "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": {
        if (p.scanType !== "ENHANCED") break;
        const first = aws("inspectorEcrInitialScan");
        const again = aws("inspectorEcrRescan");
        const continuous = asArray(p.rules).some((rule: any) => rule.scanFrequency === "CONTINUOUS_SCAN");
        usage(
          r,
          "Inspector ECR scanning",
          `${unitPrice(first)}${continuous ? `, ${unitPrice(again)}` : ""}`,
          `per image: every image pushed to ${asArray(p.rules).some((rule: any) => asArray(rule.repositoryFilters).some((f: any) => f.filter === "*")) ? "every repository in the account and region" : "the filtered repositories"}${continuous ? ", and every rescan when a new CVE is published (CONTINUOUS_SCAN)" : ""}`,
        );
        break;
      }
      case "aws:ecr/repository:Repository":
        usage(
          r,
          "ECR storage",
          unitPrice(aws("ecrStorageGbMonth")),
          "the images kept (the lifecycle policy bounds them)",
        );
        break;
      case "aws:s3/bucket:Bucket":
      case "aws:s3/bucketV2:BucketV2":
        usage(
          r,
          "S3 storage",
          unitPrice(aws("s3StandardGbMonth")),
          "the objects kept (the lifecycle rules bound them)",
        );
        break;
      case "aws:cloudwatch/logGroup:LogGroup":
        usage(
          r,
          "log ingestion",
          unitPrice(aws("logsIngestionGb")),
          "what is logged; storage grows until the retention expires",
        );
        break;
      case "aws:sns/topic:Topic":
        usage(r, "SNS", "free tier: 1,000 email deliveries and 1 million publishes a month", "notifications sent");
        break;
      case "gcp:artifactregistry/repository:Repository": {
        usage(
          r,
          "Artifact Registry storage",
          unitPrice(table.gcp.artifactRegistryGbMonth),
          "the images kept (the cleanup policies bound them)",
        );
        used.push(table.gcp.artifactRegistryGbMonth);
        if (p.vulnerabilityScanningConfig?.enablementConfig !== "DISABLED") {
          used.push(table.gcp.artifactAnalysisImage);
          usage(
            r,
            "Artifact Analysis scanning",
            unitPrice(table.gcp.artifactAnalysisImage),
            "per digest pushed (the project's containerscanning API)",
          );
        }
        break;
      }
      default:
        if (!NO_CHARGE.some((re) => re.test(r.type))) unpriced.add(r.type);
    }
  }
  const total = round2(lines.reduce((n, l) => n + l.monthly, 0));
  return {
    estimate: true,
    currency: "USD",
    region: region ?? "(none)",
    pricesRead:
      used
        .map((p) => p.read)
        .sort()
        .pop() ?? "(no price used)",
    hoursPerMonth: H,
    lines,
    total,
    excluded,
    unpriced: [...unpriced].sort(),
    leavesOut: LEAVES_OUT,
  };
}

/** The plan's cost field: the estimate, or why there is none (a region the table does not price). */
export type PlanCost = CostEstimate | { error: string };

/** What offline/plan.ts calls: never throws, an unknown region becomes the field's error. */
export function planCost(resources: CapturedResource[], config: Record<string, string>): PlanCost {
  try {
    return estimateCost(resources, config["aws:region"]);
  } catch (e) {
    if (e instanceof UnknownRegionError) return { error: e.message };
    throw e;
  }
}

/** The `Estimated monthly cost` section of the plan's text. */
export function renderCost(cost: PlanCost | undefined): string[] {
  if (!cost) return [];
  if ("error" in cost) return [`Estimated monthly cost: not estimated (${cost.error})`, ""];
  if (cost.lines.length + cost.excluded.length + cost.unpriced.length === 0)
    return ["Estimated monthly cost (estimate): $0.00: no billed cloud resource in this stack", ""];
  const out = [
    `Estimated monthly cost (estimate, ${cost.region}, prices of ${cost.pricesRead}): ${money(cost.total)}`,
    `  fixed costs, billed whether or not the stack serves traffic (${cost.hoursPerMonth} h a month, list prices, offline/prices.ts):`,
  ];
  const width = Math.max(0, ...cost.lines.map((l) => `${l.resource} ${l.item}`.length));
  for (const l of [...cost.lines].sort((a, b) => b.monthly - a.monthly))
    out.push(`    ${`$${l.monthly.toFixed(2)}`.padStart(8)}  ${`${l.resource} ${l.item}`.padEnd(width)}  ${l.detail}`);
  if (cost.lines.length === 0) out.push("    (none)");
  out.push(`  usage-dependent, NOT in the total (${cost.excluded.length}):`);
  for (const u of cost.excluded) out.push(`    ${u.resource} ${u.item}: ${u.price}; ${u.drivenBy}`);
  if (cost.unpriced.length) out.push(`  not priced (no rule in offline/cost.ts): ${cost.unpriced.join(", ")}`);
  out.push(`  leaves out: ${cost.leavesOut.join("; ")}`);
  out.push("");
  return out;
}

export { money as formatUsd };
