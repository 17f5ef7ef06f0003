/**
 * Network, load balancer, cluster and log settings (`berth:network`, `berth:loadBalancer`, `berth:cluster`,
 * `berth:logs`). Every default is applied here, once; the components only read
 * the result. Hardening is on unless the stack configuration switches it off explicitly, per setting.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./";
import { TLS13_LISTENER_POLICIES } from "../../policy/securityLists";

export interface NetworkSettings {
  /** Use this existing VPC (with the subnet ids below) instead of creating one. */
  vpcId?: string;
  /** Existing VPC only: subnets for the tasks (no public IPs) and for the load balancer; at least 2 each. */
  privateSubnetIds: string[];
  publicSubnetIds: string[];
  /** Created VPC only: its IPv4 CIDR (RFC 1918, /16 to /24); each subnet gets a 1/16 of it. */
  cidrBlock: string;
  /** Created VPC only: how many availability zones (2-6) get one public and one private subnet. */
  availabilityZones: number;
  /** Created VPC only: how tasks in private subnets reach ECR, Logs, SSM and S3. */
  egress: "nat" | "endpoints";
  /** Created VPC with `egress: nat` only: one shared NAT gateway, or one per AZ (survives the loss of an AZ). */
  natGateways: "single" | "perAz";
  /** VPC flow logs to CloudWatch Logs (FSBP EC2.6). */
  flowLogs: boolean;
  flowLogsTrafficType: "ALL" | "ACCEPT" | "REJECT";
  /** Take over the VPC's default security group and strip every rule from it (FSBP EC2.2). */
  restrictDefaultSecurityGroup: boolean;
}

export interface TargetHealthCheckSettings {
  path: string;
  /** HTTP codes the load balancer accepts as healthy. */
  matcher: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export interface LoadBalancerSettings {
  /** ACM certificate ARN; without it the ALB serves HTTP only, with a loud warning. */
  certificateArn?: string;
  /** IPv4 CIDRs allowed to reach the load balancer on 443 (and 80, which only redirects). */
  ingressCidrs: string[];
  deletionProtection: boolean;
  accessLogs: boolean;
  accessLogsExpiryDays: number;
  tlsPolicy: string;
  desyncMitigationMode: "defensive" | "strictest";
  dropInvalidHeaderFields: boolean;
  idleTimeoutSeconds: number;
  /** Target group health check of every routed service. */
  healthCheck: TargetHealthCheckSettings;
  /** Seconds a draining target keeps its connections (ALB deregistration delay). */
  deregistrationDelaySeconds: number;
}

export interface ClusterSettings {
  containerInsights: "enhanced" | "enabled" | "disabled";
  /** Register FARGATE_SPOT next to FARGATE as a capacity provider (services still default to FARGATE). */
  fargateSpot: boolean;
}

export interface LogSettings {
  retentionDays: number;
}

/**
 * TLS 1.3 security policies an HTTPS listener may use (FSBP ELB.17): the policy pack's list (policy/securityLists.ts),
 * so `berth:loadBalancer.tlsPolicy` accepts exactly what berth-alb-tls13-policy accepts.
 */
export const TLS_POLICIES = TLS13_LISTENER_POLICIES;
export const DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Load balancer ingress CIDRs: 60 inbound rules per security group, one per CIDR and listener port (443, 80). */
export const MAX_INGRESS_CIDRS = 30;

const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export interface Ipv4Cidr {
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

export function readNetworkSettings(s: ConfigSection, environment: Environment): NetworkSettings {
  const vpcId = s.string("vpcId", { pattern: VPC_ID, allowed: "a VPC id: vpc- followed by 8 or 17 hex digits" });
  const existing = s.has("vpcId");
  const flowLogs = s.boolean("flowLogs", true);
  const flowLogsTrafficType = s.oneOf("flowLogsTrafficType", ["ALL", "ACCEPT", "REJECT"] as const, "ALL");
  const restrictDefaultSecurityGroup = s.boolean("restrictDefaultSecurityGroup", true);

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
  let cidrBlock = "10.0.0.0/16";
  let availabilityZones = 2;
  let egress: NetworkSettings["egress"] = "nat";
  let natGateways: NetworkSettings["natGateways"] = environment === "prod" ? "perAz" : "single";

  if (existing) {
    for (const key of ["privateSubnetIds", "publicSubnetIds"] as const) {
      if (!s.has(key)) {
        s.problems.add(s.keyPath(key), undefined, `${SUBNET_ID_LIST(2).allowed} (required with ${s.keyPath("vpcId")})`);
        continue;
      }
      const ids = s.stringList(key, SUBNET_ID_LIST(2));
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
    const cidrText = s.string("cidrBlock", { default: cidrBlock })!;
    const cidr = parseIpv4Cidr(cidrText);
    if (!cidr || cidr.prefix < 16 || cidr.prefix > 24 || !isPrivateIpv4Cidr(cidr)) {
      s.problems.add(
        s.keyPath("cidrBlock"),
        cidrText,
        "a private (RFC 1918) IPv4 network CIDR from /16 to /24 with no host bits set, e.g. 10.0.0.0/16 (each subnet gets 1/16 of it)",
      );
    } else {
      cidrBlock = cidrText;
    }
    availabilityZones = s.integer("availabilityZones", { default: 2, min: 2, max: 6 });
    egress = s.oneOf("egress", ["nat", "endpoints"] as const, "nat");
    natGateways = s.oneOf("natGateways", ["single", "perAz"] as const, natGateways);
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
  const certificateArn = s.string("certificateArn", {
    pattern:
      /^arn:aws(?:-[a-z]+)*:acm:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    allowed: "an ACM certificate ARN: arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>",
  });
  if (certificateArn && region && certificateArn.split(":")[3] !== region) {
    s.problems.add(
      s.keyPath("certificateArn"),
      certificateArn,
      `an ACM certificate in the stack's region ${region} (an ALB only uses certificates from its own region)`,
    );
  }
  const ingressCidrs = s.stringList("ingressCidrs", {
    default: ["0.0.0.0/0"],
    minItems: 1,
    allowed: "a list of at least 1 IPv4 CIDR such as 203.0.113.0/24 (no host bits set)",
  });
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
  const healthCheck: TargetHealthCheckSettings = {
    path: hc.string("path", {
      default: "/health",
      pattern: /^\/[A-Za-z0-9._~/-]{0,1023}$/,
      allowed: "an absolute URL path such as /health",
    })!,
    matcher: hc.string("matcher", {
      default: "200",
      pattern: /^[2-4]\d\d$/,
      allowed: "one HTTP status code from 200 to 499, e.g. 200",
    })!,
    intervalSeconds: hc.integer("intervalSeconds", { default: 10, min: 10, max: 15 }),
    // Below the shortest interval (10 s), as the ALB requires.
    timeoutSeconds: hc.integer("timeoutSeconds", { default: 5, min: 2, max: 9 }),
    healthyThreshold: hc.integer("healthyThreshold", {
      default: 2,
      oneOf: [2],
      allowed: "2 (a target is healthy after two passing checks)",
    }),
    unhealthyThreshold: hc.integer("unhealthyThreshold", { default: 3, min: 2, max: 10 }),
  };
  hc.done();

  const out: LoadBalancerSettings = {
    certificateArn,
    ingressCidrs,
    deletionProtection: s.boolean("deletionProtection", environment === "prod"),
    accessLogs: s.boolean("accessLogs", true),
    accessLogsExpiryDays: s.integer("accessLogsExpiryDays", { default: 90, min: 1, max: 3650 }),
    tlsPolicy: s.oneOf("tlsPolicy", TLS_POLICIES, DEFAULT_TLS_POLICY),
    desyncMitigationMode: s.oneOf("desyncMitigationMode", ["defensive", "strictest"] as const, "defensive"),
    dropInvalidHeaderFields: s.boolean("dropInvalidHeaderFields", true),
    idleTimeoutSeconds: s.integer("idleTimeoutSeconds", { default: 60, min: 1, max: 4000 }),
    healthCheck,
    deregistrationDelaySeconds: s.integer("deregistrationDelaySeconds", { default: 15, min: 0, max: 30 }),
  };
  s.done();
  return out;
}

export function readClusterSettings(s: ConfigSection): ClusterSettings {
  const out: ClusterSettings = {
    containerInsights: s.oneOf("containerInsights", ["enhanced", "enabled", "disabled"] as const, "enhanced"),
    fargateSpot: s.boolean("fargateSpot", false),
  };
  s.done();
  return out;
}

export function readLogSettings(s: ConfigSection, environment: Environment): LogSettings {
  const out: LogSettings = {
    retentionDays: s.integer("retentionDays", {
      default: environment === "prod" ? 365 : 30,
      oneOf: CLOUDWATCH_RETENTION_DAYS,
    }),
  };
  s.done();
  return out;
}
