/**
 * Network and LoadBalancer constructed directly with their sections (no stack program), several configurations in
 * one process under `pulumi.runtime.setMocks`: each construction's children, as the component registers them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type AwsStackSettings } from "../../infra/config";
import { INTERFACE_ENDPOINT_SERVICES, LoadBalancer, Network } from "../../infra/network";
import {
  childList,
  childOf,
  childrenOfType,
  construct,
  ELB_ACCOUNT_ARN,
  EXISTING_VPC_CIDR,
  ZONES,
} from "../support/componentMocks";
import { awsStackSettings } from "../support";

const staging = awsStackSettings("staging");
const prod = awsStackSettings("prod");

const network = (s: AwsStackSettings, edit: Partial<AwsStackSettings["network"]> = {}) =>
  construct(
    () =>
      new Network("net", {
        network: { ...s.network, ...edit },
        aws: s.aws,
        logs: s.logs,
        project: s.project,
        stack: s.stack,
      }),
    s.stack,
  );

test("Network, created VPC with one NAT gateway: subnets per zone, routes, S3 endpoint, flow logs, default group emptied", async () => {
  const { component, children } = await network(staging, {
    availabilityZones: 2,
    egress: "nat",
    natGateways: "single",
  });
  assert.deepEqual(component.warnings, []);
  const subnets = childrenOfType(children, "aws:ec2/subnet:Subnet");
  assert.deepEqual(subnets.map((s) => s.name).sort(), [
    "net-private-a",
    "net-private-b",
    "net-public-a",
    "net-public-b",
  ]);
  assert.deepEqual(
    subnets.map((s) => s.state.availabilityZone),
    subnets.map((s) => ZONES[s.name.endsWith("-a") ? 0 : 1]),
  );
  for (const s of subnets) assert.equal(s.state.mapPublicIpOnLaunch, false, s.name);
  assert.deepEqual(
    childrenOfType(children, "aws:ec2/natGateway:NatGateway").map((n) => n.name),
    ["net-nat-a"],
  );
  for (const az of ["a", "b"])
    assert.equal(childOf(children, "aws:ec2/route:Route", `net-private-${az}-nat`).state.natGatewayId, "net-nat-a-id");
  assert.equal(
    childOf(children, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-s3").state.serviceName,
    "com.amazonaws.eu-west-1.s3",
  );
  assert.equal(childrenOfType(children, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 1, "no interface endpoint with NAT");
  const flowLogs = childOf(children, "aws:cloudwatch/logGroup:LogGroup", "net-flow-logs");
  assert.equal(flowLogs.state.name, "/berth/staging/vpc-flow-logs");
  assert.equal(flowLogs.state.retentionInDays, staging.logs.retentionDays);
  assert.equal(childOf(children, "aws:ec2/flowLog:FlowLog", "net-flow-logs").state.vpcId, "net-vpc-id");
  const defaultGroup = childOf(children, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default-sg");
  assert.deepEqual([defaultGroup.state.ingress, defaultGroup.state.egress], [[], []]);
  assert.equal(await new Promise((r) => component.vpcId.apply(r)), "net-vpc-id");
});

test("Network, endpoints egress across three zones: no NAT gateway, one interface endpoint per AWS service", async () => {
  const { children } = await network(staging, { availabilityZones: 3, egress: "endpoints" });
  assert.equal(childrenOfType(children, "aws:ec2/subnet:Subnet").length, 6);
  assert.equal(childrenOfType(children, "aws:ec2/natGateway:NatGateway").length, 0);
  assert.equal(childrenOfType(children, "aws:ec2/eip:Eip").length, 0);
  const endpoints = childrenOfType(children, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
    (e) => e.state.vpcEndpointType === "Interface",
  );
  assert.deepEqual(
    endpoints.map((e) => e.state.serviceName).sort(),
    INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.eu-west-1.${s}`).sort(),
  );
  for (const e of endpoints) assert.equal(e.state.subnetIds.length, 3, e.name);
});

test("Network, one NAT gateway per zone (prod): each private route table uses its own zone's gateway", async () => {
  const { children } = await network(prod, { availabilityZones: 3, egress: "nat", natGateways: "perAz" });
  assert.deepEqual(
    childrenOfType(children, "aws:ec2/natGateway:NatGateway")
      .map((n) => n.name)
      .sort(),
    ["net-nat-a", "net-nat-b", "net-nat-c"],
  );
  for (const az of ["a", "b", "c"])
    assert.equal(
      childOf(children, "aws:ec2/route:Route", `net-private-${az}-nat`).state.natGatewayId,
      `net-nat-${az}-id`,
    );
  assert.equal(
    childOf(children, "aws:cloudwatch/logGroup:LogGroup", "net-flow-logs").state.name,
    "/berth/prod/vpc-flow-logs",
  );
});

test("Network, existing VPC: nothing of the VPC is created; its CIDR is looked up, flow logs and default group still", async () => {
  const { component, children } = await network(staging, {
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-p1", "subnet-p2"],
    publicSubnetIds: ["subnet-u1", "subnet-u2"],
  });
  for (const type of [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
  ])
    assert.equal(childrenOfType(children, type).length, 0, type);
  assert.equal(await new Promise((r) => component.vpcCidrBlock.apply(r)), EXISTING_VPC_CIDR);
  assert.deepEqual(await new Promise((r) => component.privateSubnetIds.apply(r)), ["subnet-p1", "subnet-p2"]);
  assert.equal(childOf(children, "aws:ec2/flowLog:FlowLog", "net-flow-logs").state.vpcId, "vpc-0123456789abcdef0");
  childOf(children, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default-sg");
});

test("Network, hardening switched off: no flow logs, the default group left alone, and a warning for each", async () => {
  const { component, children } = await network(staging, { flowLogs: false, restrictDefaultSecurityGroup: false });
  assert.equal(component.warnings.length, 2);
  assert.match(component.warnings[0]!, /flowLogs is false/);
  assert.match(component.warnings[1]!, /restrictDefaultSecurityGroup is false/);
  assert.ok(
    !childList(children).some((c) => c.includes("flow-logs") || c.includes("default-sg")),
    childList(children).join(", "),
  );
});

const NETWORK = { vpcId: "vpc-1", vpcCidrBlock: "10.0.0.0/16", publicSubnetIds: ["subnet-u1", "subnet-u2"] };
const loadBalancer = (
  s: AwsStackSettings,
  edit: Partial<AwsStackSettings["loadBalancer"]> = {},
  services = s.services,
) =>
  construct(
    () =>
      new LoadBalancer("lb", {
        loadBalancer: { ...s.loadBalancer, ...edit },
        services,
        aws: s.aws,
        project: s.project,
        stack: s.stack,
        environment: s.environment,
        network: NETWORK,
      }),
    s.stack,
  );

/** The stack's services, each deployed with ECS's rolling update. */
const rolling = (s: AwsStackSettings) =>
  s.services.map((svc) => ({ ...svc, deployment: { ...svc.deployment, strategy: "rolling" as const } }));

test("LoadBalancer with a certificate (web rolling): HTTPS serves, HTTP redirects, one target group, access logs", async () => {
  const { component, children } = await loadBalancer(staging, {}, rolling(staging));
  assert.deepEqual(component.warnings, []);
  assert.deepEqual(Object.keys(component.targetGroups), ["web"], "the worker has no route");
  assert.deepEqual(Object.keys(component.trafficShifts), []);
  assert.equal(childrenOfType(children, "aws:lb/targetGroup:TargetGroup").length, 1);
  assert.equal(component.ecsInfrastructureRole, undefined);
  const https = childOf(children, "aws:lb/listener:Listener", "lb-https");
  assert.equal(https.state.port, 443);
  assert.equal(https.state.certificateArn, staging.loadBalancer.certificateArn);
  assert.equal(
    https.state.defaultActions[0].targetGroupArn,
    childOf(children, "aws:lb/targetGroup:TargetGroup", "lb-web").state.arn,
  );
  assert.equal(childOf(children, "aws:lb/listener:Listener", "lb-http").state.defaultActions[0].type, "redirect");
  assert.equal(childOf(children, "aws:lb/loadBalancer:LoadBalancer", "lb").state.accessLogs.enabled, true);
  const policy = JSON.parse(childOf(children, "aws:s3/bucketPolicy:BucketPolicy", "lb-access-logs").state.policy);
  assert.ok(
    policy.Statement.some((st: any) => st.Principal?.AWS === ELB_ACCOUNT_ARN),
    "eu-west-1 has a regional ELB account",
  );
  const ingress = childrenOfType(children, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  assert.deepEqual(ingress.map((r) => r.state.fromPort).sort(), [443, 80]);
  assert.equal(await new Promise((r) => component.url.apply(r)), "https://lb.mock.elb.amazonaws.com");
});

test("LoadBalancer without certificate and access logs: plain HTTP forwards, no bucket, a warning for each", async () => {
  const { component, children } = await loadBalancer(
    staging,
    { certificateArn: undefined, accessLogs: false },
    rolling(staging),
  );
  assert.equal(component.warnings.length, 2);
  assert.match(component.warnings[0]!, /certificateArn is not set/);
  assert.match(component.warnings[1]!, /accessLogs is false/);
  assert.equal(childrenOfType(children, "aws:s3/bucket:Bucket").length, 0);
  assert.deepEqual(
    childrenOfType(children, "aws:lb/listener:Listener").map((l) => l.name),
    ["lb-http"],
  );
  assert.equal(childOf(children, "aws:lb/listener:Listener", "lb-http").state.defaultActions[0].type, "forward");
  assert.equal(await new Promise((r) => component.url.apply(r)), "http://lb.mock.elb.amazonaws.com");
});

test("LoadBalancer in prod (web canary): an alternate target group, the /* production rule ECS shifts, ECS's role", async () => {
  assert.notEqual(prod.services.find((s) => s.name === "web")!.deployment.strategy, "rolling");
  const { component, children } = await loadBalancer(prod);
  assert.deepEqual(Object.keys(component.trafficShifts), ["web"]);
  const alternate = childOf(children, "aws:lb/targetGroup:TargetGroup", "alt-web");
  assert.equal(alternate.state.port, childOf(children, "aws:lb/targetGroup:TargetGroup", "lb-web").state.port);
  const rule = childOf(children, "aws:lb/listenerRule:ListenerRule", "lb-web");
  assert.deepEqual(rule.state.conditions, [{ pathPattern: { values: ["/*"] } }]);
  assert.deepEqual(
    rule.state.actions[0].forward.targetGroups.map((g: any) => g.weight),
    [100, 0],
  );
  const role = childOf(children, "aws:iam/role:Role", "lb-ecs-infrastructure");
  assert.equal(role.state.name, "berth-prod-ecs-infrastructure");
  childOf(children, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lb-ecs-infrastructure");
});
