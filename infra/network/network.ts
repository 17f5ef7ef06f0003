/**
 * The network the ECS tasks and the load balancer live in: an existing VPC given by config, or one Berth creates
 * (public subnets for the ALB, private subnets for tasks, NAT gateways or VPC endpoints for egress), with VPC flow
 * logs and a default security group stripped of every rule.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsSettings, LogSettings } from "../config";
import { formatIpv4Cidr, NETWORK, parseIpv4Cidr, type NetworkSettings } from "../config/network";
import { optOutWarnings } from "../config/declare";
import { logGroupKeyPolicy } from "../ecs/logGroupKey";

interface NetworkArgs {
  network: NetworkSettings;
  /** The account (flow logs' key and role) and the region (its zones, its endpoint service names). */
  aws: AwsSettings;
  /** Retention of the flow logs. */
  logs: Pick<LogSettings, "retentionDays">;
  /** Resource names: `<project>-<stack>-<suffix>`, the flow log group `/<project>/<stack>/vpc-flow-logs`. */
  project: string;
  stack: string;
  /** The permissions boundary of the flow logs role (infra/delivery/roleBoundary.ts). */
  permissionsBoundary?: pulumi.Input<string>;
}

/** AWS services the tasks reach through interface endpoints when `egress: endpoints` (S3 is a free gateway endpoint). */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "logs", "ssm", "secretsmanager"] as const;

interface SubnetPlan {
  public: string[];
  private: string[];
}

/**
 * Carves the VPC CIDR into sixteen equal blocks (prefix + 4): public subnets take blocks 0..n-1, private subnets
 * blocks 8..8+n-1, so adding an AZ later never renumbers an existing subnet.
 */
export function planSubnets(cidrBlock: string, availabilityZones: number): SubnetPlan {
  const vpc = parseIpv4Cidr(cidrBlock);
  if (!vpc) throw new Error(`planSubnets: ${cidrBlock} is not an IPv4 network CIDR`);
  if (availabilityZones < 1 || availabilityZones > 8)
    throw new Error(`planSubnets: ${availabilityZones} AZs do not fit in 8 blocks`);
  const prefix = vpc.prefix + 4;
  const size = 2 ** (32 - prefix);
  const block = (i: number) => formatIpv4Cidr({ address: (vpc.address + i * size) >>> 0, prefix });
  const zones = [...Array(availabilityZones).keys()];
  return { public: zones.map((i) => block(i)), private: zones.map((i) => block(8 + i)) };
}

/** Which public subnet (by AZ index) hosts the NAT gateway each private route table uses. */
export function natGatewayPlacement(
  settings: Pick<NetworkSettings, "egress" | "natGateways">,
  availabilityZones: number,
): number[] {
  if (settings.egress !== "nat") return [];
  return [...Array(availabilityZones).keys()].map((i) => (settings.natGateways === "perAz" ? i : 0));
}

/** What the stack says out loud about the network: each hardening switched off. */
export function networkWarnings(network: Pick<NetworkSettings, "flowLogs" | "restrictDefaultSecurityGroup">): string[] {
  return optOutWarnings(NETWORK, { ...network }, "berth:network");
}

/** The trust and permission policies of the role VPC Flow Logs assumes to write into one log group. */
export function flowLogsPolicies(
  accountId: string,
  logGroupArn: string,
): { trust: aws.iam.PolicyDocument; permissions: aws.iam.PolicyDocument } {
  return {
    trust: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
      ],
    },
    permissions: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [logGroupArn, `${logGroupArn}:*`],
        },
      ],
    },
  };
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidrBlock: pulumi.Output<string>;
  /** Subnets for the tasks: no public IP on launch, no route from the internet. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Subnets for the internet-facing load balancer. */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly flowLogGroupName?: pulumi.Output<string>;
  /** Plain strings, known at plan time: switched-off hardening. */
  readonly warnings: string[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:network:Network", name, {}, opts);
    const { network, aws: account, logs, project, stack } = args;
    const prefix = `${project}-${stack}`;
    const tag = (suffix: string) => ({ Name: `${prefix}-${suffix}` });
    const child = { parent: this };
    this.warnings = networkWarnings(network);
    for (const warning of this.warnings) pulumi.log.warn(warning, this);

    let vpcId: pulumi.Output<string>;
    if (network.vpcId) {
      vpcId = pulumi.output(network.vpcId);
      this.vpcCidrBlock = aws.ec2.getVpcOutput({ id: network.vpcId }, child).cidrBlock;
      this.privateSubnetIds = pulumi.output(network.privateSubnetIds);
      this.publicSubnetIds = pulumi.output(network.publicSubnetIds);
    } else {
      const created = this.createVpc(name, account.region, network, tag);
      vpcId = created.vpc.id;
      this.vpcCidrBlock = created.vpc.cidrBlock;
      this.privateSubnetIds = pulumi.all(created.privateSubnets.map((s) => s.id));
      this.publicSubnetIds = pulumi.all(created.publicSubnets.map((s) => s.id));
    }
    this.vpcId = vpcId;

    if (network.restrictDefaultSecurityGroup) {
      // Adopting the default group removes all its rules; with none declared it stays empty (FSBP EC2.2).
      new aws.ec2.DefaultSecurityGroup(
        `${name}-default-sg`,
        { vpcId, ingress: [], egress: [], tags: tag("default-deny") },
        child,
      );
    }

    if (network.flowLogs) {
      const logGroupName = `/${project}/${stack}/vpc-flow-logs`;
      const key = new aws.kms.Key(
        `${name}-flow-logs`,
        {
          description: `VPC flow logs of ${prefix}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: JSON.stringify(
            logGroupKeyPolicy({ accountId: account.accountId, region: account.region, logGroupName }),
          ),
          tags: tag("vpc-flow-logs"),
        },
        child,
      );
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        {
          name: logGroupName,
          retentionInDays: logs.retentionDays,
          kmsKeyId: key.arn,
          tags: tag("vpc-flow-logs"),
        },
        child,
      );
      const policies = logGroup.arn.apply((arn) => flowLogsPolicies(account.accountId, arn));
      const role = new aws.iam.Role(
        `${name}-flow-logs`,
        {
          // Named with the stack's prefix: the deploy role may create and change only roles named so.
          name: `${prefix}-vpc-flow-logs`,
          description: `VPC flow logs of ${prefix} to CloudWatch Logs`,
          permissionsBoundary: args.permissionsBoundary,
          assumeRolePolicy: policies.apply((p) => JSON.stringify(p.trust)),
          tags: tag("vpc-flow-logs"),
        },
        child,
      );
      new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        { role: role.id, policy: policies.apply((p) => JSON.stringify(p.permissions)) },
        child,
      );
      new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        {
          vpcId,
          trafficType: network.flowLogsTrafficType,
          logDestinationType: "cloud-watch-logs",
          logDestination: logGroup.arn,
          iamRoleArn: role.arn,
          maxAggregationInterval: 60,
          tags: tag("vpc-flow-logs"),
        },
        child,
      );
      this.flowLogGroupName = logGroup.name;
    }

    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidrBlock: this.vpcCidrBlock,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
      flowLogGroupName: this.flowLogGroupName,
    });
  }

  private createVpc(
    name: string,
    region: string,
    network: NetworkSettings,
    tag: (suffix: string) => Record<string, string>,
  ) {
    const child = { parent: this };
    const zoneCount = network.availabilityZones;
    const zones = aws
      .getAvailabilityZonesOutput(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
        child,
      )
      .names.apply((names) => {
        if (names.length < zoneCount) {
          throw new Error(
            `berth:network.availabilityZones is ${zoneCount} but ${region} has only ${names.length} available zones (${names.join(", ")})`,
          );
        }
        return names.slice(0, zoneCount);
      });
    const zone = (i: number) => zones.apply((z) => z[i]);
    const letter = (i: number) => String.fromCharCode(97 + i);
    const plan = planSubnets(network.cidrBlock, zoneCount);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: network.cidrBlock,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        instanceTenancy: "default",
        tags: tag("vpc"),
      },
      child,
    );
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tag("igw") }, child);

    const publicSubnets = plan.public.map(
      (cidrBlock, i) =>
        new aws.ec2.Subnet(
          `${name}-public-${letter(i)}`,
          // The ALB gets its own addresses; nothing launched here needs an automatic public IP (FSBP EC2.15).
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: zone(i),
            mapPublicIpOnLaunch: false,
            tags: { ...tag(`public-${letter(i)}`), tier: "public" },
          },
          child,
        ),
    );
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tag("public") }, child);
    new aws.ec2.Route(
      `${name}-public-internet`,
      { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      child,
    );
    publicSubnets.forEach(
      (subnet, i) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${letter(i)}`,
          { subnetId: subnet.id, routeTableId: publicRoutes.id },
          child,
        ),
    );

    const privateSubnets = plan.private.map(
      (cidrBlock, i) =>
        new aws.ec2.Subnet(
          `${name}-private-${letter(i)}`,
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: zone(i),
            mapPublicIpOnLaunch: false,
            tags: { ...tag(`private-${letter(i)}`), tier: "private" },
          },
          child,
        ),
    );
    const privateRoutes = privateSubnets.map((subnet, i) => {
      const table = new aws.ec2.RouteTable(
        `${name}-private-${letter(i)}`,
        { vpcId: vpc.id, tags: tag(`private-${letter(i)}`) },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${letter(i)}`,
        { subnetId: subnet.id, routeTableId: table.id },
        child,
      );
      return table;
    });

    // Egress for the tasks: NAT gateway(s), or private endpoints only (no internet route at all).
    const placement = natGatewayPlacement(network, zoneCount);
    const natGateways = new Map<number, aws.ec2.NatGateway>();
    for (const az of new Set(placement)) {
      const eip = new aws.ec2.Eip(
        `${name}-nat-${letter(az)}`,
        { domain: "vpc", tags: tag(`nat-${letter(az)}`) },
        { ...child, dependsOn: [igw] },
      );
      natGateways.set(
        az,
        new aws.ec2.NatGateway(
          `${name}-nat-${letter(az)}`,
          {
            allocationId: eip.allocationId,
            subnetId: publicSubnets[az].id,
            connectivityType: "public",
            tags: tag(`nat-${letter(az)}`),
          },
          { ...child, dependsOn: [igw] },
        ),
      );
    }
    placement.forEach(
      (az, i) =>
        new aws.ec2.Route(
          `${name}-private-${letter(i)}-nat`,
          {
            routeTableId: privateRoutes[i].id,
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: natGateways.get(az)!.id,
          },
          child,
        ),
    );

    // S3 gateway endpoint in both modes: free, and ECR image layers come from S3 without crossing a NAT gateway.
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRoutes.map((t) => t.id),
        tags: tag("s3"),
      },
      child,
    );
    if (network.egress === "endpoints") {
      const endpointsGroup = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
          vpcId: vpc.id,
          description: `HTTPS from inside ${tag("vpc").Name} to its interface endpoints`,
          tags: tag("endpoints"),
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoints-https`,
        {
          securityGroupId: endpointsGroup.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: vpc.cidrBlock,
          description: "HTTPS from the VPC",
        },
        child,
      );
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(".", "-")}`,
          {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: privateSubnets.map((s) => s.id),
            securityGroupIds: [endpointsGroup.id],
            tags: tag(service),
          },
          child,
        );
      }
    }
    return { vpc, publicSubnets, privateSubnets };
  }
}
