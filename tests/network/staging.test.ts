/**
 * Staging as its stack file declares it: a created VPC over 2 AZs with one NAT gateway, the cluster, and an HTTPS
 * load balancer. Every hardening input of the network, cluster and load balancer is asserted here.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedStack } from "../../offline/mockRuntime";
import { captureNetwork, idOf, one, ofType, policyOf, resourceList, stackConfig } from "../support";

const CERT = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000000";
let c: CapturedStack;

before(async () => {
  c = await captureNetwork("staging", stackConfig("staging"));
  assert.equal(c.error, undefined, String(c.error));
});

test("registers exactly the network, cluster and load balancer resources of a 2-AZ, single-NAT staging", () => {
  assert.deepEqual(resourceList(c), [
    "aws:cloudwatch/logGroup:LogGroup cluster-exec",
    "aws:cloudwatch/logGroup:LogGroup network-flow-logs",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup network-default-sg",
    "aws:ec2/eip:Eip network-nat-a",
    "aws:ec2/flowLog:FlowLog network-flow-logs",
    "aws:ec2/internetGateway:InternetGateway network-igw",
    "aws:ec2/natGateway:NatGateway network-nat-a",
    "aws:ec2/route:Route network-private-a-nat",
    "aws:ec2/route:Route network-private-b-nat",
    "aws:ec2/route:Route network-public-internet",
    "aws:ec2/routeTable:RouteTable network-private-a",
    "aws:ec2/routeTable:RouteTable network-private-b",
    "aws:ec2/routeTable:RouteTable network-public",
    "aws:ec2/routeTableAssociation:RouteTableAssociation network-private-a",
    "aws:ec2/routeTableAssociation:RouteTableAssociation network-private-b",
    "aws:ec2/routeTableAssociation:RouteTableAssociation network-public-a",
    "aws:ec2/routeTableAssociation:RouteTableAssociation network-public-b",
    "aws:ec2/securityGroup:SecurityGroup alb-sg",
    "aws:ec2/subnet:Subnet network-private-a",
    "aws:ec2/subnet:Subnet network-private-b",
    "aws:ec2/subnet:Subnet network-public-a",
    "aws:ec2/subnet:Subnet network-public-b",
    "aws:ec2/vpc:Vpc network-vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint network-s3",
    "aws:ecs/cluster:Cluster cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders cluster",
    // web deploys as a canary (staging's default): ECS's infrastructure role for load balancers.
    "aws:iam/role:Role alb-ecs-infrastructure",
    "aws:iam/role:Role network-flow-logs",
    "aws:iam/rolePolicy:RolePolicy network-flow-logs",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment alb-ecs-infrastructure",
    "aws:kms/key:Key cluster-exec",
    "aws:kms/key:Key network-flow-logs",
    "aws:lb/listener:Listener alb-http",
    "aws:lb/listener:Listener alb-https",
    // web's production listener rule (/*) and its alternate target group, for the canary.
    "aws:lb/listenerRule:ListenerRule alb-web",
    "aws:lb/loadBalancer:LoadBalancer alb",
    "aws:lb/targetGroup:TargetGroup alb-web",
    "aws:lb/targetGroup:TargetGroup alt-web",
    "aws:s3/bucket:Bucket alb-access-logs",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration alb-access-logs",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls alb-access-logs",
    "aws:s3/bucketPolicy:BucketPolicy alb-access-logs",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock alb-access-logs",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration alb-access-logs",
    "aws:s3/bucketVersioning:BucketVersioning alb-access-logs",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule alb-out-8080",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule alb-out-8081",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule alb-in-443-0",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule alb-in-80-0",
    "berth:cluster:Cluster cluster",
    "berth:loadBalancer:LoadBalancer alb",
    "berth:network:Network network",
  ]);
});

test("the VPC has DNS support and hostnames, and carves 4 subnets from 10.0.0.0/16 across 2 distinct AZs", () => {
  const vpc = one(c, "aws:ec2/vpc:Vpc", "network-vpc");
  assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
  assert.equal(vpc.inputs.enableDnsSupport, true);
  assert.equal(vpc.inputs.enableDnsHostnames, true);
  const cidrs = Object.fromEntries(ofType(c, "aws:ec2/subnet:Subnet").map((s) => [s.name, s.inputs.cidrBlock]));
  assert.deepEqual(cidrs, {
    "network-public-a": "10.0.0.0/20",
    "network-public-b": "10.0.16.0/20",
    "network-private-a": "10.0.128.0/20",
    "network-private-b": "10.0.144.0/20",
  });
  assert.equal(one(c, "aws:ec2/subnet:Subnet", "network-private-a").inputs.availabilityZone, "eu-west-1a");
  assert.equal(one(c, "aws:ec2/subnet:Subnet", "network-private-b").inputs.availabilityZone, "eu-west-1b");
  for (const s of ofType(c, "aws:ec2/subnet:Subnet")) assert.equal(s.inputs.vpcId, idOf(vpc), s.name);
});

test("no subnet hands out public IPs: tasks in private subnets never get one (FSBP ECS.2, EC2.15)", () => {
  const subnets = ofType(c, "aws:ec2/subnet:Subnet");
  assert.equal(subnets.length, 4);
  for (const s of subnets) assert.equal(s.inputs.mapPublicIpOnLaunch, false, s.name);
});

test("public subnets route to the internet gateway; private subnets only through the single NAT gateway", () => {
  const igw = one(c, "aws:ec2/internetGateway:InternetGateway", "network-igw");
  const publicRoute = one(c, "aws:ec2/route:Route", "network-public-internet");
  assert.equal(publicRoute.inputs.gatewayId, idOf(igw));
  assert.equal(publicRoute.inputs.routeTableId, idOf(one(c, "aws:ec2/routeTable:RouteTable", "network-public")));
  const nat = one(c, "aws:ec2/natGateway:NatGateway", "network-nat-a");
  assert.equal(nat.inputs.subnetId, idOf(one(c, "aws:ec2/subnet:Subnet", "network-public-a")));
  assert.equal(nat.inputs.allocationId, one(c, "aws:ec2/eip:Eip", "network-nat-a").state.allocationId);
  for (const az of ["a", "b"]) {
    const route = one(c, "aws:ec2/route:Route", `network-private-${az}-nat`);
    assert.equal(route.inputs.destinationCidrBlock, "0.0.0.0/0");
    assert.equal(route.inputs.natGatewayId, idOf(nat));
    assert.equal(route.inputs.gatewayId, undefined, "a private subnet never routes to the internet gateway");
    assert.equal(route.inputs.routeTableId, idOf(one(c, "aws:ec2/routeTable:RouteTable", `network-private-${az}`)));
    const assoc = one(c, "aws:ec2/routeTableAssociation:RouteTableAssociation", `network-private-${az}`);
    assert.equal(assoc.inputs.subnetId, idOf(one(c, "aws:ec2/subnet:Subnet", `network-private-${az}`)));
  }
});

test("the S3 gateway endpoint serves the private route tables (ECR layers skip the NAT gateway)", () => {
  const s3 = one(c, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3");
  assert.equal(s3.inputs.vpcEndpointType, "Gateway");
  assert.equal(s3.inputs.serviceName, "com.amazonaws.eu-west-1.s3");
  assert.deepEqual(
    s3.inputs.routeTableIds,
    ["a", "b"].map((az) => idOf(one(c, "aws:ec2/routeTable:RouteTable", `network-private-${az}`))),
  );
});

test("VPC flow logs capture ALL traffic to a KMS-encrypted CloudWatch log group with retention, through a role only the flow logs service assumes (FSBP EC2.6)", () => {
  const logGroup = one(c, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
  assert.equal(logGroup.inputs.retentionInDays, 30);
  assert.equal(logGroup.inputs.name, "/berth/staging/vpc-flow-logs");
  const key = one(c, "aws:kms/key:Key", "network-flow-logs");
  assert.equal(logGroup.inputs.kmsKeyId, key.state.arn, "encrypted with its own customer-managed key");
  assert.equal(key.inputs.enableKeyRotation, true);
  const keyPolicy = JSON.parse(key.inputs.policy);
  assert.deepEqual(
    keyPolicy.Statement.find((s: any) => s.Principal?.Service === "logs.eu-west-1.amazonaws.com").Condition,
    {
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn":
          "arn:aws:logs:eu-west-1:111111111111:log-group:/berth/staging/vpc-flow-logs",
      },
    },
  );
  const flow = one(c, "aws:ec2/flowLog:FlowLog", "network-flow-logs");
  assert.equal(flow.inputs.vpcId, idOf(one(c, "aws:ec2/vpc:Vpc", "network-vpc")));
  assert.equal(flow.inputs.trafficType, "ALL");
  assert.equal(flow.inputs.logDestinationType, "cloud-watch-logs");
  assert.equal(flow.inputs.logDestination, logGroup.state.arn);
  const role = one(c, "aws:iam/role:Role", "network-flow-logs");
  assert.equal(flow.inputs.iamRoleArn, role.state.arn);
  const trust = policyOf(role, "assumeRolePolicy");
  assert.deepEqual(
    trust.Statement.map((s) => s.Principal),
    [{ Service: "vpc-flow-logs.amazonaws.com" }],
  );
  assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "111111111111" } });
  const permissions = policyOf(one(c, "aws:iam/rolePolicy:RolePolicy", "network-flow-logs"));
  assert.deepEqual(permissions.Statement[0].Resource, [logGroup.state.arn, `${logGroup.state.arn}:*`]);
  assert.ok(!JSON.stringify(permissions).includes('"*"'), "no wildcard resource");
});

test("the default security group of the VPC is adopted with no rules at all (FSBP EC2.2)", () => {
  const sg = one(c, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default-sg");
  assert.equal(sg.inputs.vpcId, idOf(one(c, "aws:ec2/vpc:Vpc", "network-vpc")));
  assert.deepEqual(sg.inputs.ingress, []);
  assert.deepEqual(sg.inputs.egress, []);
});

test("the cluster has enhanced Container Insights and FARGATE as its only capacity provider", () => {
  const cluster = one(c, "aws:ecs/cluster:Cluster", "cluster");
  assert.equal(cluster.inputs.name, "berth-staging");
  assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enhanced" }]);
  const providers = one(c, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cluster");
  assert.deepEqual(providers.inputs.capacityProviders, ["FARGATE"]);
  assert.deepEqual(providers.inputs.defaultCapacityProviderStrategies, [
    { capacityProvider: "FARGATE", base: 0, weight: 1 },
  ]);
  assert.equal(providers.inputs.clusterName, "berth-staging");
});

test("ECS Exec sessions are encrypted with a rotating KMS key and logged to an encrypted log group with retention", () => {
  const key = one(c, "aws:kms/key:Key", "cluster-exec");
  assert.equal(key.inputs.enableKeyRotation, true);
  const keyPolicy = JSON.parse(key.inputs.policy);
  const logsStatement = keyPolicy.Statement.find((s: any) => s.Principal?.Service === "logs.eu-west-1.amazonaws.com");
  assert.deepEqual(logsStatement.Condition, {
    ArnEquals: {
      "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111111111111:log-group:/berth/staging/ecs-exec",
    },
  });
  const logGroup = one(c, "aws:cloudwatch/logGroup:LogGroup", "cluster-exec");
  assert.equal(logGroup.inputs.name, "/berth/staging/ecs-exec");
  assert.equal(logGroup.inputs.kmsKeyId, key.state.arn);
  assert.equal(logGroup.inputs.retentionInDays, 30);
  const exec = one(c, "aws:ecs/cluster:Cluster", "cluster").inputs.configuration.executeCommandConfiguration;
  assert.deepEqual(exec, {
    kmsKeyId: key.state.arn,
    logging: "OVERRIDE",
    logConfiguration: { cloudWatchLogGroupName: "/berth/staging/ecs-exec", cloudWatchEncryptionEnabled: true },
  });
});

test("the ALB is internet-facing in the public subnets with invalid headers dropped, desync mitigation and access logs", () => {
  const alb = one(c, "aws:lb/loadBalancer:LoadBalancer", "alb");
  assert.equal(alb.inputs.loadBalancerType, "application");
  assert.equal(alb.inputs.internal, false);
  assert.deepEqual(
    alb.inputs.subnets,
    ["a", "b"].map((az) => idOf(one(c, "aws:ec2/subnet:Subnet", `network-public-${az}`))),
  );
  assert.deepEqual(alb.inputs.securityGroups, [idOf(one(c, "aws:ec2/securityGroup:SecurityGroup", "alb-sg"))]);
  assert.equal(alb.inputs.dropInvalidHeaderFields, true);
  assert.equal(alb.inputs.desyncMitigationMode, "defensive");
  assert.equal(alb.inputs.enableDeletionProtection, false, "staging: deletion protection defaults off (prod: on)");
  const bucket = one(c, "aws:s3/bucket:Bucket", "alb-access-logs");
  assert.deepEqual(alb.inputs.accessLogs, { enabled: true, bucket: bucket.state.bucket, prefix: "alb" });
});

test("the ALB security group takes 443 and 80 from the configured CIDRs only, and sends only to the VPC on the app and health ports", () => {
  const sgId = idOf(one(c, "aws:ec2/securityGroup:SecurityGroup", "alb-sg"));
  const ingress = ofType(c, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
    (r) => r.inputs.securityGroupId === sgId,
  );
  assert.deepEqual(
    ingress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]).sort(),
    [
      ["tcp", 443, 443, "0.0.0.0/0"],
      ["tcp", 80, 80, "0.0.0.0/0"],
    ],
  );
  const egress = ofType(c, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
  assert.deepEqual(
    egress.map((r) => [
      r.inputs.securityGroupId,
      r.inputs.ipProtocol,
      r.inputs.fromPort,
      r.inputs.toPort,
      r.inputs.cidrIpv4,
    ]),
    // The app port and the sample's health port (route.healthCheckPort), each only into the VPC.
    [
      [sgId, "tcp", 8080, 8080, "10.0.0.0/16"],
      [sgId, "tcp", 8081, 8081, "10.0.0.0/16"],
    ],
  );
  const sg = one(c, "aws:ec2/securityGroup:SecurityGroup", "alb-sg");
  assert.equal(sg.inputs.ingress, undefined, "no inline rules that would fight the rule resources");
  assert.equal(sg.inputs.egress, undefined);
});

test("HTTPS listener: the ACM certificate, the TLS 1.3 policy, forwarding to the default route's target group (FSBP ELB.17, ELB.18)", () => {
  const https = one(c, "aws:lb/listener:Listener", "alb-https");
  assert.equal(https.inputs.loadBalancerArn, one(c, "aws:lb/loadBalancer:LoadBalancer", "alb").state.arn);
  assert.equal(https.inputs.port, 443);
  assert.equal(https.inputs.protocol, "HTTPS");
  assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
  assert.equal(https.inputs.certificateArn, CERT);
  assert.deepEqual(https.inputs.defaultActions, [
    { type: "forward", targetGroupArn: one(c, "aws:lb/targetGroup:TargetGroup", "alb-web").state.arn },
  ]);
});

test("HTTP listener only redirects to HTTPS with a 301 (FSBP ELB.1)", () => {
  const http = one(c, "aws:lb/listener:Listener", "alb-http");
  assert.equal(http.inputs.port, 80);
  assert.equal(http.inputs.protocol, "HTTP");
  assert.deepEqual(http.inputs.defaultActions, [
    { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
  ]);
  assert.deepEqual(
    ofType(c, "aws:lb/listenerRule:ListenerRule").map((r) => r.inputs.listenerArn),
    [one(c, "aws:lb/listener:Listener", "alb-https").state.arn],
    "web's only rule (its canary's production rule) is on HTTPS",
  );
});

test("web's two target groups (a canary's primary and alternate; none for the worker): IP targets on 8080, GET /health on the health port 8081, 200 every 10 s, healthy after 2, 15 s deregistration", () => {
  const groups = ofType(c, "aws:lb/targetGroup:TargetGroup");
  assert.deepEqual(
    groups.map((g) => g.name),
    ["alb-web", "alt-web"],
  );
  const { tags: _altTags, ...alt } = groups[1].inputs;
  const { tags: _webTags, ...primary } = groups[0].inputs;
  assert.deepEqual(alt, primary, "the alternate target group is the primary's twin (ECS alternates between them)");
  const web = groups[0];
  assert.equal(web.inputs.vpcId, idOf(one(c, "aws:ec2/vpc:Vpc", "network-vpc")));
  assert.equal(web.inputs.targetType, "ip");
  assert.equal(web.inputs.protocol, "HTTP");
  assert.equal(web.inputs.port, 8080);
  assert.equal(web.inputs.deregistrationDelay, 15);
  assert.deepEqual(web.inputs.healthCheck, {
    enabled: true,
    protocol: "HTTP",
    port: "8081",
    path: "/health",
    matcher: "200",
    interval: 10,
    timeout: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
  });
});

test("staging's access logs bucket is emptied by a destroy (forceDestroy) and not protected, so `pulumi destroy` finishes", () => {
  // hashicorp/terraform-provider-aws internal/service/s3/bucket.go resourceBucketDelete (read through the library,
  // file id 1518242462): DeleteBucket on a bucket with objects fails with BucketNotEmpty unless force_destroy is set,
  // which empties it (every object version: the bucket is versioned) and retries.
  const bucket = one(c, "aws:s3/bucket:Bucket", "alb-access-logs");
  assert.equal(bucket.inputs.forceDestroy, true);
  assert.notEqual(bucket.options?.protect, true);
});

test("access logs bucket: SSE-S3, every public access block, ACLs disabled, versioning, expiry lifecycle", () => {
  assert.deepEqual(
    one(c, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "alb-access-logs")
      .inputs.rules,
    [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }],
  );
  const pab = one(c, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "alb-access-logs").inputs;
  assert.deepEqual(
    [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
    [true, true, true, true],
  );
  assert.deepEqual(one(c, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "alb-access-logs").inputs.rule, {
    objectOwnership: "BucketOwnerEnforced",
  });
  assert.deepEqual(
    one(c, "aws:s3/bucketVersioning:BucketVersioning", "alb-access-logs").inputs.versioningConfiguration,
    { status: "Enabled" },
  );
  const [rule] = one(c, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "alb-access-logs").inputs
    .rules;
  assert.equal(rule.status, "Enabled");
  assert.deepEqual(rule.expiration, { days: 90 });
  assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 7 });
  const bucketName = one(c, "aws:s3/bucket:Bucket", "alb-access-logs").state.bucket;
  for (const t of [
    "BucketServerSideEncryptionConfiguration",
    "BucketPublicAccessBlock",
    "BucketOwnershipControls",
    "BucketVersioning",
    "BucketLifecycleConfiguration",
    "BucketPolicy",
  ]) {
    const r = c.resources.find((x) => x.type.endsWith(`:${t}`))!;
    assert.equal(r.inputs.bucket, bucketName, `${t} applies to the access logs bucket`);
  }
});

test("access logs bucket policy: ELB log delivery writes only under alb/AWSLogs/<account>/, and requests without TLS are denied", () => {
  const bucketArn = one(c, "aws:s3/bucket:Bucket", "alb-access-logs").state.arn;
  const policy = policyOf(one(c, "aws:s3/bucketPolicy:BucketPolicy", "alb-access-logs"));
  const writes = policy.Statement.filter((s) => s.Effect === "Allow");
  assert.deepEqual(
    writes.map((s) => s.Principal),
    [{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, { AWS: "arn:aws:iam::000000000009:root" }],
  );
  for (const s of writes) {
    assert.equal(s.Action, "s3:PutObject");
    assert.equal(s.Resource, `${bucketArn}/alb/AWSLogs/111111111111/*`);
  }
  const deny = policy.Statement.find((s) => s.Effect === "Deny");
  assert.deepEqual(deny, {
    Sid: "DenyWithoutTls",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
  assert.ok(
    c.invokes.some((i) => i.token === "aws:elb/getServiceAccount:getServiceAccount"),
    "eu-west-1 has a regional ELB account, read from the provider",
  );
});

test("outputs: HTTPS url, ids for the services, no warnings", () => {
  assert.equal(c.outputs.url, "https://alb-123456789.eu-west-1.elb.amazonaws.com");
  assert.deepEqual(c.outputs.warnings, []);
  assert.equal(c.outputs.clusterName, "berth-staging");
  assert.equal(c.outputs.vpcCidrBlock, "10.0.0.0/16");
  assert.deepEqual(
    c.outputs.privateSubnetIds,
    ["a", "b"].map((az) => idOf(one(c, "aws:ec2/subnet:Subnet", `network-private-${az}`))),
  );
  assert.deepEqual(
    c.outputs.publicSubnetIds,
    ["a", "b"].map((az) => idOf(one(c, "aws:ec2/subnet:Subnet", `network-public-${az}`))),
  );
  assert.deepEqual(Object.keys(c.outputs.targetGroupArns as object), ["web"]);
});

test("every taggable resource of the network, cluster and load balancer carries a Name tag of this stack", () => {
  const untaggable = new Set([
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
  ]);
  const taggable = c.resources.filter((r) => r.custom && !untaggable.has(r.type));
  assert.ok(taggable.length >= 25);
  for (const r of taggable) assert.match(String(r.inputs.tags?.Name), /^berth-staging(-|$)/, `${r.type} ${r.name}`);
});
