/**
 * The internet-facing Application Load Balancer: HTTPS with a TLS 1.3 policy and an HTTP listener that only
 * redirects, invalid headers dropped, desync mitigation, access logs to an encrypted private bucket, one target group
 * per routed service (health-checked on its own path, or the stack's) with listener rules from each service's route.
 *
 * With no certificate configured (a first try), the ALB serves plain HTTP and says so loudly: a `warnings` output and
 * `pulumi.log.warn` in every preview and update.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsSettings, Environment, ServiceSettings } from "../config";
import { LOAD_BALANCER, type LoadBalancerSettings } from "../config/network";
import { optOutWarnings } from "../config/declare";
import { DEFAULT_ROUTE_RULE_PRIORITY, shiftsTraffic } from "../config/services";

interface LoadBalancerArgs {
  loadBalancer: LoadBalancerSettings;
  /** The services: each routed one gets a target group and its listener rules. */
  services: readonly ServiceSettings[];
  /** The account (the access logs bucket policy) and the region (its Elastic Load Balancing account). */
  aws: AwsSettings;
  /** Resource names `<project>-<stack>-<suffix>`. */
  project: string;
  stack: string;
  /** Prod protects the load balancer and its access logs bucket. */
  environment: Environment;
  network: {
    vpcId: pulumi.Input<string>;
    vpcCidrBlock: pulumi.Input<string>;
    publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** The permissions boundary of the ECS infrastructure role (infra/delivery/roleBoundary.ts). */
  permissionsBoundary?: pulumi.Input<string>;
}

/** Key prefix of the access logs in their bucket. */
const ACCESS_LOGS_PREFIX = "alb";

/**
 * Regions opened before August 2022 deliver ALB access logs from a regional Elastic Load Balancing account; newer ones
 * (and these too, today) from the `logdelivery.elasticloadbalancing.amazonaws.com` service principal. Berth grants both
 * where the regional account exists (its id comes from the provider's `aws.elb.getServiceAccount`).
 */
const REGIONS_WITH_ELB_ACCOUNT = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-north-1",
  "me-south-1",
  "sa-east-1",
  "us-gov-west-1",
  "us-gov-east-1",
] as const;

/** The routed services, in a stable order, with the routes they claim. */
export function routedServices(
  services: readonly ServiceSettings[],
): (ServiceSettings & { route: NonNullable<ServiceSettings["route"]> })[] {
  return services
    .filter((s): s is ServiceSettings & { route: NonNullable<ServiceSettings["route"]> } => s.route !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Listener rule conditions of a route: path AND host; none for a default-only route. */
export function routeConditions(
  route: NonNullable<ServiceSettings["route"]>,
): aws.types.input.lb.ListenerRuleCondition[] {
  const conditions: aws.types.input.lb.ListenerRuleCondition[] = [];
  if (route.pathPatterns.length > 0) conditions.push({ pathPattern: { values: [...route.pathPatterns] } });
  if (route.hostHeaders.length > 0) conditions.push({ hostHeader: { values: [...route.hostHeaders] } });
  return conditions;
}

/**
 * Fields of a production or test listener rule that belong to ECS once a canary, linear or blue/green deployment ran:
 * ECS rewrites the rule's forward action (weights over the two target groups, and which one takes the traffic) on
 * every deployment, so Berth sets it only when it creates the rule and never reverts it (ignoreChanges). Berth keeps
 * the listener, priority, conditions and tags. Peers that did not: hashicorp/terraform-provider-aws#45678,
 * pulumi/pulumi-awsx#856, terraform-aws-modules/terraform-aws-alb#409, aws/aws-cdk#36649.
 */
export const ECS_OWNED_LISTENER_RULE_FIELDS = ["actions"] as const;

/** The path condition of the production rule a default route gets when it shifts traffic: every request. */
const DEFAULT_ROUTE_CONDITIONS: aws.types.input.lb.ListenerRuleCondition[] = [{ pathPattern: { values: ["/*"] } }];

/**
 * The forward action a production (or test) rule starts with: all traffic to the primary target group, none to the
 * alternate one, as in the ECS guide's example (alb-resources-for-blue-green.html); ECS moves the weights from there.
 */
function initialTrafficAction(
  primaryArn: pulumi.Input<string>,
  alternateArn: pulumi.Input<string>,
): aws.types.input.lb.ListenerRuleAction {
  return {
    type: "forward",
    forward: {
      targetGroups: [
        { arn: primaryArn, weight: 100 },
        { arn: alternateArn, weight: 0 },
      ],
    },
  };
}

/** Trust policy of the ECS infrastructure role for load balancers (AmazonECSInfrastructureRolePolicyForLoadBalancers.html). */
function ecsInfrastructureTrustPolicy(): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowAccessToECSForInfrastructureManagement",
        Effect: "Allow",
        Principal: { Service: "ecs.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ],
  };
}

export const ECS_INFRASTRUCTURE_POLICY_ARN =
  "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers";

/** What a canary, linear or blue/green service gets from the load balancer, besides its primary target group. */
interface TrafficShift {
  alternateTargetGroup: aws.lb.TargetGroup;
  /** The rule whose forward weights ECS moves (the route's rule, or `/*` for a default route). */
  productionRule: aws.lb.ListenerRule;
  testListener?: aws.lb.Listener;
  testRule?: aws.lb.ListenerRule;
  /** ECS's role for the load balancer calls (shared by the stack's services). */
  roleArn: pulumi.Output<string>;
}

/**
 * The target group health check of a routed service: GET <path> on the traffic port, HTTP; the service's own path
 * and matcher (`berth:services.<name>.route.healthCheckPath`/`healthCheckMatcher`) over the stack's.
 */
export function targetHealthCheck(
  lb: Pick<LoadBalancerSettings, "healthCheck">,
  route?: Pick<NonNullable<ServiceSettings["route"]>, "healthCheckPath" | "healthCheckMatcher" | "healthCheckPort">,
): aws.types.input.lb.TargetGroupHealthCheck {
  const hc = lb.healthCheck;
  return {
    enabled: true,
    protocol: "HTTP",
    port: route?.healthCheckPort === undefined ? "traffic-port" : String(route.healthCheckPort),
    path: route?.healthCheckPath ?? hc.path,
    matcher: route?.healthCheckMatcher ?? hc.matcher,
    interval: hc.intervalSeconds,
    timeout: hc.timeoutSeconds,
    healthyThreshold: hc.healthyThreshold,
    unhealthyThreshold: hc.unhealthyThreshold,
  };
}

/** Ports the ALB listens on: 443 (and 80 that redirects) with a certificate, 80 alone without. */
export function listenerPorts(lb: Pick<LoadBalancerSettings, "certificateArn">): number[] {
  return lb.certificateArn ? [443, 80] : [80];
}

/** What the stack says out loud about this load balancer: missing TLS, and each hardening switched off. */
export function loadBalancerWarnings(lb: LoadBalancerSettings, environment: Environment): string[] {
  const warnings: string[] = [];
  if (!lb.certificateArn) {
    warnings.push(
      "berth:loadBalancer.certificateArn is not set: the load balancer serves plain HTTP on port 80, unencrypted, with no HTTPS listener. " +
        "Set it to an ACM certificate ARN in this region before sending real traffic.",
    );
  }
  warnings.push(...optOutWarnings(LOAD_BALANCER, { ...lb }, "berth:loadBalancer", environment));
  return warnings;
}

/**
 * Bucket policy of the access logs bucket: ELB log delivery may only put objects under `<prefix>/AWSLogs/<account>/`,
 * and every request without TLS is denied.
 */
export function accessLogsBucketPolicy(args: {
  bucketArn: string;
  accountId: string;
  elbAccountArn?: string;
}): aws.iam.PolicyDocument {
  const logObjects = `${args.bucketArn}/${ACCESS_LOGS_PREFIX}/AWSLogs/${args.accountId}/*`;
  const statements: aws.iam.PolicyStatement[] = [
    {
      Sid: "ElbLogDeliveryWrites",
      Effect: "Allow",
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: logObjects,
    },
  ];
  if (args.elbAccountArn) {
    statements.push({
      Sid: "RegionalElbAccountWrites",
      Effect: "Allow",
      Principal: { AWS: args.elbAccountArn },
      Action: "s3:PutObject",
      Resource: logObjects,
    });
  }
  statements.push({
    Sid: "DenyWithoutTls",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [args.bucketArn, `${args.bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** A routed service (one with a route on the load balancer). */
type RoutedService = ReturnType<typeof routedServices>[number];

/** The access logs bucket and the resources the load balancer must wait for (its policy and its encryption). */
interface AccessLogs {
  bucket: aws.s3.Bucket;
  ready: pulumi.Resource[];
}

export class LoadBalancer extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly arn: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  /** `https://<dns>` with a certificate, `http://<dns>` without. */
  readonly url: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** One target group per routed service, by service name; tasks register by IP on the service's port. */
  readonly targetGroups: Record<string, aws.lb.TargetGroup>;
  /** Canary, linear and blue/green services, by name: the alternate target group, the rules ECS shifts and its role. */
  readonly trafficShifts: Record<string, TrafficShift>;
  /** The ECS infrastructure role for load balancers, when a service shifts traffic. */
  readonly ecsInfrastructureRole?: aws.iam.Role;
  /** `https` (when a certificate is set) serves traffic; `http` redirects to it, or serves traffic without one. */
  readonly listeners: { https?: aws.lb.Listener; http: aws.lb.Listener };
  /** The listener that forwards to the target groups (HTTPS, or HTTP without a certificate). */
  readonly trafficListener: aws.lb.Listener;
  readonly accessLogsBucket?: aws.s3.Bucket;
  /** Plain strings, known at plan time: missing TLS and switched-off hardening. */
  readonly warnings: string[];

  private readonly name: string;
  private readonly args: LoadBalancerArgs;
  /** `<project>-<stack>`: the Name tags. */
  private readonly prefix: string;
  private readonly routed: RoutedService[];

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:loadBalancer:LoadBalancer", name, {}, opts);
    this.name = name;
    this.args = args;
    this.prefix = `${args.project}-${args.stack}`;
    this.routed = routedServices(args.services);

    this.warnings = loadBalancerWarnings(args.loadBalancer, args.environment);
    for (const warning of this.warnings) pulumi.log.warn(warning, this);

    const group = this.createSecurityGroup();
    this.securityGroupId = group.id;
    const accessLogs = args.loadBalancer.accessLogs ? this.createAccessLogsBucket() : undefined;
    this.accessLogsBucket = accessLogs?.bucket;
    this.loadBalancer = this.createLoadBalancer(group, accessLogs);
    const { primary, alternates } = this.createTargetGroups();
    this.targetGroups = primary;
    if (Object.keys(alternates).length > 0) this.ecsInfrastructureRole = this.createEcsInfrastructureRole();
    this.listeners = this.createListeners();
    this.trafficListener = this.listeners.https ?? this.listeners.http;
    this.trafficShifts = this.createListenerRules(alternates);

    this.arn = this.loadBalancer.arn;
    this.dnsName = this.loadBalancer.dnsName;
    const scheme = args.loadBalancer.certificateArn ? "https" : "http";
    this.url = pulumi.interpolate`${scheme}://${this.loadBalancer.dnsName}`;
    this.registerOutputs({
      arn: this.arn,
      dnsName: this.dnsName,
      url: this.url,
      securityGroupId: this.securityGroupId,
      warnings: this.warnings,
    });
  }

  /** Security group: in from the configured CIDRs on the listener ports; out only to the VPC on the app ports. */
  private createSecurityGroup(): aws.ec2.SecurityGroup {
    const { name, prefix, routed } = this;
    const { loadBalancer: lb, network } = this.args;
    const child = { parent: this };
    const group = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: network.vpcId,
        description: `Load balancer ${prefix}: listeners from allowed CIDRs, out to tasks only`,
        tags: { Name: `${prefix}-alb` },
      },
      child,
    );
    for (const port of listenerPorts(lb)) {
      lb.ingressCidrs.forEach(
        (cidr, i) =>
          new aws.vpc.SecurityGroupIngressRule(
            `${name}-in-${port}-${i}`,
            {
              securityGroupId: group.id,
              ipProtocol: "tcp",
              fromPort: port,
              toPort: port,
              cidrIpv4: cidr,
              description: `${port === 443 ? "HTTPS" : "HTTP"} from ${cidr}`,
              tags: { Name: `${prefix}-alb-in-${port}` },
            },
            child,
          ),
      );
    }
    for (const service of routed) {
      const test = shiftsTraffic(service.deployment) ? service.deployment.testListener : undefined;
      test?.ingressCidrs.forEach(
        (cidr, i) =>
          new aws.vpc.SecurityGroupIngressRule(
            `${name}-in-${test.port}-${i}`,
            {
              securityGroupId: group.id,
              ipProtocol: "tcp",
              fromPort: test.port,
              toPort: test.port,
              cidrIpv4: cidr,
              description: `Test traffic of ${service.name} from ${cidr}`,
              tags: { Name: `${prefix}-alb-in-${test.port}` },
            },
            child,
          ),
      );
    }
    // The app ports, and the separate health ports the target groups check (berth:services.<name>.route.healthCheckPort).
    const taskPorts = routed.flatMap((s) => [s.port, ...(s.route?.healthCheckPort ? [s.route.healthCheckPort] : [])]);
    for (const port of [...new Set(taskPorts)].sort((a, b) => a - b)) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-out-${port}`,
        {
          securityGroupId: group.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: network.vpcCidrBlock,
          description: `To tasks on port ${port} (app or health)`,
          tags: { Name: `${prefix}-alb-out-${port}` },
        },
        child,
      );
    }
    return group;
  }

  /**
   * The access logs bucket: private, encrypted (SSE-S3), versioned, expiring; its policy lets only ELB log delivery
   * write. Prod keeps its access logs (audit) and its load balancer (its DNS name is what clients use): both protected.
   * Elsewhere a destroy empties the versioned bucket first (forceDestroy), or DeleteBucket stops at BucketNotEmpty.
   */
  private createAccessLogsBucket(): AccessLogs {
    const { name, prefix } = this;
    const { loadBalancer: lb, aws: account, environment } = this.args;
    const child = { parent: this };
    const bucket = new aws.s3.Bucket(
      `${name}-access-logs`,
      { forceDestroy: environment !== "prod", tags: { Name: `${prefix}-alb-access-logs` } },
      { ...child, protect: environment === "prod" },
    );
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-access-logs`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-access-logs`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    // ALB access logs support SSE-S3 only (not SSE-KMS).
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-access-logs`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }],
      },
      child,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-access-logs`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-access-logs`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: "" },
            expiration: { days: lb.accessLogsExpiryDays },
            noncurrentVersionExpiration: { noncurrentDays: 7 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { ...child, dependsOn: [versioning] },
    );
    const elbAccountArn = (REGIONS_WITH_ELB_ACCOUNT as readonly string[]).includes(account.region)
      ? aws.elb.getServiceAccountOutput({}, child).arn
      : pulumi.output(undefined);
    const policy = new aws.s3.BucketPolicy(
      `${name}-access-logs`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([bucket.arn, elbAccountArn])
          .apply(([bucketArn, elb]) =>
            JSON.stringify(accessLogsBucketPolicy({ bucketArn, accountId: account.accountId, elbAccountArn: elb })),
          ),
      },
      { ...child, dependsOn: [publicAccess, ownership] },
    );
    return { bucket, ready: [policy, encryption] };
  }

  private createLoadBalancer(group: aws.ec2.SecurityGroup, accessLogs?: AccessLogs): aws.lb.LoadBalancer {
    const { name, prefix } = this;
    const { loadBalancer: lb, network, environment } = this.args;
    return new aws.lb.LoadBalancer(
      name,
      {
        loadBalancerType: "application",
        internal: false,
        ipAddressType: "ipv4",
        subnets: network.publicSubnetIds,
        securityGroups: [group.id],
        dropInvalidHeaderFields: lb.dropInvalidHeaderFields,
        desyncMitigationMode: lb.desyncMitigationMode,
        enableDeletionProtection: lb.deletionProtection,
        idleTimeout: lb.idleTimeoutSeconds,
        enableHttp2: true,
        xffHeaderProcessingMode: "append",
        accessLogs: accessLogs
          ? { enabled: true, bucket: accessLogs.bucket.bucket, prefix: ACCESS_LOGS_PREFIX }
          : { enabled: false, bucket: "" },
        tags: { Name: `${prefix}-alb` },
      },
      { parent: this, dependsOn: accessLogs?.ready ?? [], protect: environment === "prod" },
    );
  }

  /**
   * One target group per routed service and, for a canary, linear or blue/green service, the second one ECS starts
   * each new revision in (both alike: ECS alternates between them).
   */
  private createTargetGroups(): {
    primary: Record<string, aws.lb.TargetGroup>;
    alternates: Record<string, aws.lb.TargetGroup>;
  } {
    const { name, prefix, routed } = this;
    const { loadBalancer: lb, network } = this.args;
    const child = { parent: this };
    const primary: Record<string, aws.lb.TargetGroup> = {};
    const alternates: Record<string, aws.lb.TargetGroup> = {};
    const targetGroupArgs = (service: RoutedService, nameTag: string): aws.lb.TargetGroupArgs => ({
      vpcId: network.vpcId,
      targetType: "ip",
      protocol: "HTTP",
      protocolVersion: "HTTP1",
      port: service.port,
      deregistrationDelay: lb.deregistrationDelaySeconds,
      healthCheck: targetHealthCheck(lb, service.route),
      tags: { Name: nameTag, service: service.name },
    });
    for (const service of routed) {
      primary[service.name] = new aws.lb.TargetGroup(
        `${name}-${service.name}`,
        targetGroupArgs(service, `${prefix}-${service.name}`),
        child,
      );
      // The second target group ECS starts each new revision in (both alike: ECS alternates between them). Logical
      // name `alt-<service>`: the auto-name adds 8 characters and a target group name has at most 32.
      if (shiftsTraffic(service.deployment)) {
        alternates[service.name] = new aws.lb.TargetGroup(
          `alt-${service.name}`,
          targetGroupArgs(service, `${prefix}-${service.name}-alt`),
          child,
        );
      }
    }
    return { primary, alternates };
  }

  /** ECS's role for the load balancer calls of the services that shift traffic (shared by the stack's services). */
  private createEcsInfrastructureRole(): aws.iam.Role {
    const { name, prefix } = this;
    const { project, stack } = this.args;
    const child = { parent: this };
    const role = new aws.iam.Role(
      `${name}-ecs-infrastructure`,
      {
        name: `${prefix}-ecs-infrastructure`,
        description: `ECS infrastructure role of ${project}/${stack}: shifts listener rule traffic in canary, linear and blue/green deployments`,
        assumeRolePolicy: JSON.stringify(ecsInfrastructureTrustPolicy()),
        maxSessionDuration: 3600,
        permissionsBoundary: this.args.permissionsBoundary,
        tags: { Name: `${prefix}-ecs-infrastructure` },
      },
      child,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-ecs-infrastructure`,
      { role: role.name, policyArn: ECS_INFRASTRUCTURE_POLICY_ARN },
      child,
    );
    return role;
  }

  /** With a certificate, HTTPS serves traffic and HTTP only redirects; without one, HTTP serves traffic. */
  private createListeners(): { https?: aws.lb.Listener; http: aws.lb.Listener } {
    const { name, prefix, routed } = this;
    const lb = this.args.loadBalancer;
    const child = { parent: this };
    const defaultService = routed.find((s) => s.route.isDefault);
    const trafficDefaultAction: aws.types.input.lb.ListenerDefaultAction = defaultService
      ? { type: "forward", targetGroupArn: this.targetGroups[defaultService.name].arn }
      : {
          type: "fixed-response",
          fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" },
        };

    if (lb.certificateArn) {
      const https = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: lb.tlsPolicy,
          certificateArn: lb.certificateArn,
          defaultActions: [trafficDefaultAction],
          tags: { Name: `${prefix}-https` },
        },
        child,
      );
      const http = new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
          tags: { Name: `${prefix}-http-redirect` },
        },
        child,
      );
      return { https, http };
    } else {
      const http = new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [trafficDefaultAction],
          tags: { Name: `${prefix}-http` },
        },
        child,
      );
      return { http };
    }
  }

  /**
   * The listener rules of each route and, for a service that shifts traffic, what ECS moves: the production rule, and
   * the test listener and its rule when the deployment has one.
   */
  private createListenerRules(alternates: Record<string, aws.lb.TargetGroup>): Record<string, TrafficShift> {
    const { name, prefix, routed } = this;
    const lb = this.args.loadBalancer;
    const child = { parent: this };
    const trafficShifts: Record<string, TrafficShift> = {};
    // ECS owns the forward action of the rules it shifts (ECS_OWNED_LISTENER_RULE_FIELDS).
    const ecsOwned = { ...child, ignoreChanges: [...ECS_OWNED_LISTENER_RULE_FIELDS] };
    for (const service of routed) {
      const alternate = alternates[service.name];
      const primary = this.targetGroups[service.name];
      // A default route that shifts traffic gets a `/*` rule after every other: ECS needs a listener rule, not the
      // listener's default action (AdvancedConfiguration.productionListenerRule is a rule ARN for an ALB).
      const conditions =
        alternate && service.route.isDefault ? DEFAULT_ROUTE_CONDITIONS : routeConditions(service.route);
      if (conditions.length === 0) continue;
      const rule = new aws.lb.ListenerRule(
        `${name}-${service.name}`,
        {
          listenerArn: this.trafficListener.arn,
          priority: alternate && service.route.isDefault ? DEFAULT_ROUTE_RULE_PRIORITY : service.route.priority,
          actions: [
            alternate
              ? initialTrafficAction(primary.arn, alternate.arn)
              : { type: "forward", targetGroupArn: primary.arn },
          ],
          conditions,
          tags: { Name: `${prefix}-${service.name}` },
        },
        alternate ? ecsOwned : child,
      );
      if (!alternate) continue;
      const shift: TrafficShift = {
        alternateTargetGroup: alternate,
        productionRule: rule,
        roleArn: this.ecsInfrastructureRole!.arn,
      };
      const test = service.deployment.testListener;
      if (test) {
        // Test traffic: its own port, open only to the configured CIDRs; ECS points its rule at the new revision
        // before production traffic moves. The default action forwards too (no fixed-response next to forwards:
        // alb-resources-for-blue-green.html, "Limitations").
        shift.testListener = new aws.lb.Listener(
          `${name}-test-${service.name}`,
          {
            loadBalancerArn: this.loadBalancer.arn,
            port: test.port,
            ...(lb.certificateArn
              ? { protocol: "HTTPS", sslPolicy: lb.tlsPolicy, certificateArn: lb.certificateArn }
              : { protocol: "HTTP" }),
            defaultActions: [{ type: "forward", targetGroupArn: primary.arn }],
            tags: { Name: `${prefix}-test-${service.name}` },
          },
          child,
        );
        shift.testRule = new aws.lb.ListenerRule(
          `${name}-${service.name}-test`,
          {
            listenerArn: shift.testListener.arn,
            priority: 1,
            actions: [initialTrafficAction(primary.arn, alternate.arn)],
            conditions: DEFAULT_ROUTE_CONDITIONS,
            tags: { Name: `${prefix}-${service.name}-test` },
          },
          ecsOwned,
        );
      }
      trafficShifts[service.name] = shift;
    }
    return trafficShifts;
  }
}
