/**
 * One ECS Fargate service: instantiated once per entry of `berth:services`, sharing the cluster,
 * the network, the image and the log retention; each service gets its own log group, execution role, task role,
 * security group, task definition, service and autoscaling.
 *
 *   log group ◄── execution role (pull this repo, write this group, read these secrets) ──► task definition ──► service
 *                 task role (the app's own statements and managed policies; ECS Exec) ──────┘        │
 *   task security group (ingress only from the ALB's group, on the app port; none for workers;       │
 *   egress HTTPS plus the service's named destinations) + the service's extra security groups ───────┤
 *   autoscaling target + CPU and memory target tracking ◄────────────────────────────────────────────┘
 *
 * The IAM documents and the container definition come from pure functions (tested directly).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { logGroupKeyPolicy } from "./logGroupKey";
import type { AwsSettings, Environment, LogSettings, Platform, ServiceSettings } from "../config";
import { containerSpecFor, writablePathsFor } from "../container/containerSpec";
import { renderContainerDefinition, renderTaskVolumes } from "../container/containerDefinition";
import { durationSeconds, RolloutVerification } from "../rollout/resource";
import {
  ECS_STRATEGY,
  SERVICE,
  shiftsTraffic,
  taskRolePolicyDocument,
  type EgressRule,
  type ServiceDeployment,
} from "../config/services";
import { optOutWarnings } from "../config/declare";
import { TASK_ROLE_APP_POLICY } from "../../policy/securityLists";

/** What a service needs from the cluster (the `Cluster` component fits). */
interface ServiceCluster {
  arn: pulumi.Input<string>;
  name: pulumi.Input<string>;
  /** ECS Exec session logging (the cluster's): a task role with exec writes there and decrypts with this key. */
  execLogGroupArn?: pulumi.Input<string>;
  execKmsKeyArn?: pulumi.Input<string>;
}

/** What a service needs from the network (the `Network` component fits). */
interface ServiceNetwork {
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * What a routed service needs from the load balancer (the `LoadBalancer` component fits). When it is a component resource,
 * routed services depend on it whole: a service can only register with a target group a listener already uses.
 */
interface ServiceLoadBalancer {
  securityGroupId: pulumi.Input<string>;
  /** One target group per routed service, by service name. */
  targetGroups: Record<string, { arn: pulumi.Input<string> }>;
  /** Canary, linear and blue/green services, by name: the alternate target group, the rules ECS shifts, ECS's role. */
  trafficShifts?: Record<
    string,
    {
      alternateTargetGroup: { arn: pulumi.Input<string> };
      productionRule: { arn: pulumi.Input<string> };
      testRule?: { arn: pulumi.Input<string> };
      roleArn: pulumi.Input<string>;
    }
  >;
}

interface FargateServiceArgs {
  service: ServiceSettings;
  /** The account and region the roles trust, the logs go to and the rollout is verified in. */
  aws: AwsSettings;
  /** Retention of the service's log group. */
  logs: Pick<LogSettings, "retentionDays">;
  /** Resource names `<project>-<stack>-<service>` (serviceResourceNames). */
  project: string;
  stack: string;
  /** The app's `Berth__Environment`; prod retains the logs and their key when the service is removed. */
  environment: Environment;
  /** The image's platform: the task's CPU architecture. */
  platform: Platform;
  /** The image by digest in this account's ECR (`<acct>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...`). */
  image: pulumi.Input<string>;
  /** The ECR repository the execution role may pull from (and nothing else). */
  ecrRepositoryArn: pulumi.Input<string>;
  cluster: ServiceCluster;
  network: ServiceNetwork;
  /** Required when the service has a `route`. */
  loadBalancer?: ServiceLoadBalancer;
  /**
   * The CloudWatch alarms ECS watches during each deployment (infra/observability/alarms.ts): any in ALARM fails the
   * deployment and, with `rollback`, rolls it back. `alarms` (the component) is created first: the service depends on it.
   */
  deploymentAlarms?: { names: string[]; rollback: boolean; alarms?: pulumi.Resource };
  /** The permissions boundary of the execution and task roles (infra/delivery/roleBoundary.ts). */
  permissionsBoundary?: pulumi.Input<string>;
}

/** Names of a service's physical resources: `<project>-<stack>-<service>`. */
function serviceResourceNames(
  { project, stack }: { project: string; stack: string },
  service: Pick<ServiceSettings, "name">,
) {
  const base = `${project}-${stack}-${service.name}`;
  return {
    family: base,
    serviceName: service.name,
    logGroup: `/ecs/${project}-${stack}/${service.name}`,
    executionRole: `${base}-execution`,
    taskRole: `${base}-task`,
    securityGroup: `${base}-tasks`,
    cpuPolicy: `${base}-cpu`,
    memoryPolicy: `${base}-memory`,
  };
}

/** Trust policy of both roles: ECS tasks of this account only (confused-deputy guard). */
export function ecsTasksTrustPolicy(accountId: string, region: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EcsTasksOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:aws:ecs:${region}:${accountId}:*` },
        },
      },
    ],
  };
}

/** A Secrets Manager reference may end in `:json-key:version-stage:version-id`; IAM wants the secret's ARN. */
export function secretResourceArn(valueFrom: string): string {
  const parts = valueFrom.split(":");
  return parts[2] === "secretsmanager" ? parts.slice(0, 7).join(":") : valueFrom;
}

/**
 * The execution role's permissions: pull from this repository, write to this log group, read the named secrets.
 * `ecr:GetAuthorizationToken` is the one action with `*`: it has no resource-level permissions.
 */
export function executionRolePolicy(args: {
  ecrRepositoryArn: string;
  logGroupArn: string;
  secrets: Record<string, string>;
}): aws.iam.PolicyDocument {
  const refs = [...new Set(Object.values(args.secrets).map(secretResourceArn))].sort();
  const ssm = refs.filter((a) => a.split(":")[2] === "ssm");
  const secretsManager = refs.filter((a) => a.split(":")[2] === "secretsmanager");
  const statements: aws.iam.PolicyStatement[] = [
    { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "PullThisRepository",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      Resource: args.ecrRepositoryArn,
    },
    {
      Sid: "WriteThisLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${args.logGroupArn}:log-stream:*`,
    },
  ];
  if (ssm.length > 0)
    statements.push({ Sid: "ReadNamedParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: ssm });
  if (secretsManager.length > 0) {
    statements.push({
      Sid: "ReadNamedSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: secretsManager,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The message channels of ECS Exec's agent (no resource-level permissions: Resource `*`). */
export const ECS_EXEC_CHANNEL_ACTIONS = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
] as const;

/**
 * ECS Exec (only when enabled): the SSM message channels (no resource-level permissions: `*`), and, when the cluster
 * logs sessions, writing to its session log group and using its session key.
 */
export function executeCommandPolicy(
  args: { execLogGroupArn?: string; execKmsKeyArn?: string } = {},
): aws.iam.PolicyDocument {
  const statements: aws.iam.PolicyStatement[] = [
    {
      Sid: "EcsExecChannels",
      Effect: "Allow",
      Action: [...ECS_EXEC_CHANNEL_ACTIONS],
      Resource: "*",
    },
  ];
  if (args.execLogGroupArn) {
    statements.push({ Sid: "DescribeExecLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" });
    statements.push({
      Sid: "WriteExecSessionLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      Resource: `${args.execLogGroupArn}:log-stream:*`,
    });
  }
  if (args.execKmsKeyArn)
    statements.push({
      Sid: "ExecSessionKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: args.execKmsKeyArn,
    });
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The task security group's egress: HTTPS to AWS APIs and dependencies (ECR, CloudWatch Logs, SSM/Secrets Manager,
 * through NAT or VPC endpoints; DNS uses the VPC resolver), then each `berth:services.<name>.egress` destination.
 */
export function taskEgressRules(egress: readonly EgressRule[]): aws.types.input.ec2.SecurityGroupEgress[] {
  return [
    {
      description: "HTTPS to AWS APIs and dependencies",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrBlocks: ["0.0.0.0/0"],
    },
    ...egress.map((e) => ({
      description: e.description,
      protocol: e.protocol,
      fromPort: e.port,
      toPort: e.toPort,
      ...(e.cidr ? { cidrBlocks: [e.cidr] } : {}),
      ...(e.securityGroupId ? { securityGroups: [e.securityGroupId] } : {}),
      ...(e.prefixListId ? { prefixListIds: [e.prefixListId] } : {}),
    })),
  ];
}

/** What the plan and the stack outputs say about a service: each hardening setting switched off, and ECS Exec on. */
export function serviceWarnings(service: ServiceSettings): string[] {
  const key = `berth:services.${service.name}`;
  const warnings = optOutWarnings(SERVICE, { ...service }, key);
  service.taskRole.statements.forEach((st, i) => {
    if (st.resources.includes("*"))
      warnings.push(
        `${key}.taskRole.statements[${i}].resources is "*": ${st.actions.join(", ")} on every resource of the account (berth-iam-task-role-resources).`,
      );
  });
  if (service.deployment.switchingFromRolling) {
    warnings.push(
      `${key}.deployment.switchingFromRolling is true: this update sends the service's whole load balancer block and does not leave ECS's target group swap alone; remove the key once the service runs ${service.deployment.strategy} with that block, or the next update after a deployment reverts the swap.`,
    );
  }
  return warnings;
}

/**
 * Fields of the ECS service that ECS owns under a traffic-shifting strategy: after each canary, linear or blue/green
 * deployment the new revision's target group becomes the service's primary one and the old primary its alternate
 * (the pair swaps). Sending the program's original pair again would make ECS start the next revision in the target
 * group that carries production traffic (hashicorp/terraform-provider-aws#45678; pulumi/pulumi-awsx#856 for the same
 * revert under CodeDeploy).
 *
 * The pair lives inside `loadBalancers`, which terraform-provider-aws declares as a set (`load_balancer`, TypeSet):
 * an index into a set cannot be ignored. Terraform refuses `load_balancer.0.target_group_arn` ("Cannot index a set
 * value", hashicorp/terraform-provider-aws#9776, #13192: ignore the whole `load_balancer` instead), and the Pulumi
 * bridge cannot suppress a diff inside a set element either: the provider sees the changed element as one removed
 * and one added, so a path such as `loadBalancers[0].targetGroupArn` suppresses nothing
 * (pulumi/pulumi-terraform-bridge#1756, #2240). So Berth ignores the whole `loadBalancers` set once the service
 * shifts traffic. What that costs: after creation `pulumi up` no longer applies a change to the service's load
 * balancer block (container name or port, the production or test listener rule, ECS's infrastructure role); such a
 * change is applied by the one update with `deployment.switchingFromRolling: true`, which sends the program's block
 * as it is (docs/services.md, "Fields ECS owns").
 */
export const ECS_OWNED_SERVICE_FIELDS = ["loadBalancers"] as const;

/**
 * The service's deployment settings for its strategy. `rolling`: ECS's rolling update with the circuit breaker
 * (rollback unless switched off) and 100/200 %. The others: ECS's native strategy with its bake times; the circuit
 * breaker and the min/max percentages apply to rolling updates only
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html), so they are left out.
 */
export function renderDeploymentSettings(
  deployment: ServiceDeployment,
  circuitBreakerRollback: boolean,
): Pick<
  aws.ecs.ServiceArgs,
  | "deploymentConfiguration"
  | "deploymentCircuitBreaker"
  | "deploymentMinimumHealthyPercent"
  | "deploymentMaximumPercent"
> {
  if (!shiftsTraffic(deployment)) {
    return {
      deploymentConfiguration: { strategy: "ROLLING" },
      deploymentCircuitBreaker: { enable: true, rollback: circuitBreakerRollback },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
    };
  }
  const config: aws.types.input.ecs.ServiceDeploymentConfiguration = {
    strategy: ECS_STRATEGY[deployment.strategy],
    // The provider types the minutes as strings (terraform-provider-aws's schema); the API takes integers.
    bakeTimeInMinutes: String(deployment.bakeTimeMinutes),
  };
  if (deployment.canary)
    config.canaryConfiguration = {
      canaryPercent: deployment.canary.percent,
      canaryBakeTimeInMinutes: String(deployment.canary.bakeTimeMinutes),
    };
  if (deployment.linear)
    config.linearConfiguration = {
      stepPercent: deployment.linear.stepPercent,
      stepBakeTimeInMinutes: String(deployment.linear.stepBakeTimeMinutes),
    };
  return { deploymentConfiguration: config };
}

/** One line for the plan and the outputs: `canary 10% for 5m, bake 10m`, `rolling`, ... */
export function describeDeployment(d: ServiceDeployment): string {
  switch (d.strategy) {
    case "rolling":
      return "rolling";
    case "canary":
      return `canary ${d.canary!.percent}% for ${d.canary!.bakeTimeMinutes}m, bake ${d.bakeTimeMinutes}m`;
    case "linear":
      return `linear ${d.linear!.stepPercent}% every ${d.linear!.stepBakeTimeMinutes}m, bake ${d.bakeTimeMinutes}m`;
    case "blueGreen":
      return `blueGreen, bake ${d.bakeTimeMinutes}m`;
  }
}

function cpuArchitectureOf(platform: Platform): "X86_64" | "ARM64" {
  return platform === "linux/arm64" ? "ARM64" : "X86_64";
}

/** The target group a routed service registers with and, when it shifts traffic, what ECS shifts; refused early. */
function loadBalancerTargetsOf({ service, loadBalancer }: FargateServiceArgs) {
  const targetGroup = service.route ? loadBalancer?.targetGroups[service.name] : undefined;
  if (service.route && (!loadBalancer || !targetGroup)) {
    throw new Error(
      `berth:services.${service.name}.route: the load balancer has no target group for service ${service.name}`,
    );
  }
  const shift =
    targetGroup && shiftsTraffic(service.deployment) ? loadBalancer?.trafficShifts?.[service.name] : undefined;
  if (targetGroup && shiftsTraffic(service.deployment) && !shift) {
    throw new Error(
      `berth:services.${service.name}.deployment.strategy: ${service.deployment.strategy} needs an alternate target group and a production listener rule, and the load balancer has none for ${service.name}`,
    );
  }
  return { targetGroup, shift };
}

type LoadBalancerTargets = ReturnType<typeof loadBalancerTargetsOf>;

export class FargateService extends pulumi.ComponentResource {
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** The log group's key, made for it unless `logKmsKeyArn` names one or `hardening.logEncryptionKey` is false. */
  readonly logKey?: aws.kms.Key;
  readonly executionRole: aws.iam.Role;
  readonly taskRole: aws.iam.Role;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly service: aws.ecs.Service;
  readonly autoscalingTarget: aws.appautoscaling.Target;
  /** Proves the service's PRIMARY deployment COMPLETED with `taskDefinition` (fails `pulumi up` otherwise). */
  readonly rollout: RolloutVerification;
  readonly serviceName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  /** The `berth:services` key. */
  readonly key: string;
  /** The image (by digest) the task definition runs. */
  readonly image: pulumi.Output<string>;
  /** Plain strings, known at plan time: switched-off hardening and ECS Exec (also logged with pulumi.log.warn). */
  readonly warnings: string[];

  private readonly name: string;
  private readonly args: FargateServiceArgs;
  /** Physical names `<project>-<stack>-<service>` (serviceResourceNames). */
  private readonly names: ReturnType<typeof serviceResourceNames>;

  constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:ecs:FargateService", name, {}, opts);
    this.name = name;
    this.args = args;
    this.names = serviceResourceNames(args, args.service);
    const targets = loadBalancerTargetsOf(args);
    this.warnings = serviceWarnings(args.service);
    for (const warning of this.warnings) pulumi.log.warn(warning, this);

    ({ logKey: this.logKey, logGroup: this.logGroup } = this.createLogs());
    ({ executionRole: this.executionRole, taskRole: this.taskRole } = this.createRoles());
    this.securityGroup = this.createSecurityGroup();
    this.taskDefinition = this.createTaskDefinition();
    this.service = this.createService(targets);
    this.rollout = this.createRolloutVerification();
    this.autoscalingTarget = this.createAutoscaling();

    this.key = args.service.name;
    this.image = pulumi.output(args.image);
    this.serviceName = this.service.name;
    this.logGroupName = this.logGroup.name;
    this.registerOutputs({
      serviceName: this.serviceName,
      logGroupName: this.logGroupName,
      taskDefinitionArn: this.taskDefinition.arn,
      image: this.image,
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
    });
  }

  /** The service's log group and, unless the service names one or opts out, the key that encrypts it. */
  private createLogs(): { logKey?: aws.kms.Key; logGroup: aws.cloudwatch.LogGroup } {
    const { name, names, args } = this;
    const { service, project, stack } = args;
    const { region, accountId } = args.aws;
    // Prod keeps a service's logs and their key when the service is removed (retainOnDelete: dropped from the stack,
    // left in the account), so removing a service still succeeds and its logs stay readable.
    const retained = { parent: this, retainOnDelete: args.environment === "prod" };
    const logKey =
      !service.logKmsKeyArn && service.hardening.logEncryptionKey
        ? new aws.kms.Key(
            `${name}-logs`,
            {
              description: `Logs of ECS service ${project}/${stack}/${service.name}`,
              enableKeyRotation: true,
              deletionWindowInDays: 30,
              policy: JSON.stringify(logGroupKeyPolicy({ accountId, region, logGroupName: names.logGroup })),
            },
            retained,
          )
        : undefined;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: names.logGroup,
        retentionInDays: args.logs.retentionDays,
        kmsKeyId: service.logKmsKeyArn ?? logKey?.arn,
      },
      retained,
    );
    return { logKey, logGroup };
  }

  /**
   * The execution role (pull this repository, write this log group, read the named secrets) and the task role (the
   * app's own statements and managed policies, ECS Exec).
   */
  private createRoles(): { executionRole: aws.iam.Role; taskRole: aws.iam.Role } {
    const { name, names, args } = this;
    const { service, project, stack } = args;
    const { region, accountId } = args.aws;
    const parent = { parent: this };
    const trust = JSON.stringify(ecsTasksTrustPolicy(accountId, region));
    const executionRole = new aws.iam.Role(
      `${name}-execution`,
      {
        name: names.executionRole,
        description: `ECS execution role of ${project}/${stack}/${service.name}: pull, logs, named secrets`,
        assumeRolePolicy: trust,
        maxSessionDuration: 3600,
        permissionsBoundary: args.permissionsBoundary,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-execution`,
      {
        role: executionRole.id,
        name: "execution",
        policy: pulumi
          .all([args.ecrRepositoryArn, this.logGroup.arn])
          .apply(([ecrRepositoryArn, logGroupArn]) =>
            JSON.stringify(executionRolePolicy({ ecrRepositoryArn, logGroupArn, secrets: service.secrets })),
          ),
      },
      parent,
    );

    const taskRole = new aws.iam.Role(
      `${name}-task`,
      {
        name: names.taskRole,
        description: `ECS task role of ${project}/${stack}/${service.name}: no permissions unless granted`,
        assumeRolePolicy: trust,
        maxSessionDuration: 3600,
        permissionsBoundary: args.permissionsBoundary,
      },
      parent,
    );
    // The app's own permissions (`berth:services.<name>.taskRole`), sized by the reader to IAM's quota.
    if (service.taskRole.statements.length > 0)
      new aws.iam.RolePolicy(
        `${name}-app`,
        {
          role: taskRole.id,
          name: TASK_ROLE_APP_POLICY,
          policy: JSON.stringify(taskRolePolicyDocument(service.taskRole.statements)),
        },
        parent,
      );
    // Named by the policy's name, not its position: reordering the list replaces nothing.
    const attached = new Set<string>();
    for (const policyArn of service.taskRole.managedPolicyArns) {
      const policyName = policyArn.slice(policyArn.lastIndexOf("/") + 1);
      const logical = attached.has(policyName) ? `${policyName}-${attached.size}` : policyName;
      attached.add(logical);
      new aws.iam.RolePolicyAttachment(`${name}-attach-${logical}`, { role: taskRole.name, policyArn }, parent);
    }
    if (service.enableExecuteCommand) {
      new aws.iam.RolePolicy(
        `${name}-exec`,
        {
          role: taskRole.id,
          name: "ecs-exec",
          policy: pulumi
            .all([args.cluster.execLogGroupArn, args.cluster.execKmsKeyArn])
            .apply(([execLogGroupArn, execKmsKeyArn]) =>
              JSON.stringify(executeCommandPolicy({ execLogGroupArn, execKmsKeyArn })),
            ),
        },
        parent,
      );
    }
    return { executionRole, taskRole };
  }

  /** Ingress only from the load balancer (on the app port and its health port); none for a worker. */
  private createSecurityGroup(): aws.ec2.SecurityGroup {
    const { name, names, args } = this;
    const { service } = args;
    const parent = { parent: this };
    return new aws.ec2.SecurityGroup(
      `${name}-tasks`,
      {
        // A prefix, not a fixed name: a replacement (new port, new description) is created before the old one goes.
        namePrefix: `${names.securityGroup}-`,
        tags: { Name: names.securityGroup },
        description: service.route
          ? `Tasks of ${service.name}: ingress only from the load balancer on port ${service.port}`
          : `Tasks of ${service.name}: no ingress (no load balancer)`,
        vpcId: args.network.vpcId,
        revokeRulesOnDelete: true,
        ingress: service.route
          ? [service.port, ...(service.route.healthCheckPort ? [service.route.healthCheckPort] : [])].map((port) => ({
              description:
                port === service.port ? "From the load balancer only" : "Health checks from the load balancer",
              protocol: "tcp",
              fromPort: port,
              toPort: port,
              securityGroups: [args.loadBalancer!.securityGroupId],
            }))
          : [],
        egress: taskEgressRules(service.egress),
      },
      parent,
    );
  }

  private createTaskDefinition(): aws.ecs.TaskDefinition {
    const { name, names, args } = this;
    const { service } = args;
    const { region } = args.aws;
    const parent = { parent: this };
    return new aws.ecs.TaskDefinition(
      `${name}`,
      {
        family: names.family,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(service.cpu),
        memory: String(service.memory),
        executionRoleArn: this.executionRole.arn,
        taskRoleArn: this.taskRole.arn,
        runtimePlatform: {
          operatingSystemFamily: "LINUX",
          cpuArchitecture: cpuArchitectureOf(args.platform),
        },
        volumes: renderTaskVolumes(writablePathsFor(service)),
        // Explicitly off unless opted out (task_definition_parameters.html#task_definition_faultInjection).
        enableFaultInjection: !service.hardening.faultInjectionDisabled,
        containerDefinitions: pulumi
          .all([args.image, this.logGroup.name])
          .apply(([image, logGroupName]) =>
            JSON.stringify([renderContainerDefinition(containerSpecFor(args, service, image), logGroupName, region)]),
          ),
      },
      parent,
    );
  }

  private createService({ targetGroup, shift }: LoadBalancerTargets): aws.ecs.Service {
    const { name, names, args } = this;
    const { service } = args;
    // A service can only register with a target group that a listener (rule) already forwards to.
    const dependsOn: pulumi.Resource[] =
      service.route && pulumi.Resource.isInstance(args.loadBalancer) ? [args.loadBalancer] : [];
    // ECS reads the alarms by name when a deployment starts: they exist before the service.
    if (args.deploymentAlarms?.alarms) dependsOn.push(args.deploymentAlarms.alarms);
    const deploymentAlarms =
      args.deploymentAlarms && args.deploymentAlarms.names.length > 0
        ? { alarmNames: [...args.deploymentAlarms.names], enable: true, rollback: args.deploymentAlarms.rollback }
        : undefined;
    return new aws.ecs.Service(
      `${name}`,
      {
        name: names.serviceName,
        cluster: args.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        schedulingStrategy: "REPLICA",
        deploymentController: { type: "ECS" },
        desiredCount: service.desiredCount,
        ...renderDeploymentSettings(service.deployment, service.hardening.circuitBreakerRollback),
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
        alarms: deploymentAlarms,
        availabilityZoneRebalancing: "ENABLED",
        healthCheckGracePeriodSeconds: service.route ? service.healthCheckGracePeriodSeconds : undefined,
        enableExecuteCommand: service.enableExecuteCommand,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        waitForSteadyState: true,
        networkConfiguration: {
          assignPublicIp: false,
          subnets: args.network.privateSubnetIds,
          securityGroups: [this.securityGroup.id, ...service.securityGroupIds],
        },
        loadBalancers: targetGroup
          ? [
              {
                targetGroupArn: targetGroup.arn,
                containerName: service.name,
                containerPort: service.port,
                ...(shift
                  ? {
                      advancedConfiguration: {
                        alternateTargetGroupArn: shift.alternateTargetGroup.arn,
                        productionListenerRule: shift.productionRule.arn,
                        testListenerRule: shift.testRule?.arn,
                        roleArn: shift.roleArn,
                      },
                    }
                  : {}),
              },
            ]
          : [],
      },
      {
        parent: this,
        dependsOn,
        // Autoscaling owns the running count after the first deploy; `desiredCount` is the initial count. Under a
        // traffic-shifting strategy ECS owns which target group is primary, and the pair is in a set: the whole
        // `loadBalancers` is ignored (ECS_OWNED_SERVICE_FIELDS), except for the one update with switchingFromRolling
        // (from rolling, when the state has no alternate target group yet, or to apply a change of the block).
        ignoreChanges: [
          "desiredCount",
          ...(shift && !service.deployment.switchingFromRolling ? ECS_OWNED_SERVICE_FIELDS : []),
        ],
        // waitForSteadyState: `pulumi up` fails (and the circuit breaker rolls back) if the service is not steady in time.
        customTimeouts: {
          create: service.steadyStateTimeout,
          update: service.steadyStateTimeout,
          delete: service.steadyStateTimeout,
        },
      },
    );
  }

  private createRolloutVerification(): RolloutVerification {
    // The provider's waitForSteadyState fails the update on a rolled-back or stopped deployment it started
    // (terraform-provider-aws service.go, findDeploymentStatus); this also proves the PRIMARY deployment completed with
    // this task definition, which the promotable outputs derive from, and re-checks on a re-run that has no service
    // diff (infra/rollout/verdict.ts: what it adds).
    const { name, args } = this;
    const { service } = args;
    const { region } = args.aws;
    const digest = pulumi.output(args.image).apply((image) => {
      const d = image.split("@")[1];
      if (!d || !/^sha256:[0-9a-f]{64}$/.test(d))
        throw new Error(`FargateService ${name}: the image ${image} is not pinned by digest (<repo>@sha256:<64 hex>)`);
      return d;
    });
    return new RolloutVerification(
      `${name}-rollout`,
      {
        region,
        cluster: args.cluster.arn,
        serviceName: this.service.name,
        taskDefinitionArn: this.taskDefinition.arn,
        digest,
        timeoutSeconds: durationSeconds(service.steadyStateTimeout),
        pollSeconds: 15,
      },
      { parent: this, dependsOn: [this.service] },
    );
  }

  /** The autoscaling target and its CPU and memory target tracking policies. */
  private createAutoscaling(): aws.appautoscaling.Target {
    const { name, names, args } = this;
    const { service } = args;
    const parent = { parent: this };
    const target = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${args.cluster.name}/${this.service.name}`,
        minCapacity: service.autoscaling.minCount,
        maxCapacity: service.autoscaling.maxCount,
      },
      parent,
    );
    const scaling = (
      metric: "ECSServiceAverageCPUUtilization" | "ECSServiceAverageMemoryUtilization",
      policyName: string,
      targetValue: number,
      suffix: string,
    ) =>
      new aws.appautoscaling.Policy(
        `${name}-${suffix}`,
        {
          name: policyName,
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue,
            predefinedMetricSpecification: { predefinedMetricType: metric },
            scaleInCooldown: service.autoscaling.scaleInCooldownSeconds,
            scaleOutCooldown: service.autoscaling.scaleOutCooldownSeconds,
          },
        },
        parent,
      );
    scaling("ECSServiceAverageCPUUtilization", names.cpuPolicy, service.autoscaling.cpuTargetPercent, "cpu");
    scaling(
      "ECSServiceAverageMemoryUtilization",
      names.memoryPolicy,
      service.autoscaling.memoryTargetPercent,
      "memory",
    );
    return target;
  }
}

/** Stack outputs of the services: per service its ECS name, log group, task definition and the digest it runs. */
export function serviceOutputs(services: FargateService[]) {
  return Object.fromEntries(
    services.map((s) => [
      s.key,
      {
        serviceName: s.serviceName,
        logGroupName: s.logGroupName,
        taskDefinitionArn: s.taskDefinition.arn,
        image: s.image,
      },
    ]),
  );
}
