/**
 * The trust and permission documents of the delivery identity, rendered by pure functions (the component passes
 * exactly these; tests/delivery/staging.test.ts and prod.test.ts check that it does).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AWS_STS_AUDIENCE,
  FORBIDDEN_MANAGED_POLICIES,
  GITHUB_ATTRIBUTE_MAPPING,
  GITHUB_SUBJECT_CLAIM_KEYS,
  githubAttributeCondition,
  githubOidcProviderArn,
  githubSubject,
  deployManagedPolicyArns,
  passedRoleArns,
  PREVIEW_DENIED_ACTIONS,
  renderDeployBranchRuleset,
  renderDeployPolicies,
  renderGithubTrustPolicy,
  renderPreviewDenyPolicy,
  renderReviewers,
  workloadIdentityPrincipal,
  workloadIdentityRepositorySet,
} from "../../infra/delivery";
import type { DeliverySettings } from "../../infra/config/delivery";

const repo = { owner: "acme", repository: "berth", ownerId: 65, repositoryId: 74 };
const OIDC = githubOidcProviderArn("111111111111");

function statement(doc: any, sid: string): any {
  const s = doc.Statement.find((x: any) => x.Sid === sid);
  assert.ok(s, `statement ${sid}`);
  return s;
}

function actionsOf(s: any): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

// GitHub's subject claim under a repository template (https://docs.github.com/en/actions/reference/security/oidc,
// "Customizing the subject claims for an organization or repository"): each included claim as `key:value`, in the
// template's order, joined with `:`; `context` gives `environment:<name>` for a job in an environment and
// `pull_request` for a pull request. Names are not in it: since mid-2026 a repository created, renamed or transferred
// gets an immutable default subject with the ids appended to the names
// (https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens), which a trust on
// `repo:<owner>/<repo>:...` no longer matches; with the template the form is known whatever the default.
test("OIDC subjects: the template's claims, by id (an environment's jobs, or pull requests)", () => {
  assert.deepEqual([...GITHUB_SUBJECT_CLAIM_KEYS], ["repository_owner_id", "repository_id", "context"]);
  assert.equal(
    githubSubject(repo, { environment: "production" }),
    "repository_owner_id:65:repository_id:74:environment:production",
  );
  assert.equal(githubSubject(repo, { pullRequest: true }), "repository_owner_id:65:repository_id:74:pull_request");
  // A repository of the same name under a recycled owner name has other ids: another subject.
  assert.notEqual(
    githubSubject({ ...repo, ownerId: 66 }, { environment: "production" }),
    githubSubject(repo, { environment: "production" }),
  );
  assert.equal(OIDC, "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com");
});

test("trust policy: only GitHub's OIDC provider, exact audience and exact subject (StringEquals, no wildcard)", () => {
  const doc = renderGithubTrustPolicy({ oidcProviderArn: OIDC, subject: "repo:acme/berth:environment:staging" }) as any;
  assert.equal(doc.Statement.length, 1);
  const s = doc.Statement[0];
  assert.equal(s.Effect, "Allow");
  assert.deepEqual(s.Principal, { Federated: OIDC });
  assert.equal(s.Action, "sts:AssumeRoleWithWebIdentity");
  assert.deepEqual(
    Object.keys(s.Condition),
    ["StringEquals"],
    "no StringLike: a wildcard subject would admit any branch or fork",
  );
  assert.deepEqual(s.Condition.StringEquals, {
    "token.actions.githubusercontent.com:aud": AWS_STS_AUDIENCE,
    "token.actions.githubusercontent.com:sub": "repo:acme/berth:environment:staging",
  });
});

const base = {
  accountId: "111111111111",
  region: "eu-west-1",
  ecrRepositoryArns: [
    "arn:aws:ecr:eu-west-1:111111111111:repository/berth",
    "arn:aws:ecr:eu-west-1:111111111111:repository/buildcache/berth",
  ],
  protectedArns: [
    "arn:aws:iam::111111111111:role/berth-staging-github-deploy",
    "arn:aws:iam::111111111111:role/berth-staging-github-preview",
    OIDC,
    deployManagedPolicyArns("111111111111", "berth-staging-github-deploy"),
    "arn:aws:iam::111111111111:policy/berth-staging-role-boundary",
  ],
  passedRoleArns: passedRoleArns({ project: "berth", stack: "staging" }, "111111111111"),
  rolePrefix: "berth-staging-",
  boundaryArn: "arn:aws:iam::111111111111:policy/berth-staging-role-boundary",
  bucketArns: ["arn:aws:s3:::alb-access-logs-???????"],
  keyTags: { project: "berth", stack: "staging" },
};

/** The deploy role's documents as one: the inline denies and every managed policy's statements. */
function deployPolicy(pushesImages: boolean): { Statement: any[] } {
  const rendered = renderDeployPolicies({ ...base, pushesImages });
  return {
    Statement: [
      ...(rendered.inline.Statement as any[]),
      ...rendered.managed.flatMap((m) => m.document.Statement as any[]),
    ],
  };
}

/** IAM's wildcard match of an action (`iam:Pass*` matches iam:PassRole). */
const actionMatches = (pattern: string, action: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  ).test(action);

test("deploy policy: pushes only in the building stack, only to its repositories", () => {
  const staging = deployPolicy(true);
  const push = statement(staging, "EcrPush");
  for (const a of ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"])
    assert.ok(actionsOf(push).includes(a), a);
  assert.deepEqual(push.Resource, base.ecrRepositoryArns);
  const prod = deployPolicy(false);
  assert.equal(
    prod.Statement.find((s: any) => s.Sid === "EcrPush"),
    undefined,
  );
  const allProdActions = prod.Statement.filter((s: any) => s.Effect === "Allow").flatMap(actionsOf);
  assert.ok(!allProdActions.includes("ecr:PutImage"), "prod cannot push an image");
  assert.deepEqual(statement(prod, "EcrRepository").Resource, base.ecrRepositoryArns);
});

test("deploy policy: named actions only (no * or <service>:*), and every generated-name service grant is held to the stack's region", () => {
  const doc = deployPolicy(true);
  for (const s of doc.Statement.filter((x: any) => x.Effect === "Allow")) {
    assert.ok(!actionsOf(s).includes("*"), `${s.Sid}: no Action "*"`);
    assert.deepEqual(
      actionsOf(s).filter((a) => /^[a-z0-9-]+:\*$/.test(a)),
      [],
      `${s.Sid}: no <service>:* (the policy pack's berth-iam-no-wildcard-actions)`,
    );
    assert.equal(s.NotAction, undefined);
    if (actionsOf(s).some((a) => /^(ecs|elasticloadbalancing|ec2|kms|application-autoscaling):/.test(a))) {
      assert.equal(s.Condition?.StringEquals?.["aws:RequestedRegion"], "eu-west-1", `${s.Sid}: region-scoped`);
    }
  }
  assert.deepEqual(statement(doc, "LogGroups").Resource, [
    "arn:aws:logs:eu-west-1:111111111111:log-group:*",
    "arn:aws:logs:eu-west-1:111111111111:log-group:*:*",
  ]);
  assert.ok(
    !actionsOf(statement(doc, "Buckets")).some((a) => /^s3:(Get|Put|Delete|List)Object/.test(a)),
    "bucket configuration only, no object reads",
  );
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html (iam:PassRole, iam:PassedToService).
// ECS tasks get their execution and task roles (task_execution_IAM_role.html); VPC flow logs deliver to CloudWatch Logs
// with a role they are passed (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html); canary,
// linear and blueGreen services pass ECS the infrastructure role for load balancers
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html).
test("deploy policy: roles are passed only to ECS tasks, VPC flow logs and ECS (load balancers), each held to its service and its roles; CI can never modify its own identity or mint long-lived keys", () => {
  const doc = deployPolicy(true);
  const passing = doc.Statement.filter(
    (s: any) => s.Effect === "Allow" && actionsOf(s).some((a) => actionMatches(a, "iam:PassRole")),
  );
  assert.deepEqual(
    passing
      .map((s: any) => ({ Sid: s.Sid, Action: s.Action, Resource: s.Resource, Condition: s.Condition }))
      .sort((a: any, b: any) => a.Sid.localeCompare(b.Sid)),
    [
      {
        Sid: "PassRolesToEcsOnly",
        Action: "iam:PassRole",
        Resource: ["arn:aws:iam::111111111111:role/berth-staging-ecs-infrastructure"],
        Condition: { StringEquals: { "iam:PassedToService": "ecs.amazonaws.com" } },
      },
      {
        Sid: "PassRolesToEcsTasksOnly",
        Action: "iam:PassRole",
        Resource: [
          "arn:aws:iam::111111111111:role/berth-staging-*-execution",
          "arn:aws:iam::111111111111:role/berth-staging-*-task",
        ],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
      {
        Sid: "PassRolesToFlowLogsOnly",
        Action: "iam:PassRole",
        Resource: ["arn:aws:iam::111111111111:role/berth-staging-vpc-flow-logs"],
        Condition: { StringEquals: { "iam:PassedToService": "vpc-flow-logs.amazonaws.com" } },
      },
    ],
    "exactly three PassRole grants (no other Allow statement passes a role), each to one service and named roles",
  );
  // None of them reaches the delivery identity's roles.
  for (const s of passing)
    for (const r of [s.Resource].flat())
      for (const own of base.protectedArns) assert.ok(!actionMatches(r, own), `${s.Sid}: ${r} does not match ${own}`);
  const read = statement(doc, "ReadDeliveryIdentity");
  assert.ok(
    actionsOf(read).every((a) => /^iam:(Get|List)/.test(a)),
    "read-only on the delivery identity",
  );
  assert.deepEqual(read.Resource, base.protectedArns);
  const guard = statement(doc, "NeverModifyDeliveryIdentity");
  assert.equal(guard.Effect, "Deny");
  assert.deepEqual(guard.Resource, base.protectedArns);
  // Its managed policies are the delivery identity too: no new version, no other default version, no deletion.
  for (const a of [
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
    "iam:Delete*",
    "iam:Update*",
    "iam:Put*",
    "iam:Attach*",
  ]) {
    assert.ok(
      actionsOf(guard).some((g) => new RegExp(`^${g.replace("*", ".*")}$`).test(a)),
      `${a} denied on the delivery identity`,
    );
  }
  const keys = statement(doc, "NoLongLivedCredentials");
  assert.equal(keys.Effect, "Deny");
  assert.ok(actionsOf(keys).includes("iam:CreateAccessKey") && actionsOf(keys).includes("iam:CreateUser"));
  const admin = statement(doc, "NoAdministratorPolicies");
  assert.equal(admin.Effect, "Deny");
  assert.deepEqual(admin.Condition.ArnEquals["iam:PolicyARN"], FORBIDDEN_MANAGED_POLICIES);
  assert.ok(FORBIDDEN_MANAGED_POLICIES.includes("arn:aws:iam::aws:policy/AdministratorAccess"));
});

test("deploy policy: the denies are inline, the allows in the managed policies (one per group of services, none empty)", () => {
  const rendered = renderDeployPolicies({ ...base, pushesImages: true });
  assert.ok((rendered.inline.Statement as any[]).every((s) => s.Effect === "Deny"));
  assert.ok(rendered.managed.length > 1);
  for (const m of rendered.managed) {
    assert.ok((m.document.Statement as any[]).length > 0, m.group);
    assert.ok(
      (m.document.Statement as any[]).every((s) => s.Effect === "Allow"),
      m.group,
    );
  }
});

test("preview role: ReadOnlyAccess minus secrets and data reads", () => {
  const doc = renderPreviewDenyPolicy() as any;
  assert.equal(doc.Statement.length, 1);
  assert.equal(doc.Statement[0].Effect, "Deny");
  assert.equal(doc.Statement[0].Resource, "*");
  for (const a of [
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
    "s3:GetObject",
    "logs:GetLogEvents",
    "ecs:ExecuteCommand",
  ]) {
    assert.ok(PREVIEW_DENIED_ACTIONS.includes(a), a);
  }
  assert.deepEqual(doc.Statement[0].Action, PREVIEW_DENIED_ACTIONS);
});

test("GCP: the provider accepts only this repository's tokens, by id; deploy binds the environment subject, preview the repository id", () => {
  // GitHub puts repository_id and repository_owner_id in every token, as strings (https://docs.github.com/en/actions/reference/security/oidc, the example token).
  assert.equal(
    githubAttributeCondition(repo),
    'assertion.repository_owner_id == "65" && assertion.repository_id == "74"',
  );
  assert.equal(GITHUB_ATTRIBUTE_MAPPING["google.subject"], "assertion.sub");
  assert.equal(GITHUB_ATTRIBUTE_MAPPING["attribute.repository_id"], "assertion.repository_id");
  assert.equal(GITHUB_ATTRIBUTE_MAPPING["attribute.repository_owner_id"], "assertion.repository_owner_id");
  const pool = "projects/123/locations/global/workloadIdentityPools/berth-github";
  assert.equal(
    workloadIdentityPrincipal(pool, githubSubject(repo, { environment: "production" })),
    "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/berth-github/subject/repository_owner_id:65:repository_id:74:environment:production",
  );
  assert.equal(
    workloadIdentityRepositorySet(pool, repo),
    "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/berth-github/attribute.repository_id/74",
  );
});

const delivery: DeliverySettings = {
  enabled: true,
  githubEnvironment: "production",
  requiredReviewers: [],
  preventSelfReview: true,
  allowAdminBypass: false,
  deployBranch: "main",
  createOidcProvider: true,
  previewRole: true,
  maxSessionSeconds: 3600,
  workloadIdentityPoolId: "berth-github",
  workloadIdentityProviderId: "github-actions",
  manageRepositoryRuleset: true,
  requiredChecks: ["test", "preview (prod)"],
  requiredApprovals: 1,
  githubVisibility: "public",
  githubPlan: undefined,
  githubOwnerId: 65,
  githubRepositoryId: 74,
  manageOidcSubjectTemplate: false,
};

test("ruleset on the deploy branch: pull requests, the preview checks (strict), no force push or deletion, no bypass", () => {
  const r = renderDeployBranchRuleset(delivery) as any;
  assert.equal(r.target, "branch");
  assert.equal(r.enforcement, "active");
  assert.deepEqual(r.conditions.refName, { includes: ["refs/heads/main"], excludes: [] });
  assert.deepEqual(r.bypassActors, []);
  assert.deepEqual(r.rules.requiredStatusChecks, {
    strictRequiredStatusChecksPolicy: true,
    requiredChecks: [{ context: "test" }, { context: "preview (prod)" }],
  });
  assert.equal(r.rules.pullRequest.requiredApprovingReviewCount, 1);
  assert.equal(r.rules.pullRequest.dismissStaleReviewsOnPush, true);
  assert.equal(r.rules.pullRequest.requireLastPushApproval, true);
  assert.equal(r.rules.deletion, true);
  assert.equal(r.rules.nonFastForward, true);
  assert.deepEqual(
    (renderDeployBranchRuleset({ ...delivery, deployBranch: "trunk" }) as any).conditions.refName.includes,
    ["refs/heads/trunk"],
  );
});

test("environment reviewers: users and teams by numeric id; none gives no reviewer block", () => {
  assert.deepEqual(
    renderReviewers([
      { kind: "user", login: "alice", id: 11 },
      { kind: "team", slug: "release", id: 22 },
      { kind: "user", login: "bob", id: 33 },
    ]),
    [{ users: [11, 33], teams: [22] }],
  );
  assert.deepEqual(renderReviewers([]), []);
});
