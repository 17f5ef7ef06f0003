/**
 * The whole program (infra/index.ts) for each stack (staging, prod), as the deploy runs it, one fresh evaluation per
 * stack: asserts how the network, cluster and load balancer are wired into the composition root (infra/awsStack.ts)
 * and consumed by the ECS services.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedStack } from "../../offline/mockRuntime";
import { captureProgram, idOf, one, ofType, settingsFor, SHA, stackConfig } from "../support";

function describeWholeProgram(stack: "staging" | "prod") {
  let c: CapturedStack;
  const stagingOutputs = {
    sourceSha: SHA,
    imageDigest: `sha256:${"cd".repeat(32)}`,
    ranDigests: [`sha256:${"cd".repeat(32)}`],
  };

  before(async () => {
    c = await captureProgram({
      stack,
      config: stackConfig(stack),
      // prod promotes what staging runs (a StackReference): give it staging's outputs under any name it asks for.
      stackOutputs: new Proxy({}, { get: () => stagingOutputs }) as Record<string, Record<string, unknown>>,
    });
    if (c.error) throw c.error;
  });

  test(`${stack}: the composition root registers one Network, one Cluster and one LoadBalancer component`, () => {
    assert.deepEqual(
      ofType(c, "berth:network:Network").map((r) => r.name),
      ["network"],
    );
    assert.deepEqual(
      ofType(c, "berth:cluster:Cluster").map((r) => r.name),
      ["cluster"],
    );
    assert.deepEqual(
      ofType(c, "berth:loadBalancer:LoadBalancer").map((r) => r.name),
      ["alb"],
    );
  });

  test(`${stack}: outputs carry the HTTPS service URL, the cluster name, the VPC and no network warnings`, () => {
    assert.equal(c.outputs.serviceUrl, "https://alb-123456789.eu-west-1.elb.amazonaws.com");
    assert.equal(c.outputs.loadBalancerDnsName, "alb-123456789.eu-west-1.elb.amazonaws.com");
    assert.equal(c.outputs.clusterName, `berth-${stack}`);
    assert.equal(c.outputs.vpcId, idOf(one(c, "aws:ec2/vpc:Vpc", "network-vpc")));
    const warnings = (c.outputs.warnings as string[]).filter((w) => /^berth:(network|cluster|loadBalancer)\./.test(w));
    assert.deepEqual(warnings, []);
  });

  test(`${stack}: every ECS service runs in the cluster, in the private subnets, without a public IP (FSBP ECS.2)`, () => {
    const services = ofType(c, "aws:ecs/service:Service");
    assert.ok(services.length >= 2, "web and worker");
    const privateSubnets = ["a", "b"].map((az) => idOf(one(c, "aws:ec2/subnet:Subnet", `network-private-${az}`)));
    const clusterArn = one(c, "aws:ecs/cluster:Cluster", "cluster").state.arn;
    for (const s of services) {
      assert.equal(s.inputs.cluster, clusterArn, s.name);
      assert.deepEqual(s.inputs.networkConfiguration.subnets, privateSubnets, s.name);
      assert.equal(s.inputs.networkConfiguration.assignPublicIp, false, s.name);
    }
  });

  test(`${stack}: the routed web service registers with its target group; the worker has none`, () => {
    const tg = one(c, "aws:lb/targetGroup:TargetGroup", "alb-web");
    const byTargetGroup = ofType(c, "aws:ecs/service:Service").filter((s) =>
      (s.inputs.loadBalancers ?? []).some((lb: any) => lb.targetGroupArn === tg.state.arn),
    );
    assert.equal(byTargetGroup.length, 1);
    assert.equal(byTargetGroup[0].inputs.loadBalancers[0].containerPort, tg.inputs.port);
    // web deploys as a canary (both stacks' default): its alternate target group is its advancedConfiguration's.
    assert.deepEqual(
      ofType(c, "aws:lb/targetGroup:TargetGroup").map((t) => t.name),
      ["alb-web", "alt-web"],
    );
    assert.equal(
      byTargetGroup[0].inputs.loadBalancers[0].advancedConfiguration.alternateTargetGroupArn,
      one(c, "aws:lb/targetGroup:TargetGroup", "alt-web").state.arn,
    );
  });

  test(`${stack}: tasks accept traffic only from the ALB's security group, on the port the ALB may send to`, () => {
    const albGroup = idOf(one(c, "aws:ec2/securityGroup:SecurityGroup", "alb-sg"));
    // Task groups may declare the rule inline (ingress[].securityGroups) or as a rule resource.
    const inline = ofType(c, "aws:ec2/securityGroup:SecurityGroup").flatMap((g) =>
      (g.inputs.ingress ?? []).filter((r: any) => (r.securityGroups ?? []).includes(albGroup)),
    );
    const rules = ofType(c, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.inputs.referencedSecurityGroupId === albGroup)
      .map((r) => r.inputs);
    const fromAlb = [...inline, ...rules];
    const webRoute = settingsFor(stack).services.find((s) => s.route)?.route;
    assert.equal(
      fromAlb.length,
      webRoute?.healthCheckPort ? 2 : 1,
      "web's task ingress rules (its app port, and its health port when set) reference the ALB group",
    );
    for (const r of fromAlb) assert.deepEqual(r.cidrBlocks ?? r.cidrIpv4 ?? [], [], "no CIDR next to the ALB group");
    const albEgressPorts = ofType(c, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .filter((r) => r.inputs.securityGroupId === albGroup)
      .map((r) => r.inputs.fromPort);
    for (const r of fromAlb)
      assert.ok(albEgressPorts.includes(r.fromPort), `task port ${r.fromPort} is one the ALB may send to`);
  });
}

for (const stack of ["staging", "prod"] as const) describe(stack, () => describeWholeProgram(stack));
