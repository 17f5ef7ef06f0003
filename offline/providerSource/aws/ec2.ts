import type { ProviderResourceFacts, ResourceCalls, SourcedConstraint } from "../facts";

/**
 * Facts of the provider's EC2 and VPC resources Berth registers (infra/network/network.ts, infra/network/loadBalancer.ts,
 * infra/ecs/fargateService.ts) and of the EC2 invokes it calls, read in hashicorp/terraform-provider-aws
 * internal/service/ec2/.
 *
 * The search index keeps each file of that repository at its own commit (one stored version per file, not one tree), so
 * the commit is recorded per file below. Where a stored version is older than the one @pulumi/aws 7.48.0 wraps (its
 * .d.ts has inputs the file lacks), the entry says so and keeps only what both agree on. A file read by index id (the
 * index reported no commit for it) is recorded as `id:<index id>`.
 *
 * Validators that Go checks but a pattern cannot (the CIDR network-address check of verify.ValidIPv4CIDRNetworkAddress
 * and validation.IsCIDRNetwork: host bits must be zero; verify.ValidARN) are encoded only as far as a regular expression
 * states them (dotted quad and prefix length), or not at all (ARNs); each entry says which.
 *
 * `create` and `update` hold the calls of those functions, their waiters and finders; the Read every Create and Update
 * ends with is in `read` (facts.ts: read also runs after every write). Tags set on create travel in TagSpecifications
 * of the Create call; tag changes go through updateTags (ec2:CreateTags, ec2:DeleteTags).
 *
 * Versions read (file: commit, or `id:<index id>`):
 * - internal/service/ec2/vpc_.go: 00081ce41cc691433ac19bf42227cdabffd0454d
 * - internal/service/ec2/vpc_subnet.go: 00cda125a19d31754cb0d073cf551264c57955cb
 * - internal/service/ec2/vpc_route_table.go: 022092419b7cda11527df3c6b51cbfe1876c1722
 * - internal/service/ec2/vpc_route.go: 0128541e0711766f28540143a9d73738aced60aa
 * - internal/service/ec2/vpc_route_table_association.go: 0be71beb458ad8875e0acc5c91519c0ceeb214aa
 * - internal/service/ec2/vpc_internet_gateway.go: 08923b68b5ad6fcfdd38362fb5247e39a9b07add
 * - internal/service/ec2/vpc_nat_gateway.go: id:5469497972
 * - internal/service/ec2/ec2_eip.go: 01606926a0c0ab9174aec440f976a48b0baee722
 * - internal/service/ec2/vpc_security_group.go: 01606926a0c0ab9174aec440f976a48b0baee722
 * - internal/service/ec2/vpc_default_security_group.go: 01f431114674c27cf790fafb67ac274bf8f765e1
 * - internal/service/ec2/vpc_flow_log.go: 00a35305dc1b297a6fcdecdfbba33f1e63c3da39
 * - internal/service/ec2/vpc_endpoint.go: 008db85aad5e56627b1eecab8830464a282552ed
 * - internal/service/ec2/vpc_security_group_ingress_rule.go: id:1359123306
 * - internal/service/ec2/vpc_security_group_egress_rule.go: id:3725520632
 * - internal/service/ec2/find.go: id:1448034855
 * - internal/service/ec2/status.go: id:51798539490
 * - internal/service/ec2/validate.go: id:2565656552
 * - internal/service/ec2/vpc_network_interface.go: id:1223601590
 * - internal/service/ec2/tags_gen.go: 01606926a0c0ab9174aec440f976a48b0baee722
 * - internal/service/ec2/availability_zones_data_source.go: 51f0f87f4081c657357189b0a2da513579370e6a
 * - internal/service/ec2/vpc_data_source.go: 01606926a0c0ab9174aec440f976a48b0baee722
 */

/** Dotted-quad IPv4 CIDR (verify.ValidIPv4CIDRNetworkAddress minus its host-bits check, which no pattern states). */
const IPV4_CIDR =
  "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/(3[0-2]|[12]?[0-9])$";

/** validation.IsCIDRNetwork(VPCCIDRMinIPv4 = 16, VPCCIDRMaxIPv4 = 28), host-bits check left out as above. */
const VPC_IPV4_CIDR =
  "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/(1[6-9]|2[0-8])$";

/** The characters validSecurityGroupRuleDescription allows (validate.go; it cites the EC2 API's IpRange). */
const RULE_DESCRIPTION = "^[A-Za-z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*$";

/** Tag changes of every @Tags(identifierAttribute="id") EC2 resource go through updateTags (tags_gen.go). */
const TAG_UPDATE = ["ec2:CreateTags", "ec2:DeleteTags"];

/**
 * securityGroupRuleNestedBlock (vpc_security_group.go), shared by aws_security_group and aws_default_security_group
 * as their `ingress` and `egress` sets (Pulumi keeps the singular names: `ingress[]`, `egress[]`).
 */
function inlineRuleConstraints(block: "ingress" | "egress"): SourcedConstraint[] {
  const source = `internal/service/ec2/vpc_security_group.go securityGroupRuleNestedBlock`;
  return [
    { kind: "required", path: `${block}[].fromPort`, source: `${source} from_port` },
    { kind: "required", path: `${block}[].toPort`, source: `${source} to_port` },
    { kind: "required", path: `${block}[].protocol`, source: `${source} protocol` },
    {
      kind: "length",
      path: `${block}[].description`,
      max: 255,
      source: "internal/service/ec2/validate.go validSecurityGroupRuleDescription",
    },
    {
      kind: "pattern",
      path: `${block}[].description`,
      pattern: RULE_DESCRIPTION,
      source: "internal/service/ec2/validate.go validSecurityGroupRuleDescription",
    },
    {
      kind: "pattern",
      path: `${block}[].cidrBlocks[]`,
      pattern: IPV4_CIDR,
      source: `${source} cidr_blocks (verify.ValidIPv4CIDRNetworkAddress)`,
    },
  ];
}

/**
 * The calls of resourceSecurityGroupRead and resourceSecurityGroupUpdate (vpc_security_group.go), which
 * aws_default_security_group reuses as its own Read and Update: findSecurityGroupByID -> DescribeSecurityGroups, then
 * updateSecurityGroupRules revokes what left the ingress/egress sets and authorizes what joined them.
 */
const SECURITY_GROUP_READ = ["ec2:DescribeSecurityGroups"];
const SECURITY_GROUP_UPDATE = [
  "ec2:DescribeSecurityGroups",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:RevokeSecurityGroupEgress",
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:AuthorizeSecurityGroupEgress",
  ...TAG_UPDATE,
];
/**
 * forceRevokeSecurityGroupRules(searchAll = false): relatedSGs -> findSecurityGroupByID (DescribeSecurityGroups),
 * DescribeSecurityGroupRules (paginated, also unfiltered when searchAll), then one RevokeSecurityGroupIngress or
 * RevokeSecurityGroupEgress per rule.
 */
const FORCE_REVOKE_RULES = [
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSecurityGroupRules",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:RevokeSecurityGroupEgress",
];

function securityGroupRuleFacts(direction: "Ingress" | "Egress"): ProviderResourceFacts {
  const file = `internal/service/ec2/vpc_security_group_${direction.toLowerCase()}_rule.go`;
  const base = "internal/service/ec2/vpc_security_group_ingress_rule.go securityGroupRuleResource";
  const calls: ResourceCalls = {
    // securityGroupRuleResource.Create: the direction's create (Authorize...), then createTags (tags_gen.go CreateTags).
    // The newest egress version passes TagSpecifications to AuthorizeSecurityGroupEgress instead; both need CreateTags.
    create: [`ec2:AuthorizeSecurityGroup${direction}`, "ec2:CreateTags"],
    // findSecurityGroup{Ingress,Egress}RuleByID -> findSecurityGroupRuleByID -> DescribeSecurityGroupRules (find.go).
    read: ["ec2:DescribeSecurityGroupRules"],
    // Update: ModifySecurityGroupRules when a rule field changes; tags through the transparent-tagging updateTags.
    update: ["ec2:ModifySecurityGroupRules", ...TAG_UPDATE],
    delete: [`ec2:RevokeSecurityGroup${direction}`],
  };
  return {
    // The two are Plugin Framework resources sharing securityGroupRuleResource (its Schema and ConfigValidators live in
    // vpc_security_group_ingress_rule.go); the egress file only supplies create/delete/findByID.
    type: `aws:vpc/securityGroup${direction}Rule:SecurityGroup${direction}Rule`,
    files: [
      "internal/service/ec2/vpc_security_group_ingress_rule.go",
      ...(direction === "Egress" ? [file] : []),
      "internal/service/ec2/find.go",
      "internal/service/ec2/tags_gen.go",
    ],
    constraints: [
      { kind: "required", path: "securityGroupId", source: `${base}.Schema security_group_id` },
      { kind: "required", path: "ipProtocol", source: `${base}.Schema ip_protocol` },
      {
        kind: "exactlyOneOf",
        paths: ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"],
        source: `${base}.ConfigValidators resourcevalidator.ExactlyOneOf`,
      },
      {
        kind: "range",
        path: "fromPort",
        min: -1,
        max: 65535,
        source: `${base}.Schema from_port int64validator.Between`,
      },
      { kind: "range", path: "toPort", min: -1, max: 65535, source: `${base}.Schema to_port int64validator.Between` },
      {
        kind: "pattern",
        path: "cidrIpv4",
        pattern: IPV4_CIDR,
        source: `${base}.Schema cidr_ipv4 fwvalidators.IPv4CIDRNetworkAddress`,
      },
    ],
    calls,
  };
}

export const FACTS: ProviderResourceFacts[] = [
  {
    // aws_vpc. Berth sets cidrBlock, enableDnsSupport, enableDnsHostnames, instanceTenancy, tags.
    // The stored vpc_.go predates the GuardDuty clean-up that node_modules/@pulumi/aws/ec2/vpc.d.ts NOTEs for VPC
    // deletion (GuardDuty-managed endpoints and groups removed when they block it); those calls were not read. In the
    // subnet version that was read (vpc_subnet.go), the same kind of clean-up runs only after a DependencyViolation and
    // a missing permission only adds a warning, so they are not listed here.
    type: "aws:ec2/vpc:Vpc",
    files: [
      "internal/service/ec2/vpc_.go",
      "internal/service/ec2/find.go",
      "internal/service/ec2/status.go",
      "internal/service/ec2/tags_gen.go",
    ],
    constraints: [
      {
        kind: "conflictsWith",
        path: "cidrBlock",
        with: ["ipv4NetmaskLength"],
        source: "internal/service/ec2/vpc_.go cidr_block",
      },
      {
        kind: "pattern",
        path: "cidrBlock",
        pattern: VPC_IPV4_CIDR,
        source: "internal/service/ec2/vpc_.go cidr_block validation.IsCIDRNetwork(VPCCIDRMinIPv4, VPCCIDRMaxIPv4)",
      },
      {
        kind: "oneOf",
        path: "instanceTenancy",
        values: ["default", "dedicated"],
        source: "internal/service/ec2/vpc_.go instance_tenancy StringInSlice(TenancyDefault, TenancyDedicated)",
      },
    ],
    calls: {
      // CreateVpc, waitVPCCreatedV2 (DescribeVpcs); modifyVPCAttributesOnCreate calls ModifyVpcAttribute for each of
      // enable_dns_hostnames/enable_dns_support/enable_network_address_usage_metrics that differs from the AWS default
      // (Berth's enableDnsHostnames = true does), then waitVPCAttributeUpdatedV2 (DescribeVpcAttribute); then Read.
      create: ["ec2:CreateVpc", "ec2:DescribeVpcs", "ec2:ModifyVpcAttribute", "ec2:DescribeVpcAttribute"],
      // findVPCByIDV2 (DescribeVpcs), findVPCAttributeV2 x3 (DescribeVpcAttribute), findVPCDefaultNetworkACLV2
      // (DescribeNetworkAcls), findVPCMainRouteTable (DescribeRouteTables), findVPCDefaultSecurityGroupV2
      // (DescribeSecurityGroups). The last three only log a warning on error, but they are called on every read.
      read: [
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcAttribute",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
      ],
      // enable_dns_* changes: ModifyVpcAttribute + waitVPCAttributeUpdatedV2. Not listed: ModifyVpcTenancy (Berth fixes
      // instanceTenancy to "default") and the IPv6 Associate/DisassociateVpcCidrBlock branch (Berth sets no IPv6 input).
      update: ["ec2:ModifyVpcAttribute", "ec2:DescribeVpcAttribute", ...TAG_UPDATE],
      // DeleteVpc (retried on DependencyViolation), then RetryUntilNotFound(findVPCByIDV2). The IPAM allocation wait
      // (GetIpamPoolAllocations) runs only with an IPAM pool, which Berth does not use.
      delete: ["ec2:DeleteVpc", "ec2:DescribeVpcs"],
    },
  },
  {
    // aws_subnet. Berth sets vpcId, cidrBlock, availabilityZone, mapPublicIpOnLaunch (false), tags.
    type: "aws:ec2/subnet:Subnet",
    files: [
      "internal/service/ec2/vpc_subnet.go",
      "internal/service/ec2/vpc_network_interface.go",
      "internal/service/ec2/find.go",
      "internal/service/ec2/tags_gen.go",
    ],
    constraints: [
      { kind: "required", path: "vpcId", source: "internal/service/ec2/vpc_subnet.go vpc_id" },
      {
        kind: "conflictsWith",
        path: "availabilityZone",
        with: ["availabilityZoneId"],
        source: "internal/service/ec2/vpc_subnet.go availability_zone",
      },
      {
        kind: "conflictsWith",
        path: "ipv4NetmaskLength",
        with: ["cidrBlock", "customerOwnedIpv4Pool"],
        source: "internal/service/ec2/vpc_subnet.go ipv4_netmask_length",
      },
      {
        kind: "pattern",
        path: "cidrBlock",
        pattern: IPV4_CIDR,
        source: "internal/service/ec2/vpc_subnet.go cidr_block verify.ValidIPv4CIDRNetworkAddress",
      },
    ],
    calls: {
      // CreateSubnet, waitSubnetAvailable (DescribeSubnets). modifySubnetAttributesOnCreate calls ModifySubnetAttribute
      // only for attributes that differ from what CreateSubnet returned; Berth's values (mapPublicIpOnLaunch false, no
      // IPv6, no DNS-name options) are the defaults, so it is listed under update only.
      create: ["ec2:CreateSubnet", "ec2:DescribeSubnets"],
      // findSubnetByID -> DescribeSubnets.
      read: ["ec2:DescribeSubnets"],
      // modifySubnetMapPublicIPOnLaunch (and the other modifySubnet* helpers): ModifySubnetAttribute, then a
      // waitSubnet*Updated (DescribeSubnets).
      update: ["ec2:ModifySubnetAttribute", "ec2:DescribeSubnets", ...TAG_UPDATE],
      // deleteLingeringENIs("subnet-id") lists the subnet's ENIs (DescribeNetworkInterfaces) and detaches/deletes only
      // Lambda, Comprehend and DMS ones (Berth creates none), then DeleteSubnet. On DependencyViolation the GuardDuty
      // clean-up (DescribeVpcEndpoints, DescribeVpcs, ...) runs; an unauthorized error there is only a warning
      // (isUnauthorizedError), by design "so that no new permissions ... are required": not listed.
      delete: ["ec2:DescribeNetworkInterfaces", "ec2:DeleteSubnet"],
    },
  },
  {
    // aws_route_table. Berth sets vpcId and tags (routes come from separate aws.ec2.Route resources). The stored
    // vpc_route_table.go (aws-sdk-go v1 era) names the inline block `route`; @pulumi/aws 7.48.0 calls it `routes`.
    type: "aws:ec2/routeTable:RouteTable",
    files: ["internal/service/ec2/vpc_route_table.go", "internal/service/ec2/find.go"],
    constraints: [{ kind: "required", path: "vpcId", source: "internal/service/ec2/vpc_route_table.go vpc_id" }],
    calls: {
      // CreateRouteTable, WaitRouteTableReady (DescribeRouteTables); route/propagating_vgws loops not reached.
      create: ["ec2:CreateRouteTable", "ec2:DescribeRouteTables"],
      // FindRouteTableByID -> DescribeRouteTables. flattenRoutes calls FindNetworkInterfaceByID only for a route whose
      // target is an ENI and ignores its error: not listed (Berth's routes target the IGW and NAT gateways).
      read: ["ec2:DescribeRouteTables"],
      // Berth changes only tags here; route and propagating_vgws changes (CreateRoute/ReplaceRoute/DeleteRoute,
      // Enable/DisableVgwRoutePropagation) are not reached.
      update: TAG_UPDATE,
      // FindRouteTableByID, DisassociateRouteTable for every association still listed, DeleteRouteTable,
      // WaitRouteTableDeleted (DescribeRouteTables).
      delete: ["ec2:DescribeRouteTables", "ec2:DisassociateRouteTable", "ec2:DeleteRouteTable"],
    },
  },
  {
    // aws_route. Berth sets routeTableId, destinationCidrBlock and one target (gatewayId or natGatewayId). The stored
    // vpc_route.go still has the deprecated instance_id target, which @pulumi/aws 7.48.0 no longer has, and lacks
    // odb_network_arn, which it has (node_modules/@pulumi/aws/ec2/route.d.ts): the target list below is the one read,
    // without instanceId; odbNetworkArn is left out as unread (a route targeting it would be misjudged).
    type: "aws:ec2/route:Route",
    files: ["internal/service/ec2/vpc_route.go", "internal/service/ec2/find.go"],
    constraints: [
      { kind: "required", path: "routeTableId", source: "internal/service/ec2/vpc_route.go route_table_id" },
      {
        kind: "exactlyOneOf",
        paths: ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"],
        source: "internal/service/ec2/vpc_route.go routeValidDestinations",
      },
      {
        kind: "exactlyOneOf",
        paths: [
          "carrierGatewayId",
          "coreNetworkArn",
          "egressOnlyGatewayId",
          "gatewayId",
          "localGatewayId",
          "natGatewayId",
          "networkInterfaceId",
          "transitGatewayId",
          "vpcEndpointId",
          "vpcPeeringConnectionId",
        ],
        source: "internal/service/ec2/vpc_route.go routeValidTargets",
      },
      {
        kind: "conflictsWith",
        path: "carrierGatewayId",
        with: ["destinationIpv6CidrBlock"],
        source: "internal/service/ec2/vpc_route.go carrier_gateway_id",
      },
      {
        kind: "conflictsWith",
        path: "egressOnlyGatewayId",
        with: ["destinationCidrBlock"],
        source: "internal/service/ec2/vpc_route.go egress_only_gateway_id",
      },
      {
        kind: "conflictsWith",
        path: "vpcEndpointId",
        with: ["destinationPrefixListId"],
        source: "internal/service/ec2/vpc_route.go vpc_endpoint_id",
      },
      {
        kind: "pattern",
        path: "destinationCidrBlock",
        pattern: IPV4_CIDR,
        source: "internal/service/ec2/vpc_route.go destination_cidr_block verify.ValidIPv4CIDRNetworkAddress",
      },
    ],
    calls: {
      // CreateRoute, WaitRouteReady -> FindRouteByIPv4Destination -> FindRouteTableByID (DescribeRouteTables).
      create: ["ec2:CreateRoute", "ec2:DescribeRouteTables"],
      read: ["ec2:DescribeRouteTables"],
      // ReplaceRoute, WaitRouteReady.
      update: ["ec2:ReplaceRoute", "ec2:DescribeRouteTables"],
      // DeleteRoute, WaitRouteDeleted.
      delete: ["ec2:DeleteRoute", "ec2:DescribeRouteTables"],
    },
  },
  {
    // aws_route_table_association. Berth sets subnetId and routeTableId.
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    files: ["internal/service/ec2/vpc_route_table_association.go", "internal/service/ec2/find.go"],
    constraints: [
      {
        kind: "exactlyOneOf",
        paths: ["subnetId", "gatewayId"],
        source: "internal/service/ec2/vpc_route_table_association.go subnet_id/gateway_id",
      },
      {
        kind: "required",
        path: "routeTableId",
        source: "internal/service/ec2/vpc_route_table_association.go route_table_id",
      },
    ],
    calls: {
      // AssociateRouteTable, WaitRouteTableAssociationCreated -> FindRouteTableAssociationByID (DescribeRouteTables
      // filtered on association.route-table-association-id).
      create: ["ec2:AssociateRouteTable", "ec2:DescribeRouteTables"],
      read: ["ec2:DescribeRouteTables"],
      // A routeTableId change: ReplaceRouteTableAssociation (falls back to Create when the association is gone),
      // WaitRouteTableAssociationUpdated.
      update: ["ec2:ReplaceRouteTableAssociation", "ec2:AssociateRouteTable", "ec2:DescribeRouteTables"],
      // routeTableAssociationDelete: DisassociateRouteTable, WaitRouteTableAssociationDeleted.
      delete: ["ec2:DisassociateRouteTable", "ec2:DescribeRouteTables"],
    },
  },
  {
    // aws_internet_gateway. Berth sets vpcId and tags; no validators on either.
    type: "aws:ec2/internetGateway:InternetGateway",
    files: ["internal/service/ec2/vpc_internet_gateway.go", "internal/service/ec2/find.go"],
    constraints: [],
    calls: {
      // CreateInternetGateway (tags in TagSpecifications), attachInternetGateway: AttachInternetGateway,
      // WaitInternetGatewayAttached (DescribeInternetGateways); then Read.
      create: ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DescribeInternetGateways"],
      // FindInternetGatewayByID -> DescribeInternetGateways.
      read: ["ec2:DescribeInternetGateways"],
      // vpc_id change: detach then attach (each with its wait); tags: UpdateTags.
      update: ["ec2:DetachInternetGateway", "ec2:AttachInternetGateway", "ec2:DescribeInternetGateways", ...TAG_UPDATE],
      // detachInternetGateway (DetachInternetGateway, WaitInternetGatewayDetached), DeleteInternetGateway.
      delete: ["ec2:DetachInternetGateway", "ec2:DescribeInternetGateways", "ec2:DeleteInternetGateway"],
    },
  },
  {
    // aws_nat_gateway, read at the regional-NAT version (index id 5469497972) that matches @pulumi/aws 7.48.0's inputs
    // (availabilityMode, availabilityZoneAddresses, vpcId). Berth sets allocationId, subnetId, connectivityType
    // ("public"), tags. subnet_id is Optional there (Required in older versions): not a constraint.
    // resourceNATGatewayCustomizeDiff also refuses allocation_id/secondary_allocation_ids with connectivity_type
    // "private" and secondary_private_ip_address_count with "public": value-dependent rules no constraint kind states.
    type: "aws:ec2/natGateway:NatGateway",
    files: ["internal/service/ec2/vpc_nat_gateway.go", "internal/service/ec2/status.go"],
    constraints: [
      {
        kind: "oneOf",
        path: "connectivityType",
        values: ["private", "public"],
        // enum.Validate[awstypes.ConnectivityType]; the values as node_modules/@pulumi/aws/ec2/natGateway.d.ts lists them
        // and as the file's own ConnectivityTypePrivate/ConnectivityTypePublic cases use them.
        source: "internal/service/ec2/vpc_nat_gateway.go connectivity_type enum.Validate[awstypes.ConnectivityType]",
      },
    ],
    calls: {
      // CreateNatGateway (ClientToken, TagSpecifications), waitNATGatewayCreated (findNATGatewayByID ->
      // DescribeNatGateways), then Read.
      create: ["ec2:CreateNatGateway", "ec2:DescribeNatGateways"],
      read: ["ec2:DescribeNatGateways"],
      // A zonal public gateway with no secondary_allocation_ids in config changes nothing but tags (the
      // Associate/DisassociateNatGatewayAddress branches need secondary or regional addresses, which Berth never sets).
      update: TAG_UPDATE,
      // waitNATGatewayAttachedAppliancesDetached (statusNATGatewayAttachedAppliances -> DescribeNatGateways),
      // DeleteNatGateway, waitNATGatewayDeleted (DescribeNatGateways).
      delete: ["ec2:DescribeNatGateways", "ec2:DeleteNatGateway"],
    },
  },
  {
    // aws_eip. Berth sets domain ("vpc") and tags.
    type: "aws:ec2/eip:Eip",
    files: ["internal/service/ec2/ec2_eip.go", "internal/service/ec2/find.go"],
    constraints: [
      {
        kind: "oneOf",
        path: "domain",
        values: ["vpc", "standard"],
        // enum.Validate[awstypes.DomainType]; values: "Valid Values: vpc | standard",
        // https://docs.aws.amazon.com/sdkfornet1/latest/apidocs/html/P_Amazon_EC2_Model_AllocateAddressRequest_Domain.htm
        source: "internal/service/ec2/ec2_eip.go domain enum.Validate[awstypes.DomainType]",
      },
    ],
    calls: {
      // AllocateAddress, RetryWhenNotFound(findEIPByAllocationID -> DescribeAddresses); associateEIP only with
      // instance/network_interface (not set); then Read.
      create: ["ec2:AllocateAddress", "ec2:DescribeAddresses"],
      // findEIPByAllocationID (DescribeAddresses), then findEIPDomainNameAttributeByAllocationID
      // (DescribeAddressesAttribute, attribute domain-name, find.go): only NotFound and "InvalidAction ... not valid for
      // this web service" are tolerated, so an access-denied error fails the read.
      read: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
      // Berth changes only tags (association changes need instance/network_interface/associate_with_private_ip).
      update: TAG_UPDATE,
      // disassociateEIP runs when the state holds an association_id: an address used by a NAT gateway is associated
      // with the gateway's ENI, so the last read recorded one; its InvalidAssociationID.NotFound is tolerated, an
      // access-denied error is not. Then ReleaseAddress.
      delete: ["ec2:DisassociateAddress", "ec2:ReleaseAddress"],
    },
  },
  {
    // aws_security_group. Berth sets vpcId, description, tags, and for the tasks' group namePrefix,
    // revokeRulesOnDelete (true) and inline ingress/egress.
    type: "aws:ec2/securityGroup:SecurityGroup",
    files: [
      "internal/service/ec2/vpc_security_group.go",
      "internal/service/ec2/validate.go",
      "internal/service/ec2/vpc_network_interface.go",
      "internal/service/ec2/find.go",
      "internal/service/ec2/tags_gen.go",
    ],
    constraints: [
      {
        kind: "length",
        path: "description",
        min: 0,
        max: 255,
        source: "internal/service/ec2/vpc_security_group.go description validation.StringLenBetween(0, 255)",
      },
      {
        kind: "conflictsWith",
        path: "namePrefix",
        with: ["name"],
        source: "internal/service/ec2/vpc_security_group.go name_prefix",
      },
      {
        // StringLenBetween(0, 255-id.UniqueIDSuffixLength); the suffix is 26 characters (terraform-plugin-sdk
        // helper/resource/id.go: "an incrementing 26 digit value").
        kind: "length",
        path: "namePrefix",
        min: 0,
        max: 229,
        source:
          "internal/service/ec2/vpc_security_group.go name_prefix StringLenBetween(0, 255-id.UniqueIDSuffixLength)",
      },
      {
        kind: "pattern",
        path: "namePrefix",
        pattern: "^(?!sg-)",
        source: "internal/service/ec2/vpc_security_group.go name_prefix StringDoesNotMatch(`^sg-`)",
      },
      {
        kind: "length",
        path: "name",
        min: 0,
        max: 255,
        source: "internal/service/ec2/vpc_security_group.go name StringLenBetween(0, 255)",
      },
      {
        kind: "pattern",
        path: "name",
        pattern: "^(?!sg-)",
        source: "internal/service/ec2/vpc_security_group.go name StringDoesNotMatch(`^sg-`)",
      },
      // expandIPPerms also refuses protocol "-1" with a non-zero port, but at apply time (not in Check).
      ...inlineRuleConstraints("ingress"),
      ...inlineRuleConstraints("egress"),
    ],
    calls: {
      // CreateSecurityGroup (TagSpecifications), waitSecurityGroupCreated (DescribeSecurityGroups), then the default
      // allow-all egress revoked: RevokeSecurityGroupEgress for 0.0.0.0/0 and for ::/0 (NotFound tolerated), then
      // resourceSecurityGroupUpdate, which authorizes the configured ingress/egress, then Read.
      create: [
        "ec2:CreateSecurityGroup",
        "ec2:DescribeSecurityGroups",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
      ],
      read: SECURITY_GROUP_READ,
      update: SECURITY_GROUP_UPDATE,
      // deleteLingeringENIs("group-id"): DescribeNetworkInterfaces (detach/delete only for Lambda, Comprehend, DMS ENIs,
      // not listed); revoke_rules_on_delete: forceRevokeSecurityGroupRules; DeleteSecurityGroup (retried on
      // DependencyViolation/InvalidGroup.InUse, with a second forced revoke when revoke_rules_on_delete); then
      // RetryUntilNotFound(findSecurityGroupByID).
      delete: ["ec2:DescribeNetworkInterfaces", ...FORCE_REVOKE_RULES, "ec2:DeleteSecurityGroup"],
    },
  },
  {
    // aws_default_security_group (adopted, never created). Berth sets vpcId, ingress [], egress [], tags. It reuses
    // aws_security_group's nested rule block, Read and Update.
    type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    files: [
      "internal/service/ec2/vpc_default_security_group.go",
      "internal/service/ec2/vpc_security_group.go",
      "internal/service/ec2/validate.go",
      "internal/service/ec2/tags_gen.go",
    ],
    constraints: [...inlineRuleConstraints("ingress"), ...inlineRuleConstraints("egress")],
    calls: {
      // findSecurityGroup (DescribeSecurityGroups, group-name "default" + vpc-id), updateTags when the tags differ,
      // forceRevokeSecurityGroupRules (every existing rule), resourceSecurityGroupUpdate, then Read.
      create: [...new Set([...FORCE_REVOKE_RULES, ...TAG_UPDATE, ...SECURITY_GROUP_UPDATE])],
      read: SECURITY_GROUP_READ,
      update: SECURITY_GROUP_UPDATE,
      // DeleteWithoutTimeout: schema.NoopContext.
      delete: [],
    },
  },
  {
    // aws_flow_log. Berth sets vpcId, trafficType, logDestinationType ("cloud-watch-logs"), logDestination, iamRoleArn,
    // maxAggregationInterval (60), tags. iam_role_arn, log_destination and deliver_cross_account_role use
    // verify.ValidARN, not encoded (see the header). CreateFlowLogs with an iam_role_arn also needs iam:PassRole on
    // that role: an authorization of AWS, not a call of the provider, so not in `calls`.
    type: "aws:ec2/flowLog:FlowLog",
    files: ["internal/service/ec2/vpc_flow_log.go", "internal/service/ec2/find.go"],
    constraints: [
      {
        kind: "exactlyOneOf",
        paths: ["eniId", "regionalNatGatewayId", "subnetId", "vpcId", "transitGatewayId", "transitGatewayAttachmentId"],
        source:
          "internal/service/ec2/vpc_flow_log.go eni_id/regional_nat_gateway_id/subnet_id/vpc_id/transit_gateway_*",
      },
      {
        kind: "oneOf",
        path: "logDestinationType",
        values: ["cloud-watch-logs", "s3", "kinesis-data-firehose"],
        // Values as node_modules/@pulumi/aws/ec2/flowLog.d.ts lists them ("Valid values").
        source: "internal/service/ec2/vpc_flow_log.go log_destination_type enum.Validate[awstypes.LogDestinationType]",
      },
      {
        kind: "oneOf",
        path: "trafficType",
        values: ["ACCEPT", "REJECT", "ALL"],
        // Values as node_modules/@pulumi/aws/ec2/flowLog.d.ts lists them ("Valid values").
        source: "internal/service/ec2/vpc_flow_log.go traffic_type enum.Validate[awstypes.TrafficType]",
      },
      {
        kind: "oneOf",
        path: "maxAggregationInterval",
        values: [60, 600],
        source: "internal/service/ec2/vpc_flow_log.go max_aggregation_interval validation.IntInSlice([]int{60, 600})",
      },
    ],
    calls: {
      // CreateFlowLogs (retried while the IAM role cannot be assumed yet; Unsuccessful items are errors), then Read.
      create: ["ec2:CreateFlowLogs"],
      // findFlowLogByID -> DescribeFlowLogs.
      read: ["ec2:DescribeFlowLogs"],
      // resourceLogFlowUpdate: "Tags only".
      update: TAG_UPDATE,
      delete: ["ec2:DeleteFlowLogs"],
    },
  },
  {
    // aws_vpc_endpoint. Berth sets vpcId, serviceName, vpcEndpointType ("Gateway" for S3, "Interface" for the others),
    // routeTableIds, privateDnsEnabled, subnetIds, securityGroupIds, tags.
    type: "aws:ec2/vpcEndpoint:VpcEndpoint",
    files: ["internal/service/ec2/vpc_endpoint.go", "internal/service/ec2/find.go"],
    constraints: [
      { kind: "required", path: "vpcId", source: "internal/service/ec2/vpc_endpoint.go vpc_id" },
      {
        kind: "conflictsWith",
        path: "serviceName",
        with: ["resourceConfigurationArn", "serviceNetworkArn"],
        source: "internal/service/ec2/vpc_endpoint.go service_name",
      },
      {
        kind: "oneOf",
        path: "vpcEndpointType",
        values: ["Gateway", "GatewayLoadBalancer", "Interface", "Resource", "ServiceNetwork"],
        // Values as node_modules/@pulumi/aws/ec2/vpcEndpoint.d.ts lists them.
        source: "internal/service/ec2/vpc_endpoint.go vpc_endpoint_type enum.Validate[awstypes.VpcEndpointType]",
      },
    ],
    calls: {
      // CreateVpcEndpoint (TagSpecifications; the createTags fallback is for partitions without tag-on-create),
      // auto_accept not set, waitVPCEndpointAvailable (DescribeVpcEndpoints), then Read.
      create: ["ec2:CreateVpcEndpoint", "ec2:DescribeVpcEndpoints"],
      // findVPCEndpointByID (DescribeVpcEndpoints), findPrefixListByName (DescribePrefixLists, errors other than
      // NotFound fail the read), findSubnetConfigurationsByNetworkInterfaceIDs (DescribeNetworkInterfaces per ENI of an
      // interface endpoint).
      read: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeNetworkInterfaces"],
      // ModifyVpcEndpoint for route tables, subnets, security groups, policy, DNS; waitVPCEndpointAvailable.
      update: ["ec2:ModifyVpcEndpoint", "ec2:DescribeVpcEndpoints", ...TAG_UPDATE],
      // DeleteVpcEndpoints, waitVPCEndpointDeleted (DescribeVpcEndpoints).
      delete: ["ec2:DeleteVpcEndpoints", "ec2:DescribeVpcEndpoints"],
    },
  },
  securityGroupRuleFacts("Ingress"),
  securityGroupRuleFacts("Egress"),
  {
    // Invoke aws.getAvailabilityZones (infra/network/network.ts) -> data source aws_availability_zones.
    type: "aws:index/getAvailabilityZones:getAvailabilityZones",
    files: ["internal/service/ec2/availability_zones_data_source.go"],
    constraints: [],
    calls: { create: [], read: ["ec2:DescribeAvailabilityZones"], update: [], delete: [] },
  },
  {
    // Invoke aws.ec2.getVpc (infra/network/network.ts, when network.vpcId names an existing VPC) -> data source aws_vpc:
    // findVPC (DescribeVpcs), findVPCAttribute x3 (DescribeVpcAttribute; an error fails the invoke),
    // findVPCMainRouteTable (DescribeRouteTables; an error only logs a warning).
    type: "aws:ec2/getVpc:getVpc",
    files: ["internal/service/ec2/vpc_data_source.go", "internal/service/ec2/find.go"],
    constraints: [],
    calls: {
      create: [],
      read: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables"],
      update: [],
      delete: [],
    },
  },
];
