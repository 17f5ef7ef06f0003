/**
 * The deploy role cannot make itself (or anything else) an administrator (issue 18, problem 6), and can still do
 * everything the program needs. The deploy role's policies as the staging program and the configurations at their
 * extremes register them are evaluated with the IAM model of offline/iamEvaluation.ts (from the IAM User Guide's
 * policy evaluation logic: explicit deny, identity allow, permissions boundary intersection) for the exact path of the
 * issue: mint a role trusted by the repository's own OIDC provider, give it `"Action": "*"`, assume it.
 *
 * Condition keys used (Service Authorization Reference, IAM:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html):
 * `iam:PermissionsBoundary` is in the request of CreateRole, PutRolePermissionsBoundary and, for an existing role,
 * names the role's current boundary for PutRolePolicy, DeleteRolePolicy, AttachRolePolicy and DetachRolePolicy;
 * `iam:PolicyARN` for Attach/DetachRolePolicy; `iam:PassedToService` for PassRole. KMS key operations see the key's
 * tags as `aws:ResourceTag/<key>`, CreateKey the request's tags as `aws:RequestTag/<key>`
 * (https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html). A role without a boundary, or a
 * request that names none, has no `iam:PermissionsBoundary` in its context.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource, CapturedStack } from "../../offline/mockRuntime";
import { evaluate, type IamRequest, type PolicyDocumentModel } from "../../offline/iamEvaluation";
import { physicalName } from "../../offline/cloudLimits";
import { roleBoundaryArn, roleBoundaryName, stackBucketArns, stackRolePrefix } from "../../infra/delivery";
import { extremeCases } from "../support/extremeConfigs";
import { json } from "../support";
import { captured, titleOf } from "./registeredTypes";

interface Deploy {
  title: string;
  c: CapturedStack;
  account: string;
  region: string;
  stack: string;
  policies: PolicyDocumentModel[];
  boundaryArn: string;
  boundary: PolicyDocumentModel;
  tags: Record<string, string>;
}

const deploys: Deploy[] = [];

function deployOf(title: string, c: CapturedStack): Deploy {
  assert.equal(c.error, undefined, `${title}: ${String(c.error)}`);
  const role = c.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "delivery-deploy");
  assert.ok(role, `${title}: a deploy role`);
  const account = /^arn:aws:iam::(\d{12}):/.exec(String(role.state.arn))![1]!;
  const onRole = (type: string) => c.resources.filter((r) => r.type === type && r.inputs.role === role.state.name);
  const attached = onRole("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
  const managed = c.resources.filter((r) => r.type === "aws:iam/policy:Policy" && attached.includes(r.state.arn));
  const stack = c.stack.split("/").pop()!;
  const boundaryPolicy = c.resources.find(
    (r) => r.type === "aws:iam/policy:Policy" && r.inputs.name === roleBoundaryName({ project: "berth", stack }),
  );
  assert.ok(boundaryPolicy, `${title}: the role boundary is registered`);
  const provider = c.resources.find((r) => r.type === "pulumi:providers:aws");
  const parsed = (v: unknown) => (typeof v === "string" && v.startsWith("{") ? JSON.parse(v) : v);
  const defaultTags = (parsed(provider?.inputs.defaultTags) as { tags?: Record<string, string> } | undefined)?.tags;
  assert.ok(defaultTags?.project && provider?.inputs.region, `${title}: the provider's default tags and region`);
  return {
    title,
    c,
    account,
    region: String(provider.inputs.region),
    stack,
    policies: [...onRole("aws:iam/rolePolicy:RolePolicy"), ...managed].map((r) => json(r.inputs.policy)),
    boundaryArn: roleBoundaryArn(account, { project: "berth", stack }),
    boundary: json(boundaryPolicy.inputs.policy),
    tags: defaultTags,
  };
}

before(async () => {
  // One at a time (mock state is global to the process).
  for (const which of ["staging", ...extremeCases().map((_, i) => `extreme:${i}`)])
    deploys.push(deployOf(titleOf(which), await captured(which)));
});

const staging = () => deploys[0]!;

/** The deploy role's decision on one request, in the stack's region. */
function ask(d: Deploy, request: IamRequest): string {
  return evaluate({
    identityPolicies: d.policies,
    request: { ...request, context: { "aws:RequestedRegion": d.region, ...request.context } },
  });
}
const role = (d: Deploy, name: string) => `arn:aws:iam::${d.account}:role/${name}`;
const denied = (decision: string) => decision === "explicitDeny" || decision === "implicitDeny";

test("the issue's path: a role minted for the repository's own OIDC provider with Action * cannot be made, or is capped by the boundary", () => {
  const d = staging();
  const prefix = stackRolePrefix({ project: "berth", stack: d.stack });
  const minted = role(d, `${prefix}escalate`);
  // Without a boundary, with another boundary, outside the prefix: no CreateRole.
  assert.equal(ask(d, { action: "iam:CreateRole", resource: minted }), "explicitDeny", "unbounded");
  assert.equal(
    ask(d, {
      action: "iam:CreateRole",
      resource: minted,
      context: { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" },
    }),
    "explicitDeny",
    "another boundary",
  );
  assert.equal(
    ask(d, {
      action: "iam:CreateRole",
      resource: role(d, "escalate"),
      context: { "iam:PermissionsBoundary": d.boundaryArn },
    }),
    "implicitDeny",
    "outside the prefix",
  );
  // With the boundary and the prefix, the role can be made and given `Action: *`...
  const bounded = { "iam:PermissionsBoundary": d.boundaryArn };
  assert.equal(ask(d, { action: "iam:CreateRole", resource: minted, context: bounded }), "allow");
  assert.equal(ask(d, { action: "iam:PutRolePolicy", resource: minted, context: bounded }), "allow");
  // ...but whoever assumes it gets nothing of IAM, STS or Organizations, and nothing the boundary does not list.
  const star: PolicyDocumentModel = { Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
  for (const [action, resource] of [
    ["iam:CreateRole", role(d, "anything")],
    ["iam:AttachRolePolicy", role(d, "anything")],
    ["iam:PutRolePolicy", role(d, "berth-staging-github-deploy")],
    ["sts:AssumeRole", role(d, "OrganizationAccountAccessRole")],
    ["organizations:LeaveOrganization", "*"],
    ["s3:PutBucketPolicy", "arn:aws:s3:::any-bucket"],
    ["kms:PutKeyPolicy", `arn:aws:kms:${d.region}:${d.account}:key/any`],
    ["ec2:RunInstances", "*"],
  ] as const)
    assert.ok(
      denied(evaluate({ identityPolicies: [star], boundary: d.boundary, request: { action, resource } })),
      `a bounded role with Action *: ${action} denied`,
    );
  // The boundary cannot be removed from it, nor replaced.
  assert.equal(ask(d, { action: "iam:DeleteRolePermissionsBoundary", resource: minted }), "explicitDeny");
  assert.equal(
    ask(d, {
      action: "iam:PutRolePermissionsBoundary",
      resource: minted,
      context: { "iam:PermissionsBoundary": `arn:aws:iam::${d.account}:policy/wide-open` },
    }),
    "explicitDeny",
  );
});

test("the deploy role can neither widen itself nor the preview role, nor change the boundary", () => {
  const d = staging();
  for (const name of ["berth-staging-github-deploy", "berth-staging-github-preview"]) {
    const arn = role(d, name);
    // Its own roles have no boundary (no iam:PermissionsBoundary in the context) and are denied every write anyway.
    for (const action of [
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:UpdateAssumeRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:DeleteRolePolicy",
      "iam:TagRole",
    ])
      assert.equal(ask(d, { action, resource: arn }), "explicitDeny", `${action} on ${name}`);
    // Even a request that names the boundary.
    assert.equal(
      ask(d, { action: "iam:PutRolePolicy", resource: arn, context: { "iam:PermissionsBoundary": d.boundaryArn } }),
      "explicitDeny",
      `PutRolePolicy (bounded) on ${name}`,
    );
    assert.ok(
      denied(
        ask(d, {
          action: "iam:PassRole",
          resource: arn,
          context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
        }),
      ),
    );
  }
  for (const action of [
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:TagPolicy",
  ])
    assert.equal(ask(d, { action, resource: d.boundaryArn }), "explicitDeny", `${action} on the boundary`);
  // AdministratorAccess attached to a role: never, bounded or not.
  const policyArn = "arn:aws:iam::aws:policy/AdministratorAccess";
  for (const context of [{}, { "iam:PermissionsBoundary": d.boundaryArn }] as Record<string, string>[])
    assert.equal(
      ask(d, {
        action: "iam:AttachRolePolicy",
        resource: role(d, "berth-staging-web-task"),
        context: { ...context, "iam:PolicyARN": policyArn },
      }),
      "explicitDeny",
    );
  // Roles of other stacks or outside the program: no trust policy change, no deletion.
  for (const name of ["berth-prod-web-task", "some-admin-role"])
    for (const action of ["iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:TagRole"])
      assert.ok(denied(ask(d, { action, resource: role(d, name) })), `${action} on ${name}`);
});

test("bucket policies only on the stack's buckets; key policies, grants and tags only on the stack's keys", () => {
  const d = staging();
  for (const action of [
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:CreateBucket",
  ])
    assert.equal(ask(d, { action, resource: "arn:aws:s3:::someone-elses-bucket" }), "implicitDeny", action);
  const key = `arn:aws:kms:${d.region}:${d.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const foreign = { "aws:ResourceTag/project": "payroll", "aws:ResourceTag/stack": "prod" };
  const ourTags = {
    "aws:RequestTag/project": "berth",
    "aws:RequestTag/stack": d.stack,
    "aws:TagKeys": ["project", "stack"],
  };
  for (const context of [{}, foreign, { ...foreign, "aws:ResourceTag/project": "berth" }])
    for (const action of ["kms:PutKeyPolicy", "kms:CreateGrant", "kms:ScheduleKeyDeletion", "kms:UntagResource"])
      assert.equal(
        ask(d, { action, resource: key, context }),
        "explicitDeny",
        `${action} on a key tagged ${JSON.stringify(context)}`,
      );
  // Tagging a foreign key into the stack's, to re-policy it next: denied.
  assert.equal(ask(d, { action: "kms:TagResource", resource: key, context: ourTags }), "explicitDeny");
  assert.equal(
    ask(d, { action: "kms:TagResource", resource: key, context: { ...foreign, ...ourTags } }),
    "explicitDeny",
  );
  // A new key only with the stack's tags.
  assert.equal(
    ask(d, { action: "kms:CreateKey", resource: "*", context: { "aws:RequestTag/project": "payroll" } }),
    "implicitDeny",
  );
});

/** The roles a capture registers that the deploy role manages: every role but the delivery identity's. */
const workloadRoles = (c: CapturedStack) =>
  c.resources.filter((r) => r.type === "aws:iam/role:Role" && !r.name.startsWith("delivery-"));
const roleName = (r: CapturedResource) => physicalName(r)!.name;

test("every role the programs create carries the boundary and the prefix, and the deploy role can create and manage it", () => {
  const seen = new Set<string>();
  for (const d of deploys) {
    const prefix = stackRolePrefix({ project: "berth", stack: d.stack });
    for (const r of workloadRoles(d.c)) {
      seen.add(r.name.replace(/^.*-(execution|task|infrastructure|flow-logs)$/, "$1"));
      const arn = role(d, roleName(r));
      assert.equal(r.inputs.permissionsBoundary, d.boundaryArn, `${d.title}: ${r.name} carries the boundary`);
      assert.ok(roleName(r).startsWith(prefix), `${d.title}: ${roleName(r)} starts with ${prefix}`);
      const bounded = { "iam:PermissionsBoundary": d.boundaryArn };
      for (const action of [
        "iam:CreateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
      ])
        assert.equal(ask(d, { action, resource: arn, context: bounded }), "allow", `${d.title}: ${action} ${r.name}`);
      for (const action of [
        "iam:GetRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRoleDescription",
        "iam:TagRole",
        "iam:DeleteRole",
      ])
        assert.equal(ask(d, { action, resource: arn }), "allow", `${d.title}: ${action} ${r.name}`);
      for (const a of d.c.resources.filter(
        (x) => x.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && x.inputs.role === r.state.name,
      ))
        for (const action of ["iam:AttachRolePolicy", "iam:DetachRolePolicy"])
          assert.equal(
            ask(d, { action, resource: arn, context: { ...bounded, "iam:PolicyARN": String(a.inputs.policyArn) } }),
            "allow",
            `${d.title}: ${action} ${a.inputs.policyArn} on ${r.name}`,
          );
    }
  }
  assert.deepEqual(
    [...seen].sort(),
    ["execution", "flow-logs", "infrastructure", "task"],
    "every kind of workload role was seen",
  );
});

test("the program's own buckets and keys: the deploy role configures them", () => {
  let buckets = 0;
  let keys = 0;
  for (const d of deploys) {
    for (const b of d.c.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")) {
      buckets++;
      const arn = `arn:aws:s3:::${physicalName(b, "bucket", "bucketPrefix")!.name}`;
      for (const action of ["s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutBucketTagging", "s3:DeleteBucket"])
        assert.equal(
          ask(d, { action, resource: arn }),
          "allow",
          `${d.title}: ${action} ${arn} (${stackBucketArns().join(", ")})`,
        );
    }
    for (const k of d.c.resources.filter((r) => r.type === "aws:kms/key:Key")) {
      keys++;
      const tags = { ...d.tags, ...(k.inputs.tags ?? {}) };
      const resourceTags = Object.fromEntries(
        Object.entries(tags).map(([t, v]) => [`aws:ResourceTag/${t}`, v as string]),
      );
      const requestTags = Object.fromEntries(
        Object.entries(tags).map(([t, v]) => [`aws:RequestTag/${t}`, v as string]),
      );
      const create = { ...requestTags, "aws:TagKeys": Object.keys(tags) };
      assert.equal(
        ask(d, { action: "kms:CreateKey", resource: "*", context: create }),
        "allow",
        `${d.title}: CreateKey ${k.name}`,
      );
      assert.equal(
        ask(d, { action: "kms:TagResource", resource: "*", context: create }),
        "allow",
        `${d.title}: tag on create`,
      );
      const arn = String(k.state.arn);
      for (const action of [
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:UpdateKeyDescription",
        "kms:TagResource",
        "kms:ScheduleKeyDeletion",
        "kms:DescribeKey",
      ])
        assert.equal(
          ask(d, { action, resource: arn, context: resourceTags }),
          "allow",
          `${d.title}: ${action} ${k.name}`,
        );
    }
  }
  assert.ok(buckets > 0 && keys > 0, "buckets and keys were checked");
});

test("the boundary allows everything the program's workload roles are given, and the ECS infrastructure role's managed policy", () => {
  for (const d of deploys) {
    const keyTags = Object.fromEntries(Object.entries(d.tags).map(([t, v]) => [`aws:ResourceTag/${t}`, v as string]));
    for (const r of workloadRoles(d.c)) {
      const inline = d.c.resources.filter(
        (p) =>
          p.type === "aws:iam/rolePolicy:RolePolicy" &&
          [r.state.name, r.state.id, r.inputs.name].includes(p.inputs.role),
      );
      for (const p of inline) {
        const doc = json(p.inputs.policy) as PolicyDocumentModel;
        for (const s of [doc.Statement].flat().filter((x) => x.Effect === "Allow"))
          for (const action of [s.Action ?? []].flat())
            for (const resource of [s.Resource ?? "*"].flat()) {
              const context = action.startsWith("kms:") ? keyTags : {};
              assert.equal(
                evaluate({ identityPolicies: [doc], boundary: d.boundary, request: { action, resource, context } }),
                "allow",
                `${d.title}: ${r.name} ${p.name}: ${action} on ${resource}`,
              );
            }
      }
    }
  }
  // AmazonECSInfrastructureRolePolicyForLoadBalancers, version v2, as published
  // (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForLoadBalancers.html).
  const boundary = staging().boundary;
  const managed: PolicyDocumentModel = { Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
  for (const action of [
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:RegisterTargets",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:ModifyListener",
  ])
    assert.equal(
      evaluate({ identityPolicies: [managed], boundary, request: { action, resource: "*" } }),
      "allow",
      action,
    );
});
