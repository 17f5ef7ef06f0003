/**
 * The permissions boundary of every role the program's workloads run as (the ECS task and execution roles, the ECS
 * infrastructure role for load balancers, the VPC flow logs role): a customer-managed policy that caps what any of
 * them can ever do, whatever policy is put on or attached to it. The deploy role may create roles and give them
 * policies only with this boundary (infra/delivery/awsIdentity.ts `renderDeployPolicies`), and may never change it, so a
 * workflow on the deploy branch cannot mint a role with more than this: no IAM, STS or Organizations action at all.
 *
 * IAM: the effective permissions of a role with a boundary are the intersection of its identity-based policies and
 * the boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html); an explicit Deny in
 * the boundary wins over any Allow (reference_policies_evaluation-logic.html).
 *
 * Part of the delivery identity: created and changed only from a laptop with admin credentials (docs/delivery.md,
 * "The deploy role"); the deploy role may read it, never write it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsSettings } from "../config";
import { IDENTITY_SERVICES } from "../config/services";
import { ECS_EXEC_CHANNEL_ACTIONS } from "../ecs/fargateService";

interface RoleBoundaryArgs {
  /** The account and region whose log groups and keys the workloads use. */
  aws: Pick<AwsSettings, "accountId" | "region">;
  /** Names `<project>-<stack>-role-boundary`. */
  project: string;
  stack: string;
  /** The stack's own tags (provider default tags): the KMS keys the roles may use carry its `project` and `stack`. */
  tags: Record<string, string>;
  /**
   * What the services' apps may call (`berth:services.<name>.taskRole.statements`, every service's): the boundary
   * allows exactly these too, or the task role's policy would be capped to nothing. A new permission for an app is
   * therefore a boundary change, made from a laptop like every change of the boundary.
   */
  appStatements?: readonly { actions: readonly string[]; resources: readonly string[] }[];
}

/** `<project>-<stack>-role-boundary`: known before anything exists, so the deploy policies can name it. */
export function roleBoundaryName({ project, stack }: { project: string; stack: string }): string {
  return `${project}-${stack}-role-boundary`;
}

export function roleBoundaryArn(accountId: string, names: { project: string; stack: string }): string {
  return `arn:aws:iam::${accountId}:policy/${roleBoundaryName(names)}`;
}

/** The tags that mark a KMS key as the stack's own (the provider's default tags put them on every key it creates). */
export function ownershipTags(tags: Record<string, string>): { project: string; stack: string } {
  const { project, stack } = tags;
  if (!project || !stack) throw new Error("role boundary: the stack's tags have no project and stack");
  return { project, stack };
}

/**
 * Actions of the AWS managed policy the ECS infrastructure role for load balancers carries
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForLoadBalancers.html,
 * version v2): read the listeners, rules and target groups and their health, register and deregister targets, modify
 * listeners; and ModifyRule, which ECS calls to shift the weights of the production listener rule of canary, linear
 * and blue/green services (the page as read was cut off after the listener statements: ModifyRule is the one action
 * not read there). A later version of the managed policy that adds actions needs them here too.
 */
const ECS_INFRASTRUCTURE_LOAD_BALANCER_ACTIONS = [
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetHealth",
  "elasticloadbalancing:RegisterTargets",
  "elasticloadbalancing:DeregisterTargets",
  "elasticloadbalancing:ModifyListener",
  "elasticloadbalancing:ModifyRule",
];

/** The services whose actions a bounded role may never call (identity, credentials, the organization). */
const BOUNDARY_DENIED_SERVICES: readonly string[] = IDENTITY_SERVICES;

/** The boundary document: everything the program's workload roles need, nothing of IAM, STS or Organizations. */
function renderRoleBoundaryPolicy(args: {
  accountId: string;
  region: string;
  tags: { project: string; stack: string };
  appStatements?: readonly { actions: readonly string[]; resources: readonly string[] }[];
}): aws.iam.PolicyDocument {
  // The apps' own permissions, each distinct statement once (two services may grant the same).
  const apps = [
    ...new Map(
      (args.appStatements ?? []).map((st) => {
        const statement = { Action: [...st.actions].sort(), Resource: [...st.resources].sort() };
        return [JSON.stringify(statement), statement] as const;
      }),
    ).values(),
  ].map((st, i) => ({ Sid: `AppPermissions${i}`, Effect: "Allow" as const, ...st }));
  const logGroups = `arn:aws:logs:${args.region}:${args.accountId}:log-group:*`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // Execution roles pull the image (GetAuthorizationToken has no resource-level permissions).
        Sid: "PullImages",
        Effect: "Allow",
        Action: [
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ],
        Resource: "*",
      },
      {
        // Execution roles (awslogs), ECS Exec session logs, VPC flow logs: the stack's region and account only.
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroups, `${logGroups}:*`],
      },
      { Sid: "DescribeLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
      {
        // The services' named secrets (berth:services.<name>.secrets may name another account's or region's ARN).
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "ssm:GetParameters"],
        Resource: ["arn:aws:secretsmanager:*:*:secret:*", "arn:aws:ssm:*:*:parameter/*"],
      },
      {
        // ECS Exec's session key: only keys carrying this stack's tags.
        Sid: "UseStackKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: `arn:aws:kms:${args.region}:${args.accountId}:key/*`,
        Condition: {
          StringEquals: { "aws:ResourceTag/project": args.tags.project, "aws:ResourceTag/stack": args.tags.stack },
        },
      },
      {
        // ECS Exec's message channels (no resource-level permissions).
        Sid: "EcsExecChannels",
        Effect: "Allow",
        Action: [...ECS_EXEC_CHANNEL_ACTIONS],
        Resource: "*",
      },
      {
        Sid: "EcsShiftsTraffic",
        Effect: "Allow",
        Action: ECS_INFRASTRUCTURE_LOAD_BALANCER_ACTIONS,
        Resource: "*",
      },
      ...apps,
      {
        Sid: "NoIdentityWrites",
        Effect: "Deny",
        Action: BOUNDARY_DENIED_SERVICES.map((s) => `${s}:*`),
        Resource: "*",
      },
    ],
  };
}

export class RoleBoundary extends pulumi.ComponentResource {
  readonly policy: aws.iam.Policy;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: RoleBoundaryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:delivery:RoleBoundary", name, {}, opts);
    const { accountId, region } = args.aws;
    this.policy = new aws.iam.Policy(
      name,
      {
        name: roleBoundaryName(args),
        description: `Permissions boundary of every workload role of ${args.project}/${args.stack} (infra/delivery/roleBoundary.ts)`,
        policy: JSON.stringify(
          renderRoleBoundaryPolicy({
            accountId,
            region,
            tags: ownershipTags(args.tags),
            appStatements: args.appStatements,
          }),
        ),
      },
      { parent: this },
    );
    this.arn = this.policy.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
