/**
 * The network, load balancer, cluster and log settings readers (through `loadSettings`, as the program calls them)
 * and the pure functions the components are built from. No Pulumi runtime here.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadSettings, type Settings } from "../../infra/config";
import { parseIpv4Cidr, isPrivateIpv4Cidr, TLS_POLICIES } from "../../infra/config/network";
import {
  planSubnets,
  natGatewayPlacement,
  flowLogsPolicies,
  networkWarnings,
  INTERFACE_ENDPOINT_SERVICES,
} from "../../infra/network/network";
import { capacityProviders, clusterWarnings } from "../../infra/ecs/cluster";
import { logGroupKeyPolicy } from "../../infra/ecs/logGroupKey";
import {
  accessLogsBucketPolicy,
  listenerPorts,
  loadBalancerWarnings,
  routeConditions,
  routedServices,
  targetHealthCheck,
} from "../../infra/network/loadBalancer";
import { stackConfig, SHA } from "../support";

/** The statements of a rendered policy document (plain values here: the functions are pure). */
const statements = (doc: { Statement: unknown }): any[] => doc.Statement as any[];

const git = () => ({ head: SHA, tagsAtHead: [], dirty: false });

function load(stack: string, overrides: Record<string, unknown>): Settings {
  return loadSettings(stackConfig(stack, overrides), { stack, git });
}

/** Loads and expects a ConfigError with a problem at `key` whose allowed text matches `allowed`. */
function rejects(overrides: Record<string, unknown>, key: string, allowed: RegExp, stack = "staging"): void {
  let error: unknown;
  try {
    load(stack, overrides);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ConfigError, `expected a ConfigError for ${key}, got ${String(error)}`);
  const problem = error.problems.find((p) => p.key === key);
  assert.ok(problem, `no problem at ${key}; problems: ${error.problems.map((p) => p.key).join(", ")}`);
  assert.match(problem.allowed, allowed);
  assert.match(error.message, new RegExp(key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
}

describe("defaults by environment", () => {
  test("staging: created VPC 10.0.0.0/16 over 2 AZs, NAT egress, one NAT gateway; ALB deletion protection off; 30-day logs", () => {
    const s = load("staging", { "berth:network": undefined });
    assert.deepEqual(s.network, {
      vpcId: undefined,
      privateSubnetIds: [],
      publicSubnetIds: [],
      cidrBlock: "10.0.0.0/16",
      availabilityZones: 2,
      egress: "nat",
      natGateways: "single",
      flowLogs: true,
      flowLogsTrafficType: "ALL",
      restrictDefaultSecurityGroup: true,
    });
    assert.equal(s.loadBalancer!.deletionProtection, false);
    assert.equal(s.logs.retentionDays, 30);
  });

  test("prod: one NAT gateway per AZ, deletion protection on, 365-day logs", () => {
    const s = load("prod", { "berth:network": undefined });
    assert.equal(s.network!.natGateways, "perAz");
    assert.equal(s.loadBalancer!.deletionProtection, true);
    assert.equal(s.logs.retentionDays, 365);
  });

  test("hardening defaults: TLS 1.3 policy, drop invalid headers, defensive desync, access logs, /health every 10 s, healthy after 2, 15 s drain, enhanced Insights", () => {
    const s = load("staging", { "berth:loadBalancer": {} });
    assert.deepEqual(
      { ...s.loadBalancer },
      {
        certificateArn: undefined,
        ingressCidrs: ["0.0.0.0/0"],
        deletionProtection: false,
        accessLogs: true,
        accessLogsExpiryDays: 90,
        tlsPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        desyncMitigationMode: "defensive",
        dropInvalidHeaderFields: true,
        idleTimeoutSeconds: 60,
        healthCheck: {
          path: "/health",
          matcher: "200",
          intervalSeconds: 10,
          timeoutSeconds: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
        deregistrationDelaySeconds: 15,
      },
    );
    assert.deepEqual(s.cluster, { containerInsights: "enhanced", fargateSpot: false });
  });

  test("an existing VPC with its subnets is accepted as given", () => {
    const s = load("staging", {
      "berth:network": {
        vpcId: "vpc-0123abcd",
        privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
        publicSubnetIds: ["subnet-0000000c", "subnet-0000000d"],
      },
    });
    assert.equal(s.network!.vpcId, "vpc-0123abcd");
    assert.deepEqual(s.network!.privateSubnetIds, ["subnet-0000000a", "subnet-0000000b"]);
  });
});

describe("network validation names the key, the value and what is allowed", () => {
  const key = "berth:network";
  test("cidrBlock: host bits, public range, too large, too small, garbage", () => {
    for (const cidrBlock of ["10.0.0.1/16", "8.8.0.0/16", "10.0.0.0/8", "10.0.0.0/25", "10.0.0/16"]) {
      rejects({ [key]: { cidrBlock } }, "berth:network.cidrBlock", /RFC 1918.*\/16 to \/24/);
    }
  });
  test("availabilityZones outside 2-6", () => {
    rejects({ [key]: { availabilityZones: 1 } }, "berth:network.availabilityZones", /from 2 to 6/);
    rejects({ [key]: { availabilityZones: 7 } }, "berth:network.availabilityZones", /from 2 to 6/);
  });
  test("egress and natGateways values; natGateways without NAT egress", () => {
    rejects({ [key]: { egress: "igw" } }, "berth:network.egress", /"nat", "endpoints"/);
    rejects({ [key]: { natGateways: "many" } }, "berth:network.natGateways", /"single", "perAz"/);
    rejects({ [key]: { egress: "endpoints", natGateways: "single" } }, "berth:network.natGateways", /egress: nat/);
  });
  test("vpcId format; existing VPC needs at least 2 distinct, well-formed subnets of each kind, not shared", () => {
    const subnets = {
      privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
      publicSubnetIds: ["subnet-0000000c", "subnet-0000000d"],
    };
    rejects({ [key]: { vpcId: "vpc-xyz", ...subnets } }, "berth:network.vpcId", /vpc- followed by 8 or 17 hex/);
    rejects(
      { [key]: { vpcId: "vpc-0123abcd", publicSubnetIds: subnets.publicSubnetIds } },
      "berth:network.privateSubnetIds",
      /required with berth:network.vpcId/,
    );
    rejects(
      { [key]: { vpcId: "vpc-0123abcd", ...subnets, privateSubnetIds: ["subnet-0000000a"] } },
      "berth:network.privateSubnetIds",
      /at least 2/,
    );
    rejects(
      { [key]: { vpcId: "vpc-0123abcd", ...subnets, publicSubnetIds: ["subnet-0000000c", "sn-1"] } },
      "berth:network.publicSubnetIds",
      /subnet ids/,
    );
    rejects(
      { [key]: { vpcId: "vpc-0123abcd", ...subnets, publicSubnetIds: ["subnet-0000000c", "subnet-0000000c"] } },
      "berth:network.publicSubnetIds",
      /distinct/,
    );
    rejects(
      { [key]: { vpcId: "vpc-0123abcd", ...subnets, publicSubnetIds: ["subnet-0000000a", "subnet-0000000d"] } },
      "berth:network.privateSubnetIds",
      /different from/,
    );
  });
  test("settings of the other way of getting a VPC are refused, not ignored", () => {
    const subnets = {
      privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
      publicSubnetIds: ["subnet-0000000c", "subnet-0000000d"],
    };
    rejects(
      { [key]: { vpcId: "vpc-0123abcd", ...subnets, cidrBlock: "10.1.0.0/16" } },
      "berth:network.cidrBlock",
      /only to a VPC Berth creates/,
    );
    rejects(
      { [key]: { privateSubnetIds: subnets.privateSubnetIds } },
      "berth:network.privateSubnetIds",
      /unless berth:network.vpcId is set/,
    );
  });
  test("unknown keys and bad switches", () => {
    rejects({ [key]: { flowlogs: false } }, "berth:network.flowlogs", /a known setting of berth:network/);
    rejects({ [key]: { flowLogs: "no" } }, "berth:network.flowLogs", /true or false/);
    rejects({ [key]: { flowLogsTrafficType: "SOME" } }, "berth:network.flowLogsTrafficType", /"ALL"/);
  });
});

describe("load balancer validation", () => {
  const key = "berth:loadBalancer";
  test("tlsPolicy must be a TLS 1.3 policy without CBC/SHA-1 extensions", () => {
    rejects(
      { [key]: { tlsPolicy: "ELBSecurityPolicy-2016-08" } },
      "berth:loadBalancer.tlsPolicy",
      /ELBSecurityPolicy-TLS13-1-2-2021-06/,
    );
    rejects(
      { [key]: { tlsPolicy: "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06" } },
      "berth:loadBalancer.tlsPolicy",
      /TLS13-1-3-2021-06/,
    );
    for (const tlsPolicy of TLS_POLICIES)
      assert.equal(load("staging", { [key]: { tlsPolicy } }).loadBalancer!.tlsPolicy, tlsPolicy);
  });
  test("certificateArn: ACM ARN format, and in the stack's region", () => {
    rejects(
      { [key]: { certificateArn: "arn:aws:iam::111111111111:server-certificate/x" } },
      "berth:loadBalancer.certificateArn",
      /ACM certificate ARN/,
    );
    rejects(
      {
        [key]: {
          certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000",
        },
      },
      "berth:loadBalancer.certificateArn",
      /region eu-west-1/,
    );
  });
  test("ingressCidrs: IPv4 CIDRs, at least one, distinct", () => {
    rejects({ [key]: { ingressCidrs: ["203.0.113.7"] } }, "berth:loadBalancer.ingressCidrs", /IPv4 CIDR/);
    rejects({ [key]: { ingressCidrs: ["203.0.113.7/24"] } }, "berth:loadBalancer.ingressCidrs", /no host bits/);
    rejects({ [key]: { ingressCidrs: [] } }, "berth:loadBalancer.ingressCidrs", /at least 1/);
    rejects({ [key]: { ingressCidrs: ["10.0.0.0/8", "10.0.0.0/8"] } }, "berth:loadBalancer.ingressCidrs", /distinct/);
  });
  test("deregistration delay at most 30 s; health check interval 10-15 s, healthy threshold exactly 2, timeout 2-9 s (below any interval)", () => {
    rejects(
      { [key]: { deregistrationDelaySeconds: 31 } },
      "berth:loadBalancer.deregistrationDelaySeconds",
      /from 0 to 30/,
    );
    rejects(
      { [key]: { healthCheck: { intervalSeconds: 30 } } },
      "berth:loadBalancer.healthCheck.intervalSeconds",
      /from 10 to 15/,
    );
    rejects(
      { [key]: { healthCheck: { intervalSeconds: 5 } } },
      "berth:loadBalancer.healthCheck.intervalSeconds",
      /from 10 to 15/,
    );
    rejects(
      { [key]: { healthCheck: { healthyThreshold: 3 } } },
      "berth:loadBalancer.healthCheck.healthyThreshold",
      /^2 /,
    );
    rejects(
      { [key]: { healthCheck: { timeoutSeconds: 10 } } },
      "berth:loadBalancer.healthCheck.timeoutSeconds",
      /from 2 to 9/,
    );
    rejects({ [key]: { healthCheck: { path: "health" } } }, "berth:loadBalancer.healthCheck.path", /absolute URL path/);
    rejects({ [key]: { healthCheck: { interval: 10 } } }, "berth:loadBalancer.healthCheck.interval", /a known setting/);
  });
  test("desync mitigation only defensive or strictest; switches are booleans; unknown keys refused", () => {
    rejects(
      { [key]: { desyncMitigationMode: "monitor" } },
      "berth:loadBalancer.desyncMitigationMode",
      /"defensive", "strictest"/,
    );
    rejects({ [key]: { deletionProtection: "yes" } }, "berth:loadBalancer.deletionProtection", /true or false/);
    rejects({ [key]: { accesslogs: true } }, "berth:loadBalancer.accesslogs", /a known setting of berth:loadBalancer/);
  });
  test("explicit opt-outs are read as given", () => {
    const lb = load("prod", {
      [key]: { deletionProtection: false, accessLogs: false, dropInvalidHeaderFields: false },
    }).loadBalancer!;
    assert.deepEqual([lb.deletionProtection, lb.accessLogs, lb.dropInvalidHeaderFields], [false, false, false]);
  });
});

describe("cluster and log validation", () => {
  test("containerInsights values, fargateSpot boolean, unknown keys", () => {
    rejects(
      { "berth:cluster": { containerInsights: "on" } },
      "berth:cluster.containerInsights",
      /"enhanced", "enabled", "disabled"/,
    );
    rejects({ "berth:cluster": { fargateSpot: "sometimes" } }, "berth:cluster.fargateSpot", /true or false/);
    rejects({ "berth:cluster": { insights: true } }, "berth:cluster.insights", /a known setting/);
  });
  test("log retention only in CloudWatch's allowed set", () => {
    rejects({ "berth:logs": { retentionDays: 45 } }, "berth:logs.retentionDays", /one of 1, 3, 5, 7, 14, 30/);
    assert.equal(load("staging", { "berth:logs": { retentionDays: 400 } }).logs.retentionDays, 400);
  });
  test("several problems are reported together", () => {
    try {
      load("staging", {
        "berth:network": { availabilityZones: 9 },
        "berth:loadBalancer": { deregistrationDelaySeconds: 300 },
        "berth:cluster": { containerInsights: "x" },
      });
      assert.fail("expected a ConfigError");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const keys = e.problems.map((p) => p.key);
      for (const k of [
        "berth:network.availabilityZones",
        "berth:loadBalancer.deregistrationDelaySeconds",
        "berth:cluster.containerInsights",
      ])
        assert.ok(keys.includes(k), k);
    }
  });
});

describe("pure functions", () => {
  test("parseIpv4Cidr accepts network CIDRs only; isPrivateIpv4Cidr knows RFC 1918", () => {
    assert.deepEqual(parseIpv4Cidr("10.0.0.0/16"), { address: 0x0a000000, prefix: 16 });
    for (const bad of ["10.0.0.1/16", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.0", "a.b.c.d/8"])
      assert.equal(parseIpv4Cidr(bad), undefined, bad);
    assert.equal(isPrivateIpv4Cidr(parseIpv4Cidr("172.16.0.0/16")!), true);
    assert.equal(isPrivateIpv4Cidr(parseIpv4Cidr("172.32.0.0/16")!), false);
    assert.equal(isPrivateIpv4Cidr(parseIpv4Cidr("192.168.10.0/24")!), true);
    assert.equal(isPrivateIpv4Cidr(parseIpv4Cidr("8.0.0.0/8")!), false);
  });

  test("planSubnets: 1/16 blocks, public from block 0, private from block 8, never overlapping", () => {
    assert.deepEqual(planSubnets("10.0.0.0/16", 2), {
      public: ["10.0.0.0/20", "10.0.16.0/20"],
      private: ["10.0.128.0/20", "10.0.144.0/20"],
    });
    const six = planSubnets("192.168.0.0/24", 6);
    assert.deepEqual(six.public, [
      "192.168.0.0/28",
      "192.168.0.16/28",
      "192.168.0.32/28",
      "192.168.0.48/28",
      "192.168.0.64/28",
      "192.168.0.80/28",
    ]);
    assert.equal(six.private[5], "192.168.0.208/28");
    assert.equal(new Set([...six.public, ...six.private]).size, 12);
    // Adding an AZ never renumbers the existing subnets.
    const three = planSubnets("10.0.0.0/16", 3);
    assert.deepEqual(three.private.slice(0, 2), planSubnets("10.0.0.0/16", 2).private);
  });

  test("natGatewayPlacement: single -> every AZ uses AZ 0's gateway; perAz -> its own; endpoints -> none", () => {
    assert.deepEqual(natGatewayPlacement({ egress: "nat", natGateways: "single" }, 3), [0, 0, 0]);
    assert.deepEqual(natGatewayPlacement({ egress: "nat", natGateways: "perAz" }, 3), [0, 1, 2]);
    assert.deepEqual(natGatewayPlacement({ egress: "endpoints", natGateways: "perAz" }, 3), []);
    assert.deepEqual([...INTERFACE_ENDPOINT_SERVICES].sort(), ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]);
  });

  test("flowLogsPolicies: trust only vpc-flow-logs from this account; write only to the one log group", () => {
    const p = flowLogsPolicies(
      "111111111111",
      "arn:aws:logs:eu-west-1:111111111111:log-group:/berth/staging/vpc-flow-logs",
    );
    assert.deepEqual(statements(p.trust), [
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
    assert.deepEqual(statements(p.permissions)[0], {
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [
        "arn:aws:logs:eu-west-1:111111111111:log-group:/berth/staging/vpc-flow-logs",
        "arn:aws:logs:eu-west-1:111111111111:log-group:/berth/staging/vpc-flow-logs:*",
      ],
    });
  });

  test("accessLogsBucketPolicy: writes under the prefix and account only; the ELB account statement only when given; TLS-only deny", () => {
    const arn = "arn:aws:s3:::logs-bucket";
    const withoutAccount = accessLogsBucketPolicy({ bucketArn: arn, accountId: "222222222222" });
    assert.deepEqual(
      statements(withoutAccount).map((s) => s.Sid),
      ["ElbLogDeliveryWrites", "DenyWithoutTls"],
    );
    assert.equal(statements(withoutAccount)[0].Resource, "arn:aws:s3:::logs-bucket/alb/AWSLogs/222222222222/*");
    const withAccount = accessLogsBucketPolicy({
      bucketArn: arn,
      accountId: "222222222222",
      elbAccountArn: "arn:aws:iam::156460612806:root",
    });
    assert.deepEqual(statements(withAccount)[1].Principal, { AWS: "arn:aws:iam::156460612806:root" });
    assert.deepEqual(statements(withAccount)[2].Condition, { Bool: { "aws:SecureTransport": "false" } });
  });

  test("logGroupKeyPolicy: CloudWatch Logs of the region may use the key only for the one log group", () => {
    const p = logGroupKeyPolicy({
      accountId: "111111111111",
      region: "eu-west-1",
      logGroupName: "/berth/staging/ecs-exec",
    });
    const logs = statements(p).find((s) => s.Sid === "CloudWatchLogsForThisLogGroupOnly");
    assert.deepEqual(logs.Principal, { Service: "logs.eu-west-1.amazonaws.com" });
    assert.deepEqual(logs.Condition, {
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111111111111:log-group:/berth/staging/ecs-exec",
      },
    });
    assert.equal(capacityProviders({ fargateSpot: false }).join(), "FARGATE");
    assert.equal(capacityProviders({ fargateSpot: true }).join(), "FARGATE,FARGATE_SPOT");
  });

  test("routes: only routed services, sorted; conditions are path AND host; none for a default-only route", () => {
    const s = load("staging", {});
    assert.deepEqual(
      routedServices(s.services).map((x) => x.name),
      ["web"],
    );
    assert.deepEqual(routeConditions({ isDefault: true, pathPatterns: [], hostHeaders: [], priority: 100 }), []);
    assert.deepEqual(
      routeConditions({ isDefault: false, pathPatterns: ["/a/*"], hostHeaders: ["x.example.com"], priority: 5 }),
      [{ pathPattern: { values: ["/a/*"] } }, { hostHeader: { values: ["x.example.com"] } }],
    );
  });

  test("targetHealthCheck and listenerPorts follow the settings", () => {
    const lb = load("staging", {
      "berth:loadBalancer": { healthCheck: { intervalSeconds: 12, unhealthyThreshold: 4 } },
    }).loadBalancer!;
    assert.deepEqual(targetHealthCheck(lb), {
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: "/health",
      matcher: "200",
      interval: 12,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 4,
    });
    assert.deepEqual(listenerPorts(lb), [80]);
    assert.deepEqual(
      listenerPorts({
        certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000000",
      }),
      [443, 80],
    );
  });

  test("warnings: one per weakened setting, none for the defaults", () => {
    const prod = load("prod", {});
    assert.deepEqual(loadBalancerWarnings(prod.loadBalancer!, "prod"), []);
    assert.deepEqual(networkWarnings(prod.network!), []);
    assert.deepEqual(clusterWarnings(prod.cluster!), []);
    const weak = load("prod", { "berth:loadBalancer": { deletionProtection: false } }).loadBalancer!;
    assert.equal(loadBalancerWarnings(weak, "prod").length, 2, "no certificate, no deletion protection in prod");
    assert.match(loadBalancerWarnings(weak, "prod")[1], /deletionProtection is false in prod/);
    assert.deepEqual(
      loadBalancerWarnings({ ...weak, certificateArn: "x" }, "staging"),
      [],
      "staging without deletion protection is its default, not a warning",
    );
    assert.equal(networkWarnings({ flowLogs: false, restrictDefaultSecurityGroup: false }).length, 2);
    assert.equal(clusterWarnings({ containerInsights: "disabled" }).length, 1);
    assert.equal(clusterWarnings({ containerInsights: "enabled" }).length, 0);
  });
});
