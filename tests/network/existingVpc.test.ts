/** A stack that brings its own VPC: nothing of the VPC is created; flow logs, default SG, ALB and cluster still are. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedStack } from "../../offline/mockRuntime";
import { captureNetwork, one, ofType, stackConfig } from "../support";

const VPC = "vpc-0a1b2c3d4e5f60718";
const PRIVATE = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const PUBLIC = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2", "subnet-0bbbbbbbbbbbbbbb3"];
const EXISTING_CIDR = "172.31.0.0/16";
let c: CapturedStack;

before(async () => {
  const config = stackConfig("staging", {
    "berth:network": { vpcId: VPC, privateSubnetIds: PRIVATE, publicSubnetIds: PUBLIC },
  });
  c = await captureNetwork("staging", config, {
    invokes: {
      "aws:ec2/getVpc:getVpc": (inputs) => ({
        id: inputs.id,
        cidrBlock: EXISTING_CIDR,
        arn: `arn:aws:ec2:eu-west-1:111111111111:vpc/${inputs.id}`,
      }),
    },
  });
  assert.equal(c.error, undefined, String(c.error));
});

test("creates no VPC, subnet, gateway, route or endpoint", () => {
  for (const type of [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
  ]) {
    assert.deepEqual(ofType(c, type), [], type);
  }
  assert.ok(!c.invokes.some((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones"));
});

test("reads the VPC's CIDR from AWS and limits the ALB's egress to it", () => {
  const getVpc = c.invokes.find((i) => i.token === "aws:ec2/getVpc:getVpc");
  assert.equal(getVpc?.inputs.id, VPC);
  assert.equal(c.outputs.vpcCidrBlock, EXISTING_CIDR);
  const egress = ofType(c, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
  assert.ok(egress.length >= 1, "an egress rule per port the ALB sends to (app and health ports)");
  assert.deepEqual([...new Set(egress.map((r) => r.inputs.cidrIpv4))], [EXISTING_CIDR]);
});

test("the ALB uses the given public subnets, the target group and security group the given VPC", () => {
  assert.deepEqual(one(c, "aws:lb/loadBalancer:LoadBalancer", "alb").inputs.subnets, PUBLIC);
  assert.equal(one(c, "aws:lb/targetGroup:TargetGroup", "alb-web").inputs.vpcId, VPC);
  assert.equal(one(c, "aws:ec2/securityGroup:SecurityGroup", "alb-sg").inputs.vpcId, VPC);
  assert.equal(c.outputs.vpcId, VPC);
  assert.deepEqual(c.outputs.privateSubnetIds, PRIVATE);
  assert.deepEqual(c.outputs.publicSubnetIds, PUBLIC);
});

test("flow logs and the emptied default security group still apply to the existing VPC", () => {
  assert.equal(one(c, "aws:ec2/flowLog:FlowLog", "network-flow-logs").inputs.vpcId, VPC);
  const sg = one(c, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default-sg");
  assert.equal(sg.inputs.vpcId, VPC);
  assert.deepEqual([sg.inputs.ingress, sg.inputs.egress], [[], []]);
});
