/**
 * Prod as Pulumi.prod.yaml declares it: it promotes the digest staging runs (StackReference mocked with staging's
 * outputs), builds nothing, runs the image from its own ECR repository by digest, and owns the `production`
 * environment (reviewers, no self-review, main only) and the repository ruleset.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { DEFAULT_REQUIRED_CHECKS } from "../../infra/config/delivery";
import { json, one, ofType, prodConfig, STAGING_DIGEST, STAGING_SHA, STAGING_STACK, stagingOutputs } from "../support";

let c: CapturedStack;
const ACCOUNT = "222222222222";
const PROD_REPO = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/berth`;

before(async () => {
  c = await captureStack({ stack: "prod", config: prodConfig(), stackOutputs: stagingOutputs() });
  assert.equal(c.error, undefined, String(c.error));
});

test("prod reads staging's outputs through a StackReference to the configured stack", () => {
  const refs = ofType(c, "pulumi:pulumi:StackReference");
  assert.equal(refs.length, 1);
  assert.equal(refs[0].inputs.name, STAGING_STACK);
});

test("prod deploys staging's running digest from its own ECR repository, never a tag", () => {
  assert.equal(c.outputs.imageDigest, STAGING_DIGEST);
  assert.equal(c.outputs.sourceSha, STAGING_SHA);
  assert.equal(c.outputs.imageDigestRef, `${PROD_REPO}@${STAGING_DIGEST}`);
  const taskDefinitions = ofType(c, "aws:ecs/taskDefinition:TaskDefinition");
  assert.ok(taskDefinitions.length >= 2);
  for (const td of taskDefinitions) {
    for (const container of json(td.inputs.containerDefinitions))
      assert.equal(container.image, `${PROD_REPO}@${STAGING_DIGEST}`, td.name);
  }
});

test("prod never builds or pushes an image", () => {
  assert.equal(ofType(c, "docker-build:index:Image").length, 0);
  assert.equal(c.resources.filter((r) => /^docker(-build)?:/.test(r.type)).length, 0);
  const deployRole = one(c, "aws:iam/role:Role", "delivery-deploy");
  const attached = new Set(
    ofType(c, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.inputs.role === deployRole.state.name)
      .map((a) => a.inputs.policyArn),
  );
  const documents = [
    json(one(c, "aws:iam/rolePolicy:RolePolicy", "delivery-deploy").inputs.policy),
    ...ofType(c, "aws:iam/policy:Policy")
      .filter((p) => attached.has(p.state.arn))
      .map((p) => json(p.inputs.policy)),
  ];
  assert.ok(documents.length > 1, "the deploy role's inline and managed policies");
  const statements = documents.flatMap((d) => d.Statement);
  assert.equal(
    statements.find((s: any) => s.Sid === "EcrPush"),
    undefined,
    "the prod deploy role cannot push",
  );
  assert.ok(
    !statements
      .filter((s: any) => s.Effect === "Allow")
      .flatMap((s: any) => [s.Action].flat())
      .includes("ecr:PutImage"),
    "no ecr:PutImage anywhere",
  );
});

test("prod deploy role: only the `production` environment's jobs", () => {
  const trust = json(one(c, "aws:iam/role:Role", "delivery-deploy").inputs.assumeRolePolicy);
  assert.equal(
    trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"],
    "repository_owner_id:100000001:repository_id:200000002:environment:production",
  );
  assert.equal(
    trust.Statement[0].Principal.Federated,
    `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
  );
  const wif = one(c, "gcp:serviceaccount/iAMMember:IAMMember", "delivery-deployer-wif");
  assert.match(
    wif.inputs.member,
    /\/subject\/repository_owner_id:100000001:repository_id:200000002:environment:production$/,
  );
});

test("the `production` environment: the configured reviewers, no self-review, no admin bypass, main only", () => {
  const env = one(c, "github:index/repositoryEnvironment:RepositoryEnvironment", "delivery-environment");
  assert.equal(env.inputs.environment, "production");
  assert.deepEqual(env.inputs.reviewers, [{ users: [], teams: [1234567] }]);
  assert.equal(env.inputs.preventSelfReview, true);
  assert.equal(env.inputs.canAdminsBypass, false);
  assert.deepEqual(env.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
  const branch = one(
    c,
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    "delivery-environment-branch",
  );
  assert.equal(branch.inputs.environment, "production");
  assert.equal(branch.inputs.branchPattern, "main");
});

test("the ruleset on main (owned by prod): pull requests and the preview checks", () => {
  const r = one(c, "github:index/repositoryRuleset:RepositoryRuleset", "delivery-deploy-branch");
  assert.equal(r.inputs.repository, "berth");
  assert.equal(r.inputs.enforcement, "active");
  assert.deepEqual(r.inputs.conditions.refName.includes, ["refs/heads/main"]);
  assert.deepEqual(
    r.inputs.rules.requiredStatusChecks.requiredChecks.map((x: any) => x.context),
    DEFAULT_REQUIRED_CHECKS,
  );
  assert.equal(r.inputs.rules.requiredStatusChecks.strictRequiredStatusChecksPolicy, true);
  assert.equal(r.inputs.rules.pullRequest.requiredApprovingReviewCount, 1);
  assert.equal(r.inputs.rules.nonFastForward, true);
  assert.equal(r.inputs.rules.deletion, true);
});

test("prod variables are prefixed PROD_ for the preview job and scoped to `production` for the deploy job", () => {
  const repoVars = ofType(c, "github:index/actionsVariable:ActionsVariable")
    .map((v) => v.inputs.variableName)
    .sort();
  assert.deepEqual(repoVars, [
    "PROD_AWS_REGION",
    "PROD_GCP_PREVIEW_SERVICE_ACCOUNT",
    "PROD_GCP_WORKLOAD_IDENTITY_PROVIDER",
    "PROD_PREVIEW_AWS_ROLE_ARN",
  ]);
  for (const v of ofType(c, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable"))
    assert.equal(v.inputs.environment, "production");
  const envNames = ofType(c, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable")
    .map((v) => v.inputs.variableName)
    .sort();
  assert.deepEqual(
    envNames,
    [
      "AWS_REGION",
      "AWS_ROLE_ARN",
      "AWS_ROLE_DURATION_SECONDS",
      "ECR_REPOSITORY_URL",
      "GCP_SERVICE_ACCOUNT",
      "GCP_WORKLOAD_IDENTITY_PROVIDER",
      "PULUMI_STACK",
    ],
    "prod pushes nowhere: no GHCR or Artifact Registry variable",
  );
});
