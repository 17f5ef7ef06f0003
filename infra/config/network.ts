/** Network, load balancer, cluster and log settings. Owner: network/ALB engineer (H4b). */
export interface NetworkSettings {
  /** Use this existing VPC (with the subnet ids below) instead of creating one. */
  vpcId?: string;
  privateSubnetIds: string[];
  publicSubnetIds: string[];
  cidrBlock: string;
  availabilityZones: number;
  /** How tasks in private subnets reach ECR, Logs, SSM and S3. */
  egress: "nat" | "endpoints";
  natGateways: "single" | "perAz";
}

export interface LoadBalancerSettings {
  /** ACM certificate ARN; without it the ALB serves HTTP only, with a loud warning. */
  certificateArn?: string;
  ingressCidrs: string[];
  deletionProtection: boolean;
  accessLogs: boolean;
  accessLogsExpiryDays: number;
  tlsPolicy: string;
  desyncMitigationMode: "defensive" | "strictest";
  dropInvalidHeaderFields: boolean;
  idleTimeoutSeconds: number;
}

export interface ClusterSettings {
  containerInsights: "enhanced" | "enabled" | "disabled";
}

export interface LogSettings {
  retentionDays: number;
}

import type { ConfigSection } from "./section";
import type { Environment } from "../config";

// Minimal readers so the program runs end to end; H4b completes validation and defaults.
export function readNetworkSettings(s: ConfigSection): NetworkSettings {
  const out: NetworkSettings = {
    vpcId: s.string("vpcId", { pattern: /^vpc-[0-9a-f]{8,17}$/ }),
    privateSubnetIds: s.stringList("privateSubnetIds", { default: [], pattern: /^subnet-[0-9a-f]{8,17}$/ }),
    publicSubnetIds: s.stringList("publicSubnetIds", { default: [], pattern: /^subnet-[0-9a-f]{8,17}$/ }),
    cidrBlock: s.string("cidrBlock", { default: "10.0.0.0/16" })!,
    availabilityZones: s.integer("availabilityZones", { default: 2, min: 2, max: 6 }),
    egress: s.oneOf("egress", ["nat", "endpoints"] as const, "nat"),
    natGateways: s.oneOf("natGateways", ["single", "perAz"] as const, "single"),
  };
  s.done();
  return out;
}

export function readLoadBalancerSettings(s: ConfigSection, environment: Environment): LoadBalancerSettings {
  const out: LoadBalancerSettings = {
    certificateArn: s.string("certificateArn", { pattern: /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/ }),
    ingressCidrs: s.stringList("ingressCidrs", { default: ["0.0.0.0/0"] }),
    deletionProtection: s.boolean("deletionProtection", environment === "prod"),
    accessLogs: s.boolean("accessLogs", true),
    accessLogsExpiryDays: s.integer("accessLogsExpiryDays", { default: 90, min: 1, max: 3650 }),
    tlsPolicy: s.string("tlsPolicy", { default: "ELBSecurityPolicy-TLS13-1-2-2021-06" })!,
    desyncMitigationMode: s.oneOf("desyncMitigationMode", ["defensive", "strictest"] as const, "defensive"),
    dropInvalidHeaderFields: s.boolean("dropInvalidHeaderFields", true),
    idleTimeoutSeconds: s.integer("idleTimeoutSeconds", { default: 60, min: 1, max: 4000 }),
  };
  s.done();
  return out;
}

export function readClusterSettings(s: ConfigSection): ClusterSettings {
  const out: ClusterSettings = {
    containerInsights: s.oneOf("containerInsights", ["enhanced", "enabled", "disabled"] as const, "enhanced"),
  };
  s.done();
  return out;
}

const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export function readLogSettings(s: ConfigSection, environment: Environment): LogSettings {
  const out: LogSettings = {
    retentionDays: s.integer("retentionDays", { default: environment === "prod" ? 365 : 30, oneOf: CLOUDWATCH_RETENTION_DAYS }),
  };
  s.done();
  return out;
}
