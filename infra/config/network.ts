/**
 * Network, load balancer, cluster and log settings (`berth:network`, `berth:loadBalancer`, `berth:cluster`,
 * `berth:logs`). Every default is applied here, once; the components only read
 * the result. Hardening is on unless the stack configuration switches it off explicitly, per setting.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./environment";
import { TLS13_LISTENER_POLICIES } from "../../policy/securityLists";
import { boolean, defaultIn, integer, oneOf, perEnvironment, section, string, stringList, type Infer } from "./declare";

/**
 * TLS 1.3 security policies an HTTPS listener may use (FSBP ELB.17): the policy pack's list (policy/securityLists.ts),
 * so `berth:loadBalancer.tlsPolicy` accepts exactly what berth-alb-tls13-policy accepts.
 */
export const TLS_POLICIES = TLS13_LISTENER_POLICIES;

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Load balancer ingress CIDRs: 60 inbound rules per security group, one per CIDR and listener port (443, 80). */
export const MAX_INGRESS_CIDRS = 30;

const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

interface Ipv4Cidr {
  /** The address as a 32-bit unsigned integer. */
  address: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (`10.0.0.1/16`). */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const hostMask = prefix === 32 ? 0 : 0xffffffff >>> prefix;
  if ((address & hostMask) !== 0) return undefined;
  return { address, prefix };
}

export function formatIpv4Cidr(c: Ipv4Cidr): string {
  const a = c.address >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${c.prefix}`;
}

/** True when the CIDR lies inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16. */
export function isPrivateIpv4Cidr(c: Ipv4Cidr): boolean {
  const within = (base: string, prefix: number) => {
    const b = parseIpv4Cidr(`${base}/${prefix}`)!;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return c.prefix >= prefix && (c.address & mask) >>> 0 === b.address;
  };
  return within("10.0.0.0", 8) || within("172.16.0.0", 12) || within("192.168.0.0", 16);
}

const SUBNET_ID_LIST = (minItems: number) => ({
  default: [] as string[],
  pattern: SUBNET_ID,
  minItems,
  allowed: `a list of at least ${minItems} distinct subnet ids (subnet- followed by 8 or 17 hex digits), in different AZs`,
});

/** `berth:network`. */
export const NETWORK = {
  vpcId: string({
    pattern: VPC_ID,
    allowed: "a VPC id: vpc- followed by 8 or 17 hex digits",
    doc: "Use this existing VPC (with privateSubnetIds and publicSubnetIds) instead of creating one.",
  }),
  privateSubnetIds: stringList({
    ...SUBNET_ID_LIST(2),
    doc: "Existing VPC only: the tasks' subnets (no public IPs), at least 2, in different AZs.",
  }),
  publicSubnetIds: stringList({
    ...SUBNET_ID_LIST(2),
    doc: "Existing VPC only: the load balancer's subnets, at least 2, in different AZs.",
  }),
  cidrBlock: string({
    default: "10.0.0.0/16",
    allowed:
      "a private (RFC 1918) IPv4 network CIDR from /16 to /24 with no host bits set, e.g. 10.0.0.0/16 (each subnet gets 1/16 of it)",
    doc: "Created VPC only: its IPv4 CIDR; each subnet gets a 1/16 of it.",
  }),
  availabilityZones: integer({
    default: 2,
    min: 2,
    max: 6,
    doc: "Created VPC only: how many AZs get one public and one private subnet.",
  }),
  egress: oneOf(["nat", "endpoints"], {
    default: "nat",
    doc: "Created VPC only: how tasks reach ECR, Logs, SSM and S3 (NAT gateways, or VPC endpoints and no internet).",
  }),
  natGateways: oneOf(["single", "perAz"], {
    default: perEnvironment({ staging: "single", prod: "perAz", local: "single" }),
    doc: "Created VPC with egress nat only: one shared NAT gateway, or one per AZ (survives the loss of an AZ).",
  }),
  flowLogs: boolean({
    default: true,
    doc: "VPC flow logs to CloudWatch Logs.",
    hardening: {
      rule: "berth-vpc-flow-logs",
      warning: "the VPC has no flow logs (FSBP EC2.6)",
      controls: "FSBP EC2.6",
    },
  }),
  flowLogsTrafficType: oneOf(["ALL", "ACCEPT", "REJECT"], {
    default: "ALL",
    doc: "Which traffic the flow logs record.",
    hardening: {
      rule: "berth-vpc-flow-logs",
      secure: ["ALL", "REJECT"],
      warning: "the flow logs leave out rejected traffic (FSBP EC2.6)",
      controls: "FSBP EC2.6",
    },
  }),
  restrictDefaultSecurityGroup: boolean({
    default: true,
    doc: "Take over the VPC's default security group and strip every rule from it.",
    hardening: {
      rule: "berth-vpc-default-sg-closed",
      warning: "the VPC's default security group keeps its rules (FSBP EC2.2)",
      controls: "FSBP EC2.2",
    },
  }),
} as const;

/** `berth:loadBalancer.healthCheck`. */
export const TARGET_HEALTH_CHECK = {
  path: string({
    default: "/health",
    pattern: /^\/[A-Za-z0-9._~/-]{0,1023}$/,
    allowed: "an absolute URL path such as /health",
    doc: "Path the target group health check requests.",
  }),
  matcher: string({
    default: "200",
    pattern: /^[2-4]\d\d$/,
    allowed: "one HTTP status code from 200 to 499, e.g. 200",
    doc: "HTTP code the load balancer accepts as healthy.",
  }),
  intervalSeconds: integer({ default: 10, min: 10, max: 15, doc: "Seconds between two health checks of a target." }),
  // Below the shortest interval (10 s), as the ALB requires.
  timeoutSeconds: integer({ default: 5, min: 2, max: 9, doc: "Seconds a health check may take (below the interval)." }),
  healthyThreshold: integer({
    default: 2,
    oneOf: [2],
    allowed: "2 (a target is healthy after two passing checks)",
    doc: "Passing checks before a target is healthy.",
  }),
  unhealthyThreshold: integer({ default: 3, min: 2, max: 10, doc: "Failing checks before a target is unhealthy." }),
} as const;

/** `berth:loadBalancer`. */
export const LOAD_BALANCER = {
  certificateArn: string({
    pattern:
      /^arn:aws(?:-[a-z]+)*:acm:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    allowed: "an ACM certificate ARN: arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>",
    doc: "ACM certificate (in aws:region) of the HTTPS listener; unset: plain HTTP on port 80, with a loud warning.",
  }),
  ingressCidrs: stringList({
    default: ["0.0.0.0/0"],
    minItems: 1,
    allowed: "a list of at least 1 IPv4 CIDR such as 203.0.113.0/24 (no host bits set)",
    doc: "IPv4 CIDRs allowed to reach the load balancer on 443 (and 80, which only redirects); at most 30.",
  }),
  accessLogs: boolean({
    default: true,
    doc: "ALB access logs to an S3 bucket of the stack.",
    hardening: {
      rule: "berth-alb-access-logs",
      warning: "no ALB access logs are kept (FSBP ELB.5)",
      controls: "FSBP ELB.5",
    },
  }),
  dropInvalidHeaderFields: boolean({
    default: true,
    doc: "The ALB drops HTTP headers with invalid names.",
    hardening: {
      rule: "berth-alb-drop-invalid-headers",
      warning: "invalid HTTP headers reach the app (FSBP ELB.4)",
      controls: "FSBP ELB.4",
    },
  }),
  deletionProtection: boolean({
    default: perEnvironment({ staging: false, prod: true, local: false }),
    doc: "The load balancer cannot be deleted until this is switched off.",
    hardening: {
      rule: "berth-alb-deletion-protection",
      secure: [true],
      warnIn: ["prod"],
      warning: "the load balancer can be deleted by one update (FSBP ELB.6)",
      controls: "FSBP ELB.6",
    },
  }),
  desyncMitigationMode: oneOf(["defensive", "strictest"], {
    default: "defensive",
    doc: "How the ALB treats requests that could desynchronize it from its targets (HTTP desync).",
    hardening: {
      rule: "berth-alb-desync-mitigation",
      secure: ["defensive", "strictest"],
      warning: "the ALB forwards requests that may desynchronize it from its targets (FSBP ELB.12)",
      controls: "FSBP ELB.12",
    },
  }),
  tlsPolicy: oneOf(TLS_POLICIES, {
    default: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    doc: "Security policy of the HTTPS listener (a TLS 1.3 policy).",
    hardening: {
      rule: "berth-alb-tls13-policy",
      secure: TLS_POLICIES,
      warning: "the HTTPS listener allows protocols older than TLS 1.2 (FSBP ELB.17)",
      controls: "FSBP ELB.17",
    },
  }),
  accessLogsExpiryDays: integer({ default: 90, min: 1, max: 3650, doc: "Days the access logs are kept." }),
  idleTimeoutSeconds: integer({ default: 60, min: 1, max: 4000, doc: "Seconds an idle connection stays open." }),
  healthCheck: section(TARGET_HEALTH_CHECK, { doc: "Target group health check of every routed service." }),
  deregistrationDelaySeconds: integer({
    default: 15,
    min: 0,
    max: 30,
    doc: "Seconds a draining target keeps its connections (ALB deregistration delay).",
  }),
} as const;

/** `berth:cluster`. */
export const CLUSTER = {
  containerInsights: oneOf(["enhanced", "enabled", "disabled"], {
    default: "enhanced",
    doc: "CloudWatch Container Insights of the cluster.",
    hardening: {
      rule: "berth-ecs-container-insights",
      secure: ["enhanced", "enabled"],
      warning: "no Container Insights metrics for the cluster's services",
      controls: "FSBP ECS.12",
    },
  }),
  fargateSpot: boolean({
    default: false,
    doc: "Register FARGATE_SPOT next to FARGATE as a capacity provider (services still default to FARGATE).",
  }),
} as const;

/** `berth:logs`. */
export const LOGS = {
  retentionDays: integer({
    default: perEnvironment({ staging: 30, prod: 365, local: 30 }),
    oneOf: CLOUDWATCH_RETENTION_DAYS,
    doc: "Days CloudWatch keeps every log group of the stack (services, flow logs, ECS Exec).",
  }),
} as const;

export type NetworkSettings = Infer<typeof NETWORK>;
export type LoadBalancerSettings = Infer<typeof LOAD_BALANCER>;
export type ClusterSettings = Infer<typeof CLUSTER>;
export type LogSettings = Infer<typeof LOGS>;
type TargetHealthCheckSettings = Infer<typeof TARGET_HEALTH_CHECK>;

export function readNetworkSettings(s: ConfigSection, environment: Environment): NetworkSettings {
  const vpcId = s.get("vpcId", NETWORK);
  const existing = s.has("vpcId");
  const flowLogs = s.get("flowLogs", NETWORK);
  const flowLogsTrafficType = s.get("flowLogsTrafficType", NETWORK);
  const restrictDefaultSecurityGroup = s.get("restrictDefaultSecurityGroup", NETWORK);

  // Keys that belong to the other way of getting a VPC are errors, not silently ignored.
  const createdOnly = ["cidrBlock", "availabilityZones", "egress", "natGateways"];
  const existingOnly = ["privateSubnetIds", "publicSubnetIds"];
  for (const key of existing ? createdOnly : existingOnly) {
    if (s.has(key)) {
      s.problems.add(
        s.keyPath(key),
        s.value(key),
        existing
          ? `nothing: ${key} applies only to a VPC Berth creates, and ${s.keyPath("vpcId")} is set`
          : `nothing unless ${s.keyPath("vpcId")} is set (an existing VPC)`,
      );
    }
  }

  let privateSubnetIds: string[] = [];
  let publicSubnetIds: string[] = [];
  let cidrBlock = defaultIn(NETWORK.cidrBlock.default, environment)!;
  let availabilityZones = defaultIn(NETWORK.availabilityZones.default, environment)!;
  let egress = defaultIn(NETWORK.egress.default, environment)!;
  let natGateways = defaultIn(NETWORK.natGateways.default, environment)!;

  if (existing) {
    for (const key of ["privateSubnetIds", "publicSubnetIds"] as const) {
      if (!s.has(key)) {
        s.problems.add(s.keyPath(key), undefined, `${SUBNET_ID_LIST(2).allowed} (required with ${s.keyPath("vpcId")})`);
        continue;
      }
      const ids = s.get(key, NETWORK);
      if (new Set(ids).size !== ids.length)
        s.problems.add(s.keyPath(key), ids, "distinct subnet ids (each listed once)");
      if (key === "privateSubnetIds") privateSubnetIds = ids;
      else publicSubnetIds = ids;
    }
    const shared = privateSubnetIds.filter((id) => publicSubnetIds.includes(id));
    if (shared.length > 0) {
      s.problems.add(
        s.keyPath("privateSubnetIds"),
        shared,
        `subnets different from ${s.keyPath("publicSubnetIds")}: tasks never share the load balancer's public subnets`,
      );
    }
  } else {
    const cidrText = s.string("cidrBlock", { default: cidrBlock })!; // checked below with its own allowed text
    const cidr = parseIpv4Cidr(cidrText);
    if (!cidr || cidr.prefix < 16 || cidr.prefix > 24 || !isPrivateIpv4Cidr(cidr)) {
      s.problems.add(s.keyPath("cidrBlock"), cidrText, NETWORK.cidrBlock.allowed);
    } else {
      cidrBlock = cidrText;
    }
    availabilityZones = s.get("availabilityZones", NETWORK);
    egress = s.get("egress", NETWORK);
    natGateways = s.get("natGateways", NETWORK, { environment });
    if (egress === "endpoints" && s.has("natGateways")) {
      s.problems.add(
        s.keyPath("natGateways"),
        s.value("natGateways"),
        `nothing: NAT gateways exist only with ${s.keyPath("egress")}: nat`,
      );
    }
  }
  s.done();
  return {
    vpcId: existing ? vpcId : undefined,
    privateSubnetIds,
    publicSubnetIds,
    cidrBlock,
    availabilityZones,
    egress,
    natGateways,
    flowLogs,
    flowLogsTrafficType,
    restrictDefaultSecurityGroup,
  };
}

export function readLoadBalancerSettings(
  s: ConfigSection,
  environment: Environment,
  region: string,
): LoadBalancerSettings {
  const certificateArn = s.get("certificateArn", LOAD_BALANCER);
  if (certificateArn && region && certificateArn.split(":")[3] !== region) {
    s.problems.add(
      s.keyPath("certificateArn"),
      certificateArn,
      `an ACM certificate in the stack's region ${region} (an ALB only uses certificates from its own region)`,
    );
  }
  const ingressCidrs = s.get("ingressCidrs", LOAD_BALANCER);
  const badCidrs = ingressCidrs.filter((c) => !parseIpv4Cidr(c));
  if (badCidrs.length > 0)
    s.problems.add(s.keyPath("ingressCidrs"), badCidrs, "IPv4 CIDRs such as 203.0.113.0/24 (no host bits set)");
  if (new Set(ingressCidrs).size !== ingressCidrs.length)
    s.problems.add(s.keyPath("ingressCidrs"), ingressCidrs, "distinct CIDRs (each listed once)");
  // One inbound rule per CIDR and listener port (443 and 80); a security group takes at most 60 inbound rules
  // (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
  if (ingressCidrs.length > MAX_INGRESS_CIDRS)
    s.problems.add(
      s.keyPath("ingressCidrs"),
      `${ingressCidrs.length} CIDRs`,
      `at most ${MAX_INGRESS_CIDRS} CIDRs (2 listener ports each, 60 inbound rules per security group)`,
    );

  const hc = s.section("healthCheck");
  const healthCheck: TargetHealthCheckSettings = hc.readAll(TARGET_HEALTH_CHECK);

  const out: LoadBalancerSettings = {
    certificateArn,
    ingressCidrs,
    dropInvalidHeaderFields: s.get("dropInvalidHeaderFields", LOAD_BALANCER),
    accessLogs: s.get("accessLogs", LOAD_BALANCER),
    deletionProtection: s.get("deletionProtection", LOAD_BALANCER, { environment }),
    desyncMitigationMode: s.get("desyncMitigationMode", LOAD_BALANCER),
    tlsPolicy: s.get("tlsPolicy", LOAD_BALANCER),
    accessLogsExpiryDays: s.get("accessLogsExpiryDays", LOAD_BALANCER),
    idleTimeoutSeconds: s.get("idleTimeoutSeconds", LOAD_BALANCER),
    healthCheck,
    deregistrationDelaySeconds: s.get("deregistrationDelaySeconds", LOAD_BALANCER),
  };
  s.done();
  return out;
}

export function readClusterSettings(s: ConfigSection): ClusterSettings {
  return s.readAll(CLUSTER);
}

export function readLogSettings(s: ConfigSection, environment: Environment): LogSettings {
  return s.readAll(LOGS, { environment });
}
