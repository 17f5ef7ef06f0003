/**
 * A created VPC reaching AWS through VPC endpoints (no NAT, no internet route from private subnets) over 3 AZs,
 * with every network/ALB/cluster hardening switch turned the other way explicitly: each opt-out is visible in the
 * registered inputs and, where it weakens the load balancer, in the warnings.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedStack } from "../../offline/mockRuntime";
import { captureNetwork, idOf, one, ofType, stackConfig } from "../support";

let c: CapturedStack;

before(async () => {
  c = await captureNetwork(
    "staging",
    stackConfig("staging", {
      "berth:network": {
        cidrBlock: "10.50.0.0/20",
        availabilityZones: 3,
        egress: "endpoints",
        flowLogs: false,
        restrictDefaultSecurityGroup: false,
      },
      "berth:loadBalancer": {
        certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-4333-8444-555555555555",
        tlsPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
        desyncMitigationMode: "strictest",
        dropInvalidHeaderFields: false,
        accessLogs: false,
        ingressCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
        deregistrationDelaySeconds: 30,
        healthCheck: { intervalSeconds: 15, healthyThreshold: 2, path: "/ready" },
      },
      "berth:cluster": { containerInsights: "disabled", fargateSpot: true },
    }),
  );
  assert.equal(c.error, undefined, String(c.error));
});

test("no NAT gateway, no Elastic IP, and no default route out of the private subnets", () => {
  assert.deepEqual(ofType(c, "aws:ec2/natGateway:NatGateway"), []);
  assert.deepEqual(ofType(c, "aws:ec2/eip:Eip"), []);
  assert.deepEqual(
    ofType(c, "aws:ec2/route:Route").map((r) => r.name),
    ["network-public-internet"],
  );
});

test("3 AZs: /24 subnets carved from 10.50.0.0/20, three distinct zones", () => {
  const subnets = Object.fromEntries(
    ofType(c, "aws:ec2/subnet:Subnet").map((s) => [s.name, [s.inputs.cidrBlock, s.inputs.availabilityZone]]),
  );
  assert.deepEqual(subnets, {
    "network-public-a": ["10.50.0.0/24", "eu-west-1a"],
    "network-public-b": ["10.50.1.0/24", "eu-west-1b"],
    "network-public-c": ["10.50.2.0/24", "eu-west-1c"],
    "network-private-a": ["10.50.8.0/24", "eu-west-1a"],
    "network-private-b": ["10.50.9.0/24", "eu-west-1b"],
    "network-private-c": ["10.50.10.0/24", "eu-west-1c"],
  });
});

test("interface endpoints for ecr.api, ecr.dkr, logs, ssm and secretsmanager in the private subnets, private DNS on, behind an HTTPS-from-VPC group", () => {
  const privateIds = ["a", "b", "c"].map((az) => idOf(one(c, "aws:ec2/subnet:Subnet", `network-private-${az}`)));
  const group = one(c, "aws:ec2/securityGroup:SecurityGroup", "network-endpoints");
  const interfaces = ofType(c, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
    (e) => e.inputs.vpcEndpointType === "Interface",
  );
  assert.deepEqual(interfaces.map((e) => e.inputs.serviceName).sort(), [
    "com.amazonaws.eu-west-1.ecr.api",
    "com.amazonaws.eu-west-1.ecr.dkr",
    "com.amazonaws.eu-west-1.logs",
    "com.amazonaws.eu-west-1.secretsmanager",
    "com.amazonaws.eu-west-1.ssm",
  ]);
  for (const e of interfaces) {
    assert.equal(e.inputs.privateDnsEnabled, true, e.name);
    assert.deepEqual(e.inputs.subnetIds, privateIds, e.name);
    assert.deepEqual(e.inputs.securityGroupIds, [idOf(group)], e.name);
  }
  const ingress = ofType(c, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
    (r) => r.inputs.securityGroupId === idOf(group),
  );
  assert.deepEqual(
    ingress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
    [["tcp", 443, 443, "10.50.0.0/20"]],
  );
  const s3 = one(c, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3");
  assert.equal(s3.inputs.vpcEndpointType, "Gateway");
  assert.equal(s3.inputs.routeTableIds.length, 3);
});

test("flowLogs: false and restrictDefaultSecurityGroup: false remove exactly those resources", () => {
  assert.deepEqual(ofType(c, "aws:ec2/flowLog:FlowLog"), []);
  // The one role left is ECS's infrastructure role for load balancers (web's canary), not a flow-log role.
  assert.deepEqual(
    ofType(c, "aws:iam/role:Role").map((r) => r.name),
    ["alb-ecs-infrastructure"],
  );
  assert.deepEqual(
    ofType(c, "aws:kms/key:Key").map((k) => k.name),
    ["cluster-exec"],
  );
  assert.deepEqual(ofType(c, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"), []);
  assert.deepEqual(
    ofType(c, "aws:cloudwatch/logGroup:LogGroup").map((l) => l.name),
    ["cluster-exec"],
  );
});

test("load balancer opt-outs and choices reach the ALB, its listener and its target group", () => {
  const alb = one(c, "aws:lb/loadBalancer:LoadBalancer", "alb");
  assert.equal(alb.inputs.dropInvalidHeaderFields, false);
  assert.equal(alb.inputs.desyncMitigationMode, "strictest");
  assert.deepEqual(alb.inputs.accessLogs, { enabled: false, bucket: "" });
  assert.equal(ofType(c, "aws:s3/bucket:Bucket").length, 0);
  assert.equal(one(c, "aws:lb/listener:Listener", "alb-https").inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-3-2021-06");
  const tg = one(c, "aws:lb/targetGroup:TargetGroup", "alb-web");
  assert.equal(tg.inputs.deregistrationDelay, 30);
  assert.equal(tg.inputs.healthCheck.interval, 15);
  assert.equal(tg.inputs.healthCheck.path, "/ready");
});

test("each ingress CIDR gets 443 and 80, nothing else", () => {
  const albGroup = idOf(one(c, "aws:ec2/securityGroup:SecurityGroup", "alb-sg"));
  const ingress = ofType(c, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
    (r) => r.inputs.securityGroupId === albGroup,
  );
  assert.deepEqual(ingress.map((r) => `${r.inputs.fromPort}-${r.inputs.toPort} ${r.inputs.cidrIpv4}`).sort(), [
    "443-443 198.51.100.0/24",
    "443-443 203.0.113.0/24",
    "80-80 198.51.100.0/24",
    "80-80 203.0.113.0/24",
  ]);
});

test("every weakened setting is announced in the warnings output, naming its key", () => {
  const warnings = c.outputs.warnings as string[];
  assert.deepEqual(
    warnings.map((w) => w.split(" ")[0]),
    [
      "berth:network.flowLogs",
      "berth:network.restrictDefaultSecurityGroup",
      "berth:cluster.containerInsights",
      "berth:loadBalancer.accessLogs",
      "berth:loadBalancer.dropInvalidHeaderFields",
    ],
  );
});

test("cluster: Container Insights switched off explicitly, FARGATE_SPOT registered next to FARGATE (still the default)", () => {
  assert.deepEqual(one(c, "aws:ecs/cluster:Cluster", "cluster").inputs.settings, [
    { name: "containerInsights", value: "disabled" },
  ]);
  const providers = one(c, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cluster");
  assert.deepEqual(providers.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
  assert.deepEqual(providers.inputs.defaultCapacityProviderStrategies, [
    { capacityProvider: "FARGATE", base: 0, weight: 1 },
  ]);
});
