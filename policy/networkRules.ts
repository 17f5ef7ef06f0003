/** The VPC: security groups, the default security group, flow logs, subnets. */
import type { Unwrap } from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { asArray, refersTo, resourceRule, stackRule } from "./rule";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SUBNET = "aws:ec2/subnet:Subnet";

type Subnet = Unwrap<aws.ec2.SubnetArgs>;

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** A VPC's id: `id` offline; in the engine's stack view (outputs, no `id`), the tail of `arn:aws:ec2:...:vpc/vpc-...`. */
function vpcIdOf(vpc: { props: Record<string, any> }): string | undefined {
  return vpc.props.id ?? (typeof vpc.props.arn === "string" ? vpc.props.arn.split("/").pop() : undefined);
}

/** One ingress permission, whichever resource shape it came from. */
interface Ingress {
  from?: number;
  to?: number;
  protocol?: string;
  cidrs: string[];
}

function ingressOf(type: string, p: Record<string, any>): Ingress[] {
  if (type === SECURITY_GROUP_INGRESS_RULE)
    return [
      { from: p.fromPort, to: p.toPort, protocol: p.ipProtocol, cidrs: [p.cidrIpv4, p.cidrIpv6].filter(Boolean) },
    ];
  if (type === SECURITY_GROUP_RULE)
    return p.type === "ingress"
      ? [
          {
            from: p.fromPort,
            to: p.toPort,
            protocol: p.protocol,
            cidrs: [...asArray(p.cidrBlocks), ...asArray(p.ipv6CidrBlocks)],
          },
        ]
      : [];
  return asArray(p.ingress as Record<string, any>[]).map((r) => ({
    from: r.fromPort,
    to: r.toPort,
    protocol: r.protocol,
    cidrs: [...asArray(r.cidrBlocks), ...asArray(r.ipv6CidrBlocks)] as string[],
  }));
}

const securityGroupPublicPorts = resourceRule<Record<string, any>>({
  name: "berth-sg-authorized-public-ports",
  summary:
    "Security groups accept traffic from anywhere (0.0.0.0/0, ::/0) only on authorized ports (80 and 443: the load balancer's listeners).",
  controls: { fsbp: ["EC2.18"], checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"] },
  resourceTypes: [SECURITY_GROUP, SECURITY_GROUP_RULE, SECURITY_GROUP_INGRESS_RULE, DEFAULT_SECURITY_GROUP],
  configSchema: { properties: { authorizedPorts: { type: "array", items: { type: "integer" }, default: [80, 443] } } },
  remediationSteps:
    "Open only the listener ports to the internet (`berth:loadBalancer.ingressCidrs` narrows who); tasks take traffic from the load balancer's security group.",
  validate: (props, args, report) => {
    const authorized = args.getConfig<{ authorizedPorts?: number[] }>().authorizedPorts ?? [80, 443];
    for (const rule of ingressOf(args.type, props)) {
      const open = rule.cidrs.filter((c) => ANYWHERE.includes(c));
      if (!open.length) continue;
      const allPorts =
        rule.protocol === "-1" || rule.protocol === "all" || rule.from === undefined || rule.to === undefined;
      const ok = !allPorts && rule.from === rule.to && authorized.includes(Number(rule.from));
      if (!ok)
        report(
          `ingress from ${open.join(", ")} on ${allPorts ? "every port" : `ports ${rule.from}-${rule.to}`} (${rule.protocol ?? "?"}); only ${authorized.join(", ")} may be open to anywhere.`,
        );
    }
  },
});

const defaultSecurityGroupClosed = stackRule({
  name: "berth-vpc-default-sg-closed",
  summary: "Every VPC's default security group is taken over and has no rules (nothing can use it by accident).",
  controls: { fsbp: ["EC2.2"], checkov: ["CKV2_AWS_12"] },
  resourceTypes: [VPC, DEFAULT_SECURITY_GROUP],
  remediationSteps:
    "Keep the aws.ec2.DefaultSecurityGroup with empty ingress and egress the Network component creates.",
  validate: (args, report) => {
    const defaults = args.resources.filter((r) => r.type === DEFAULT_SECURITY_GROUP);
    for (const d of defaults) {
      if (asArray(d.props.ingress).length || asArray(d.props.egress).length)
        report(`default security group ${d.name} has rules.`, d.urn);
    }
    for (const vpc of args.resources.filter((r) => r.type === VPC)) {
      if (!defaults.some((d) => refersTo(d, "vpcId", vpc, (v) => [vpcIdOf(v)])))
        report(
          `VPC ${vpc.name}: its default security group is not managed (it allows all traffic between its members).`,
          vpc.urn,
        );
    }
  },
});

const vpcFlowLogs = stackRule({
  name: "berth-vpc-flow-logs",
  summary: "Every VPC has flow logs (ALL or REJECT traffic).",
  controls: { fsbp: ["EC2.6"], checkov: ["CKV2_AWS_11"] },
  resourceTypes: [VPC, FLOW_LOG],
  remediationSteps: "Keep the aws.ec2.FlowLog the Network component creates.",
  validate: (args, report) => {
    const logs = args.resources.filter(
      (r) => r.type === FLOW_LOG && (r.props.trafficType === "ALL" || r.props.trafficType === "REJECT"),
    );
    for (const vpc of args.resources.filter((r) => r.type === VPC)) {
      if (!logs.some((l) => refersTo(l, "vpcId", vpc, (v) => [vpcIdOf(v)])))
        report(`VPC ${vpc.name} has no flow log of ALL or REJECT traffic.`, vpc.urn);
    }
  },
});

const subnetNoAutoPublicIp = resourceRule<Subnet>({
  name: "berth-vpc-subnet-no-auto-public-ip",
  summary: "Subnets do not give instances a public IP automatically (the ALB and NAT gateways have their own).",
  controls: { fsbp: ["EC2.15"] },
  resourceTypes: [SUBNET],
  remediationSteps: "Keep `mapPublicIpOnLaunch: false` on every subnet.",
  validate: (subnet, _a, report) => {
    if (subnet.mapPublicIpOnLaunch === true)
      report("mapPublicIpOnLaunch is true: anything started in this subnet is on the internet.");
  },
});

export const networkRules = [securityGroupPublicPorts, defaultSecurityGroupClosed, vpcFlowLogs, subnetNoAutoPublicIp];
