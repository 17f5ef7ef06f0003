/**
 * Prod as its stack file declares it (NAT gateway per AZ, deletion protection, 365-day retention), plus an `api`
 * service routed by path and host on its own port: a listener rule, its own target group and egress rule.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedStack } from "../../offline/mockRuntime";

import { captureNetwork, idOf, one, ofType, stackConfig } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

let c: CapturedStack;

before(async () => {
  const services = JSON.parse(fixtureStackConfig("prod")["berth:services"]);
  // Rolling: this test is about a plain route rule (tests/ecs/trafficShift.test.ts covers the rules ECS shifts).
  services.api = {
    cpu: 256,
    memory: 512,
    port: 9090,
    route: { pathPatterns: ["/api/*"], hostHeaders: ["api.example.com"], priority: 10 },
    deployment: { strategy: "rolling" },
  };
  c = await captureNetwork("prod", stackConfig("prod", { "berth:services": services }));
  assert.equal(c.error, undefined, String(c.error));
});

test("one NAT gateway (and Elastic IP) per AZ, each in its own AZ's public subnet", () => {
  assert.deepEqual(
    ofType(c, "aws:ec2/natGateway:NatGateway")
      .map((n) => n.name)
      .sort(),
    ["network-nat-a", "network-nat-b"],
  );
  assert.deepEqual(
    ofType(c, "aws:ec2/eip:Eip")
      .map((n) => n.name)
      .sort(),
    ["network-nat-a", "network-nat-b"],
  );
  for (const az of ["a", "b"]) {
    const nat = one(c, "aws:ec2/natGateway:NatGateway", `network-nat-${az}`);
    assert.equal(nat.inputs.subnetId, idOf(one(c, "aws:ec2/subnet:Subnet", `network-public-${az}`)));
    assert.equal(nat.inputs.allocationId, one(c, "aws:ec2/eip:Eip", `network-nat-${az}`).state.allocationId);
    assert.equal(nat.inputs.connectivityType, "public");
  }
});

test("each private subnet's default route uses the NAT gateway of its own AZ (an AZ outage leaves the other's egress)", () => {
  for (const az of ["a", "b"]) {
    const route = one(c, "aws:ec2/route:Route", `network-private-${az}-nat`);
    assert.equal(route.inputs.routeTableId, idOf(one(c, "aws:ec2/routeTable:RouteTable", `network-private-${az}`)));
    assert.equal(route.inputs.natGatewayId, idOf(one(c, "aws:ec2/natGateway:NatGateway", `network-nat-${az}`)));
  }
});

test("deletion protection is on in prod by default (FSBP ELB.6)", () => {
  assert.equal(one(c, "aws:lb/loadBalancer:LoadBalancer", "alb").inputs.enableDeletionProtection, true);
  assert.deepEqual(c.outputs.warnings, []);
});

test("prod's access logs bucket keeps its logs: protected, and a destroy never empties it (no forceDestroy)", () => {
  const bucket = one(c, "aws:s3/bucket:Bucket", "alb-access-logs");
  assert.equal(bucket.inputs.forceDestroy, false);
  assert.equal(bucket.options?.protect, true);
});

test("prod log groups keep 365 days (CloudWatch.16)", () => {
  assert.equal(one(c, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").inputs.retentionInDays, 365);
  assert.equal(one(c, "aws:cloudwatch/logGroup:LogGroup", "cluster-exec").inputs.retentionInDays, 365);
});

test("the api route becomes a listener rule on the HTTPS listener: path AND host, its priority, forward to its own target group", () => {
  // alb-web: web's canary production rule (prod's default strategy), covered by tests/ecs/trafficShift.test.ts.
  const rules = ofType(c, "aws:lb/listenerRule:ListenerRule");
  assert.deepEqual(
    rules.map((r) => r.name),
    ["alb-api", "alb-web"],
  );
  const rule = rules[0];
  assert.equal(rule.inputs.listenerArn, one(c, "aws:lb/listener:Listener", "alb-https").state.arn);
  assert.equal(rule.inputs.priority, 10);
  assert.deepEqual(rule.inputs.conditions, [
    { pathPattern: { values: ["/api/*"] } },
    { hostHeader: { values: ["api.example.com"] } },
  ]);
  const api = one(c, "aws:lb/targetGroup:TargetGroup", "alb-api");
  assert.deepEqual(rule.inputs.actions, [{ type: "forward", targetGroupArn: api.state.arn }]);
  assert.equal(api.inputs.port, 9090);
  // The listener's default action still forwards to web's primary target group (web's /* rule takes every request first).
  assert.deepEqual(one(c, "aws:lb/listener:Listener", "alb-https").inputs.defaultActions, [
    { type: "forward", targetGroupArn: one(c, "aws:lb/targetGroup:TargetGroup", "alb-web").state.arn },
  ]);
  assert.deepEqual(Object.keys(c.outputs.targetGroupArns as object).sort(), ["api", "web"]);
});

test("the ALB may send to the VPC on each routed app port (and web's health port) and nothing else", () => {
  const egress = ofType(c, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
  assert.deepEqual(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]).sort(), [
    [8080, 8080, "10.0.0.0/16"],
    [8081, 8081, "10.0.0.0/16"],
    [9090, 9090, "10.0.0.0/16"],
  ]);
});
