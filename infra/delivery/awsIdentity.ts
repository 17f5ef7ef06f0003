/**
 * The AWS part of the delivery identity (infra/delivery/delivery.ts): the account's IAM OIDC provider for
 * token.actions.githubusercontent.com (audience sts.amazonaws.com); a deploy role trusted only by
 * `repository_owner_id:<id>:repository_id:<id>:environment:<github environment>`, with the permissions of
 * deployPermissions.ts; a read-only preview role trusted only by
 * `repository_owner_id:<id>:repository_id:<id>:pull_request` (the `sub` form the repository's OIDC subject template
 * gives, GITHUB_SUBJECT_CLAIM_KEYS).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsSettings } from "../config";
import type { DeliverySettings } from "../config/delivery";
import {
  actionsOf,
  DEPLOY_PERMISSIONS,
  INVOKE_PERMISSIONS,
  passRoleServices,
  serviceLinkedRoleServices,
} from "./deployPermissions";
import { GITHUB_OIDC_HOST, GITHUB_OIDC_URL, githubSubject, type GithubRepository } from "./githubEnvironment";
import { ownershipTags, roleBoundaryArn } from "./roleBoundary";

export const AWS_STS_AUDIENCE = "sts.amazonaws.com";
/** AWS managed read-only policy for the preview role; the inline deny below removes data and secret reads from it. */
export const READ_ONLY_ACCESS_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";

export function githubOidcProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

interface DeliveryRoleNames {
  deploy: string;
  preview: string;
}

function deliveryRoleNames({ project, stack }: { project: string; stack: string }): DeliveryRoleNames {
  return {
    deploy: `${project}-${stack}-github-deploy`,
    preview: `${project}-${stack}-github-preview`,
  };
}

/** Trust policy of a CI role: only GitHub's OIDC provider, only this audience, only this exact subject. */
export function renderGithubTrustPolicy(args: { oidcProviderArn: string; subject: string }): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActionsOidc",
        Effect: "Allow",
        Principal: { Federated: args.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: AWS_STS_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: args.subject,
          },
        },
      },
    ],
  };
}

interface DeployPolicyInput {
  accountId: string;
  region: string;
  /** The application repository and, in the building stack, its build cache repository. */
  ecrRepositoryArns: string[];
  /** The stack builds and pushes the image (staging); a promoting stack (prod) only pulls. */
  pushesImages: boolean;
  /**
   * IAM resources CI must never modify: its own roles, the OIDC provider and the deploy role's managed policies
   * (`deployManagedPolicyArns`).
   */
  protectedArns: string[];
  /** The roles the program passes, by the service receiving them (`passedRoleArns`): PassRole is held to both. */
  passedRoleArns: Record<string, string[]>;
  /**
   * `<project>-<stack>-`: every role the deploy role may create or change is named with it
   * (`arn:aws:iam::<account>:role/<prefix>*`), and the delivery identity's own roles, also named with it, are denied.
   */
  rolePrefix: string;
  /** The permissions boundary every role the deploy role creates or gives a policy must carry (roleBoundary.ts). */
  boundaryArn: string;
  /** The stack's buckets, as IAM resource patterns (`arn:aws:s3:::<name pattern>`): bucket configuration is held to them. */
  bucketArns: string[];
  /** The tags that mark a KMS key as the stack's own: key policies, grants and key settings only on such keys. */
  keyTags: { project: string; stack: string };
}

/** AWS managed policies a deploy role may never attach to a role it manages. */
export const FORBIDDEN_MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/IAMFullAccess",
];

/** Every IAM write, denied on the delivery identity (`iam:Set*`: SetDefaultPolicyVersion of its managed policies). */
const IAM_WRITE = [
  "iam:Create*",
  "iam:Delete*",
  "iam:Update*",
  "iam:Put*",
  "iam:Attach*",
  "iam:Detach*",
  "iam:Tag*",
  "iam:Untag*",
  "iam:Add*",
  "iam:Remove*",
  "iam:Set*",
  "iam:PassRole",
];

/** ECR actions on the registry (not on a repository): no repository ARN to scope them to. */
const ECR_REGISTRY_ACTIONS = new Set([
  "ecr:DescribeRegistry",
  "ecr:PutReplicationConfiguration",
  "ecr:GetRegistryPolicy",
  "ecr:PutRegistryPolicy",
  "ecr:DeleteRegistryPolicy",
  "ecr:GetRegistryScanningConfiguration",
  "ecr:PutRegistryScanningConfiguration",
]);
/** Statements (by Sid) in which an action of the table is granted; Resource and Condition are the statement's. */
type DeployStatement =
  | "EcrLogin"
  | "EcrRepository"
  | "EcrPush"
  | "InThisRegion"
  | "KeyCreation"
  | "StackKeys"
  | "LogGroups"
  | "LogGroupsList"
  | "Buckets"
  | "ReadRoles"
  | "BoundedRoles"
  | "PrefixedRoles"
  | "ReadDeliveryIdentity";

/**
 * The IAM actions that give a role permissions or set its boundary: allowed only when the request names the stack's
 * boundary (`iam:PermissionsBoundary`, which the Service Authorization Reference lists as a condition key of exactly
 * these actions and of DeleteRolePermissionsBoundary:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
 */
const BOUNDED_ROLE_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
];
/** Role reads: on the stack's roles only. */
const ROLE_READS = new Set([
  "iam:GetRole",
  "iam:GetRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
]);
/**
 * Role writes that give no permission, on the stack's roles only (`role/<prefix>*`). UpdateAssumeRolePolicy has no
 * iam:PermissionsBoundary condition key (Service Authorization Reference): it is held to the prefix, whose roles the
 * deploy role can only have created with the boundary (and can never strip of it), and the delivery roles under the
 * same prefix are denied every write.
 */
const PREFIXED_ROLE_WRITES = new Set([
  "iam:TagRole",
  "iam:UntagRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:DeleteRole",
]);
/** Reads of the delivery identity's OIDC provider and managed policies (the deploy role's and the boundary). */
const DELIVERY_IDENTITY_READS = new Set(["iam:GetOpenIDConnectProvider", "iam:GetPolicy", "iam:GetPolicyVersion"]);
/**
 * KMS actions on an existing key that change who may use it or what it is: only on keys carrying the stack's tags
 * (`aws:ResourceTag/<key>`, a condition of KMS key operations:
 * https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html). kms:TagResource is also granted for
 * creating a key with the stack's tags (KeyCreation: KMS asks for it in a statement not held to particular keys,
 * https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html), and denied on any existing key without
 * them (the inline NoForeignKeys), so no key can be tagged into the stack's and then re-policied.
 */
const STACK_KEY_ACTIONS = new Set([
  "kms:PutKeyPolicy",
  "kms:UpdateKeyDescription",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:CreateGrant",
  "kms:RetireGrant",
]);

/** Where a table action is granted: scoped to the project's resources where their names are known, else to the region. */
function deployStatementOf(action: string, pushOnly: boolean): DeployStatement {
  const [service, name] = action.split(":") as [string, string];
  if (action === "ecr:GetAuthorizationToken") return "EcrLogin";
  // Actions held only to the region (resources with generated names and ids, registry-level ECR settings): one
  // region-held statement per managed policy.
  if (service === "ecr")
    return ECR_REGISTRY_ACTIONS.has(action) ? "InThisRegion" : pushOnly ? "EcrPush" : "EcrRepository";
  if (action === "kms:CreateKey") return "KeyCreation";
  if (STACK_KEY_ACTIONS.has(action)) return "StackKeys";
  if (
    [
      "inspector2",
      "ec2",
      "kms",
      "ecs",
      "elasticloadbalancing",
      "application-autoscaling",
      "cloudwatch",
      "events",
      "sns",
    ].includes(service)
  )
    return "InThisRegion";
  // Log resource policies are account-level (no log-group resource): with the listing actions, on `*`.
  if (service === "logs")
    return name === "DescribeLogGroups" || /ResourcePolic(y|ies)$/.test(name) ? "LogGroupsList" : "LogGroups";
  if (service === "s3") return "Buckets";
  if (DELIVERY_IDENTITY_READS.has(action)) return "ReadDeliveryIdentity";
  if (ROLE_READS.has(action)) return "ReadRoles";
  if (BOUNDED_ROLE_ACTIONS.includes(action)) return "BoundedRoles";
  if (PREFIXED_ROLE_WRITES.has(action)) return "PrefixedRoles";
  throw new Error(`deploy policy: no statement for ${action} (add its service to deployStatementOf)`);
}

/**
 * The deploy role's customer-managed policies, one per group of AWS services (the action's prefix). IAM quotas
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a managed policy has at most 6,144
 * characters, a role at most 10 managed policies attached (default quota), its inline policies 10,240 in aggregate.
 * One inline policy of the whole table reached 10,100 at the longest names; seven managed policies each stay far
 * below 6,144 and leave three attachments free.
 */
export const DEPLOY_POLICY_GROUPS = {
  ecr: ["ecr", "inspector2"],
  ecs: ["ecs", "application-autoscaling"],
  ec2: ["ec2"],
  elb: ["elasticloadbalancing"],
  "kms-s3": ["kms", "s3"],
  monitoring: ["logs", "cloudwatch", "events", "sns"],
  iam: ["iam"],
} as const satisfies Record<string, readonly string[]>;
type DeployPolicyGroup = keyof typeof DEPLOY_POLICY_GROUPS;

function deployPolicyGroupOf(action: string): DeployPolicyGroup {
  const service = action.split(":")[0]!;
  const group = (Object.keys(DEPLOY_POLICY_GROUPS) as DeployPolicyGroup[]).find((g) =>
    (DEPLOY_POLICY_GROUPS[g] as readonly string[]).includes(service),
  );
  if (!group)
    throw new Error(`deploy policy: no managed policy for ${action} (add ${service} to DEPLOY_POLICY_GROUPS)`);
  return group;
}

/** `<deploy role name>-<group>`: the names are known before anything exists, so the deny can name them. */
export function deployManagedPolicyName(deployRoleName: string, group: DeployPolicyGroup): string {
  return `${deployRoleName}-${group}`;
}

/** Every managed policy of the deploy role, as one ARN pattern (for the deny on the delivery identity). */
export function deployManagedPolicyArns(accountId: string, deployRoleName: string): string {
  return `arn:aws:iam::${accountId}:policy/${deployRoleName}-*`;
}

/** PassRole statements, one per receiving service (ECS tasks, ECS for load balancers, VPC flow logs). */
const PASS_ROLE_SIDS: Record<string, string> = {
  "ecs-tasks.amazonaws.com": "PassRolesToEcsTasksOnly",
  "ecs.amazonaws.com": "PassRolesToEcsOnly",
  "vpc-flow-logs.amazonaws.com": "PassRolesToFlowLogsOnly",
};

/**
 * The roles the program passes, by receiving service, from the names the program gives them:
 * - ECS tasks: each service's execution and task role (`<project>-<stack>-<service>-execution|task`,
 *   infra/ecs/fargateService.ts `serviceResourceNames`), named in its task definition;
 * - ECS (canary, linear and blueGreen services): the ECS infrastructure role for load balancers
 *   (`<project>-<stack>-ecs-infrastructure`, infra/network/loadBalancer.ts), named in `loadBalancers[].advancedConfiguration`;
 * - VPC flow logs: the flow-logs role (infra/network/network.ts), `<project>-<stack>-vpc-flow-logs`.
 * tests/delivery/deployPermissions.test.ts checks every role the staging and prod programs pass against these.
 */
export function passedRoleArns(
  { project, stack }: { project: string; stack: string },
  accountId: string,
): Record<string, string[]> {
  const role = (name: string) => `arn:aws:iam::${accountId}:role/${name}`;
  const prefix = `${project}-${stack}`;
  return {
    "ecs-tasks.amazonaws.com": [role(`${prefix}-*-execution`), role(`${prefix}-*-task`)],
    "ecs.amazonaws.com": [role(`${prefix}-ecs-infrastructure`)],
    "vpc-flow-logs.amazonaws.com": [role(`${prefix}-vpc-flow-logs`)],
  };
}

/** `<project>-<stack>-`: the name prefix of every role of the stack (workload roles and the delivery roles). */
export function stackRolePrefix({ project, stack }: { project: string; stack: string }): string {
  return `${project}-${stack}-`;
}

/**
 * The stack's buckets, as IAM resource patterns: the load balancer's access-logs bucket, auto-named by Pulumi from
 * its resource name `alb-access-logs` plus `-` and 7 random hex characters (infra/network/loadBalancer.ts, component
 * `alb` in infra/awsStack.ts; IAM matches `?` to one character). Its name cannot carry the stack's prefix without
 * replacing the bucket (prod protects it): staging and prod are separate accounts.
 * tests/delivery/deployEscalation.test.ts checks every bucket the programs register against these.
 */
export function stackBucketArns(): string[] {
  return ["arn:aws:s3:::alb-access-logs-???????"];
}

interface DeployPolicies {
  /** The deploy role's inline policy: the denies (an explicit deny wins over every allow of the role's policies). */
  inline: aws.iam.PolicyDocument;
  /** The allows, one customer-managed policy per group of services, attached to the deploy role. */
  managed: { group: DeployPolicyGroup; document: aws.iam.PolicyDocument }[];
}

/**
 * Permissions of the deploy role, rendered from the table of infra/delivery/deployPermissions.ts (resource type -> actions to
 * create, read, update and delete it). Scoped to the stack's resources where their names are known (the ECR
 * repositories, log groups, buckets, the roles named `<project>-<stack>-*`), KMS key settings to the keys carrying the
 * stack's tags; where Pulumi creates resources whose names and ids are generated (VPC pieces, load balancer, task
 * definitions) the actions are held to the stack's region. Roles: created, given policies or a boundary only with the
 * stack's permissions boundary (roleBoundary.ts), which the deploy role can neither change nor remove. See
 * docs/delivery.md ("The deploy role") for the design and the honest list.
 */
export function renderDeployPolicies(p: DeployPolicyInput): DeployPolicies {
  const inRegion = { StringEquals: { "aws:RequestedRegion": p.region } };
  const prefixedRoles = `arn:aws:iam::${p.accountId}:role/${p.rolePrefix}*`;
  const keyTag = (kind: "RequestTag" | "ResourceTag") => ({
    [`aws:${kind}/project`]: p.keyTags.project,
    [`aws:${kind}/stack`]: p.keyTags.stack,
  });
  const granted = new Map<DeployPolicyGroup, Map<DeployStatement, Set<string>>>();
  const grant = (action: string, pushOnly: boolean) => {
    const group = deployPolicyGroupOf(action);
    const sid = deployStatementOf(action, pushOnly);
    if (!granted.has(group)) granted.set(group, new Map());
    const statements = granted.get(group)!;
    if (!statements.has(sid)) statements.set(sid, new Set());
    statements.get(sid)!.add(action);
  };
  for (const entry of Object.values(DEPLOY_PERMISSIONS)) {
    if (entry.pushOnly && !p.pushesImages) continue;
    for (const action of actionsOf(entry)) grant(action, entry.pushOnly === true);
  }
  for (const invoke of Object.values(INVOKE_PERMISSIONS)) for (const action of invoke.actions) grant(action, false);
  // Creating a key with the stack's tags needs kms:TagResource in a statement not held to particular keys.
  if (granted.get("kms-s3")?.has("KeyCreation")) granted.get("kms-s3")!.get("KeyCreation")!.add("kms:TagResource");

  const scope: Record<DeployStatement, Pick<aws.iam.PolicyStatement, "Resource" | "Condition">> = {
    EcrLogin: { Resource: "*" },
    EcrRepository: { Resource: p.ecrRepositoryArns },
    EcrPush: { Resource: p.ecrRepositoryArns },
    InThisRegion: { Resource: "*", Condition: inRegion },
    // A new key only with the stack's tags (aws:RequestTag), which the provider's default tags put on it.
    KeyCreation: { Resource: "*", Condition: { StringEquals: { ...inRegion.StringEquals, ...keyTag("RequestTag") } } },
    StackKeys: {
      Resource: `arn:aws:kms:${p.region}:${p.accountId}:key/*`,
      Condition: { StringEquals: { ...inRegion.StringEquals, ...keyTag("ResourceTag") } },
    },
    LogGroups: {
      Resource: [
        `arn:aws:logs:${p.region}:${p.accountId}:log-group:*`,
        `arn:aws:logs:${p.region}:${p.accountId}:log-group:*:*`,
      ],
    },
    LogGroupsList: { Resource: "*" },
    // Bucket configuration only (the load balancer's access-log bucket), on the stack's buckets: no object action.
    Buckets: { Resource: p.bucketArns },
    ReadRoles: { Resource: prefixedRoles },
    BoundedRoles: {
      Resource: prefixedRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": p.boundaryArn } },
    },
    PrefixedRoles: { Resource: prefixedRoles },
    ReadDeliveryIdentity: { Resource: p.protectedArns },
  };
  const order = Object.keys(scope) as DeployStatement[];
  const managed = (Object.keys(DEPLOY_POLICY_GROUPS) as DeployPolicyGroup[])
    .filter((group) => granted.has(group))
    .map((group) => {
      const statements: aws.iam.PolicyStatement[] = order
        .filter((sid) => granted.get(group)!.get(sid)?.size)
        .map((sid) => {
          const actions = [...granted.get(group)!.get(sid)!].sort();
          return {
            Sid: sid,
            Effect: "Allow",
            Action: actions.length === 1 ? actions[0]! : actions,
            ...scope[sid],
          } as aws.iam.PolicyStatement;
        });
      if (group === "iam") {
        for (const service of passRoleServices()) {
          const sid = PASS_ROLE_SIDS[service];
          const roles = p.passedRoleArns[service];
          if (!sid) throw new Error(`deploy policy: no PassRole statement name for ${service}`);
          if (!roles?.length) throw new Error(`deploy policy: no role ARNs given for PassRole to ${service}`);
          statements.push({
            Sid: sid,
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: roles,
            Condition: { StringEquals: { "iam:PassedToService": service } },
          });
        }
        statements.push({
          Sid: "ServiceLinkedRoles",
          Effect: "Allow",
          Action: "iam:CreateServiceLinkedRole",
          Resource: "*",
          Condition: { StringEquals: { "iam:AWSServiceName": serviceLinkedRoleServices() } },
        });
      }
      return { group, document: { Version: "2012-10-17", Statement: statements } as aws.iam.PolicyDocument };
    });
  const inline: aws.iam.PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "NeverModifyDeliveryIdentity", Effect: "Deny", Action: IAM_WRITE, Resource: p.protectedArns },
      {
        Sid: "NoLongLivedCredentials",
        Effect: "Deny",
        Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
        Resource: "*",
      },
      {
        Sid: "NoAdministratorPolicies",
        Effect: "Deny",
        Action: ["iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy"],
        Resource: "*",
        Condition: { ArnEquals: { "iam:PolicyARN": FORBIDDEN_MANAGED_POLICIES } },
      },
      // Whatever else may ever allow it: no role without the stack's boundary gets created, a policy or a new boundary
      // (a request without iam:PermissionsBoundary counts as another boundary: StringNotEquals holds on an absent key).
      {
        Sid: "OnlyBoundedRoles",
        Effect: "Deny",
        Action: BOUNDED_ROLE_ACTIONS,
        Resource: "*",
        Condition: { StringNotEquals: { "iam:PermissionsBoundary": p.boundaryArn } },
      },
      { Sid: "NeverRemoveBoundaries", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
      // No key that is not the stack's can be re-policied, granted or tagged into the stack's.
      ...(["project", "stack"] as const).map((tag) => ({
        Sid: `NoForeignKeys${tag === "project" ? "OfOtherProjects" : "OfOtherStacks"}`,
        Effect: "Deny" as const,
        Action: [...STACK_KEY_ACTIONS].sort(),
        Resource: "arn:aws:kms:*:*:key/*",
        Condition: { StringNotEquals: { [`aws:ResourceTag/${tag}`]: p.keyTags[tag] } },
      })),
    ],
  };
  return { inline, managed };
}

/** Reads the AWS managed ReadOnlyAccess policy allows that a pull request preview must not have: data and secrets. */
export const PREVIEW_DENIED_ACTIONS = [
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "kms:Decrypt",
  "s3:GetObject",
  "s3:GetObjectVersion",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "lambda:GetFunction",
  "ecs:ExecuteCommand",
  "ssm:StartSession",
  "sts:AssumeRole",
];

export function renderPreviewDenyPolicy(): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "NoDataOrSecretReads", Effect: "Deny", Action: PREVIEW_DENIED_ACTIONS, Resource: "*" }],
  };
}

interface AwsIdentityArgs {
  delivery: DeliverySettings;
  /** The account and region the roles act in. */
  aws: AwsSettings;
  /** Names `<project>-<stack>-...`. */
  project: string;
  stack: string;
  /** The stack builds and pushes the image (staging); a promoting stack (prod) only pulls. */
  pushesImages: boolean;
  /** The ECR repositories CI manages: the application repository and its build cache repository (if any). */
  ecrRepositoryArns: pulumi.Input<string>[];
  /** The stack's tags (provider default tags): its `project` and `stack` mark the KMS keys the deploy role may manage. */
  tags: Record<string, string>;
}

interface AwsIdentity {
  oidcProviderArn: pulumi.Output<string>;
  deployRole: aws.iam.Role;
  previewRole?: aws.iam.Role;
}

/** Registers the AWS part under `parent` (the Delivery component: the children keep the URNs it always gave them). */
export function createAwsIdentity(
  parent: pulumi.Resource,
  name: string,
  repo: GithubRepository,
  args: AwsIdentityArgs,
): AwsIdentity {
  const { delivery: d, project, stack, pushesImages } = args;
  const { accountId, region } = args.aws;
  const names = deliveryRoleNames(args);
  let oidcProviderArn: pulumi.Output<string>;
  let previewRole: aws.iam.Role | undefined;
  const oidcArn = githubOidcProviderArn(accountId);
  if (d.createOidcProvider) {
    const provider = new aws.iam.OpenIdConnectProvider(
      `${name}-github-oidc`,
      { url: GITHUB_OIDC_URL, clientIdLists: [AWS_STS_AUDIENCE] },
      { parent },
    );
    oidcProviderArn = provider.arn;
  } else {
    oidcProviderArn = pulumi.output(oidcArn);
  }
  const roleArn = (roleName: string) => `arn:aws:iam::${accountId}:role/${roleName}`;
  const boundaryArn = roleBoundaryArn(accountId, { project, stack });
  const protectedArns = [
    roleArn(names.deploy),
    roleArn(names.preview),
    oidcArn,
    deployManagedPolicyArns(accountId, names.deploy),
    boundaryArn,
  ];
  const scope = {
    accountId,
    region,
    pushesImages,
    protectedArns,
    passedRoleArns: passedRoleArns(args, accountId),
    rolePrefix: stackRolePrefix(args),
    boundaryArn,
    bucketArns: stackBucketArns(),
    keyTags: ownershipTags(args.tags),
  };

  const deployRole = new aws.iam.Role(
    `${name}-deploy`,
    {
      name: names.deploy,
      description: `GitHub Actions deploy of ${stack} (environment ${d.githubEnvironment} of ${repo.owner}/${repo.repository} only)`,
      maxSessionDuration: d.maxSessionSeconds,
      assumeRolePolicy: oidcProviderArn.apply((arn) =>
        JSON.stringify(
          renderGithubTrustPolicy({
            oidcProviderArn: arn,
            subject: githubSubject(repo, { environment: d.githubEnvironment }),
          }),
        ),
      ),
    },
    { parent },
  );
  const deployPolicies = pulumi
    .all(args.ecrRepositoryArns)
    .apply((ecrRepositoryArns) => renderDeployPolicies({ ...scope, ecrRepositoryArns }));
  // The denies inline; the allows in one customer-managed policy per group of services (IAM's size quotas).
  new aws.iam.RolePolicy(
    `${name}-deploy`,
    { role: deployRole.name, policy: deployPolicies.apply((p) => JSON.stringify(p.inline)) },
    { parent },
  );
  // The groups do not depend on the repository ARNs: known now, one resource each.
  const groups = renderDeployPolicies({ ...scope, ecrRepositoryArns: [] }).managed.map((m) => m.group);
  for (const group of groups) {
    const policy = new aws.iam.Policy(
      `${name}-deploy-${group}`,
      {
        name: deployManagedPolicyName(names.deploy, group),
        description: `GitHub Actions deploy of ${stack}: ${DEPLOY_POLICY_GROUPS[group].join(", ")} actions (infra/delivery/deployPermissions.ts)`,
        policy: deployPolicies.apply((p) => JSON.stringify(p.managed.find((m) => m.group === group)!.document)),
      },
      { parent },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-deploy-${group}`,
      { role: deployRole.name, policyArn: policy.arn },
      { parent },
    );
  }

  if (d.previewRole) {
    previewRole = new aws.iam.Role(
      `${name}-preview`,
      {
        name: names.preview,
        description: `GitHub Actions pull request preview of ${stack} (read-only)`,
        maxSessionDuration: 3600,
        assumeRolePolicy: oidcProviderArn.apply((arn) =>
          JSON.stringify(
            renderGithubTrustPolicy({ oidcProviderArn: arn, subject: githubSubject(repo, { pullRequest: true }) }),
          ),
        ),
      },
      { parent },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-preview-read-only`,
      { role: previewRole.name, policyArn: READ_ONLY_ACCESS_ARN },
      { parent },
    );
    new aws.iam.RolePolicy(
      `${name}-preview-deny`,
      { role: previewRole.name, policy: JSON.stringify(renderPreviewDenyPolicy()) },
      { parent },
    );
  }
  return { oidcProviderArn, deployRole, previewRole };
}
