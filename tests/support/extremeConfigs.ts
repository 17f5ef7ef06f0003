/**
 * Valid stack configurations at the extremes the settings readers accept (not a test file): the longest stack, image,
 * service, tag and environment names, the most services, routes, condition values, tags, secrets, ingress CIDRs,
 * replication destinations and reviewers, every optional feature on. Each must load, and every resource the program
 * registers from it must pass the cloud limit checks (offline/cloudLimits.ts).
 */

import { MAX_EXTRA_TAGS } from "../../infra/config";
import { MAX_LISTENER_RULES, ROUTE_CONDITION_VALUES, SECRET_ARN_BUDGET } from "../../infra/config/services";
import { MAX_INGRESS_CIDRS } from "../../infra/config/network";
import { MAX_REPLICATION_DESTINATIONS } from "../../infra/config/registries";
import { SHA, STAGING_ACCOUNT, PROD_ACCOUNT } from "./constants";
import { fixtureStackConfig } from "./fixtures";

export interface ExtremeCase {
  title: string;
  stack: string;
  config: Record<string, string>;
  /** Availability zones the region's mock reports (the most `availabilityZones` accepts needs 6). */
  zones: number;
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Config keys stored encrypted (`pulumi config set --secret`). */
  secretKeys?: string[];
}

/** `length` characters from `seed`, lowercase letters and digits, ending with a letter. */
const fill = (seed: string, length: number) => (seed + "z".repeat(length)).slice(0, length);

/** A 20-character service name (the most SERVICE_NAME accepts). */
const serviceName = (i: number) => fill(`svc-${String(i).padStart(3, "0")}-`, 20);

function services(count: number, routed: number, region: string, account: string) {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const name = serviceName(i);
    // Secret ARNs up to the per-service budget: each counted with 3 characters for its quotes and comma.
    const secrets: Record<string, string> = {};
    let chars = 0;
    for (let k = 0; ; k++) {
      const arn = `arn:aws:secretsmanager:${region}:${account}:secret:${fill(`berth/${name}/${k}-`, 180)}`;
      if (chars + arn.length + 3 > SECRET_ARN_BUDGET) break;
      secrets[`SECRET_${k}`] = arn;
      chars += arn.length + 3;
    }
    const service: Record<string, unknown> = {
      cpu: 16384,
      memory: 122880,
      desiredCount: 3,
      autoscaling: { minCount: 3, maxCount: 1000 },
      enableExecuteCommand: true,
      secrets,
      environment: { [fill("A_", 200).toUpperCase().replace(/Z/g, "A")]: "v".repeat(1000) },
    };
    if (i < routed) {
      // 5 condition values with 5 wildcards in all, each value 128 characters (the most a rule takes).
      const paths = [0, 1, 2].map((p) => `/${fill(`${name}/${p}/`, 126)}*`);
      const hosts = [0, 1]
        .slice(0, ROUTE_CONDITION_VALUES - paths.length)
        .map((h) => `*.${fill(`h${h}-${name}-`, 126)}`);
      service.route = { default: i === 0, pathPatterns: paths, hostHeaders: hosts, priority: 50000 - i };
      service.healthCheckGracePeriodSeconds = 3600;
      // Rolling where the extreme needs it: a default route with conditions cannot shift traffic, and 100 shifting
      // services would need 200 target groups (100 per ALB). The others keep the environment's canary (alt-<name>).
      if (i === 0 || routed > 50) service.deployment = { strategy: "rolling" };
    }
    out[name] = service;
  }
  return out;
}

function tags() {
  const out: Record<string, string> = {};
  for (let i = 0; i < MAX_EXTRA_TAGS; i++) out[fill(`Tag ${i} `, 128)] = "V".repeat(256);
  return out;
}

const imageName = fill("image-", 63);

export function extremeCases(): ExtremeCase[] {
  const staging = fixtureStackConfig("staging");
  const prod = fixtureStackConfig("prod");
  const common = {
    "berth:imageSha": SHA,
    "berth:releaseTag": "v999999999.999999999.999999999",
    "berth:imageName": imageName,
    "berth:githubOwner": fill("o", 39),
    "berth:githubRepository": fill("r", 100),
    "berth:tags": JSON.stringify(tags()),
    "berth:platform": "linux/arm64",
  };
  const lb = (account: string) => ({
    certificateArn: `arn:aws:acm:eu-west-1:${account}:certificate/00000000-0000-4000-8000-000000000000`,
    ingressCidrs: Array.from({ length: MAX_INGRESS_CIDRS }, (_, i) => `203.0.${i}.0/24`),
    accessLogs: true,
    deletionProtection: true,
  });
  const delivery = (reviewers: number) => ({
    enabled: true,
    // The longest name whose deploy subject still fits GCP's google.subject (127 bytes) with the largest ids.
    githubEnvironment: fill(
      "E",
      127 -
        `repository_owner_id:${Number.MAX_SAFE_INTEGER}:repository_id:${Number.MAX_SAFE_INTEGER}:environment:`.length,
    ).replace(/z/g, "E"),
    requiredReviewers: Array.from({ length: reviewers }, (_, i) => `${fill(`u${i}-`, 39)}=${100000000000 + i}`),
    workloadIdentityPoolId: fill("pool-", 32),
    workloadIdentityProviderId: fill("prov-", 32),
    deployBranch: fill("release/", 200),
    maxSessionSeconds: 43200,
    // Reviewers on a non-public repository: GitHub Enterprise (infra/config/delivery.ts checkGithubPlan).
    githubVisibility: "internal",
    githubPlan: "enterprise",
    githubOwnerId: 9_007_199_254_740_991,
    githubRepositoryId: 9_007_199_254_740_991,
  });
  const stagingStack = "staging-eu-wst-1"; // 16 characters: the longest aws stack name
  const prodStack = "prod-eu-west-1-x";
  return [
    {
      title: `staging at the extremes: ${MAX_LISTENER_RULES} routed services with 5 condition values each, NAT per AZ in 6 AZs`,
      stack: stagingStack,
      zones: 6,
      config: {
        ...staging,
        ...common,
        "berth:services": JSON.stringify(
          services(MAX_LISTENER_RULES + 1, MAX_LISTENER_RULES, "eu-west-1", STAGING_ACCOUNT),
        ),
        "berth:network": JSON.stringify({ availabilityZones: 6, egress: "nat", natGateways: "perAz", flowLogs: true }),
        "berth:loadBalancer": JSON.stringify(lb(STAGING_ACCOUNT)),
        "berth:cluster": JSON.stringify({ containerInsights: "enhanced", fargateSpot: true }),
        "berth:ecr": JSON.stringify({
          replicateTo: [
            { accountId: STAGING_ACCOUNT, region: "us-east-1" }, // this account, another region
            ...Array.from({ length: MAX_REPLICATION_DESTINATIONS - 1 }, (_, i) => ({
              accountId: String(333333333300 + i),
              region: "eu-west-1",
            })),
          ],
          keepShaImages: 1000,
          untaggedExpiryDays: 365,
        }),
        "berth:artifactRegistry": JSON.stringify({
          enabled: true,
          location: "northamerica-northeast2",
          keepRecentVersions: 1000,
        }),
        "berth:ghcr": JSON.stringify({ enabled: true }),
        "berth:delivery": JSON.stringify(delivery(6)),
        "berth:logs": JSON.stringify({ retentionDays: 3653 }),
      },
    },
    {
      title: "prod at the extremes: interface endpoints, replication accepted, reviewers, the longest names",
      stack: prodStack,
      zones: 6,
      config: {
        ...prod,
        ...common,
        "berth:services": JSON.stringify(services(3, 2, "eu-west-1", PROD_ACCOUNT)),
        "berth:network": JSON.stringify({
          availabilityZones: 6,
          egress: "endpoints",
          flowLogs: true,
          flowLogsTrafficType: "ALL",
        }),
        "berth:loadBalancer": JSON.stringify(lb(PROD_ACCOUNT)),
        "berth:cluster": JSON.stringify({ containerInsights: "enhanced", fargateSpot: true }),
        "berth:ecr": JSON.stringify({ acceptReplicationFrom: STAGING_ACCOUNT, keepShaImages: 1000 }),
        "berth:artifactRegistry": JSON.stringify({ enabled: true }),
        "berth:ghcr": JSON.stringify({ enabled: true }),
        "berth:delivery": JSON.stringify(delivery(6)),
        "berth:promotion": JSON.stringify({ fromStack: `${fill("org", 60)}/berth/${stagingStack}` }),
      },
      stackOutputs: {},
    },
    {
      // Not an extreme of size: the other shape of the network (examples/existing-vpc), whose invoke (aws.ec2.getVpc)
      // and resources no other configuration registers.
      title: "staging in an existing VPC: no VPC, subnets or gateways created; the VPC read for its CIDR",
      stack: "staging",
      zones: 2,
      config: {
        ...staging,
        "berth:imageSha": SHA,
        "berth:network": JSON.stringify({
          vpcId: "vpc-0a1b2c3d4e5f60718",
          privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
          publicSubnetIds: ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"],
        }),
      },
    },
  ];
}
