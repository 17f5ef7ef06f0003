/** The staging stack's delivery identity as registered (under mocks, from Pulumi.staging.yaml). */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import {
  deployManagedPolicyArns,
  deployManagedPolicyName,
  passedRoleArns,
  READ_ONLY_ACCESS_ARN,
  renderDeployPolicies,
  renderPreviewDenyPolicy,
} from "../../infra/delivery";
import { json, one, ofType, SHA } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

let c: CapturedStack;
const ACCOUNT = "111111111111";

before(async () => {
  c = await captureStack({ stack: "staging", config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA } });
  assert.equal(c.error, undefined, String(c.error));
});

test("the account's GitHub OIDC provider: GitHub's issuer, audience sts.amazonaws.com only", () => {
  const p = one(c, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "delivery-github-oidc");
  assert.equal(p.inputs.url, "https://token.actions.githubusercontent.com");
  assert.deepEqual(p.inputs.clientIdLists, ["sts.amazonaws.com"]);
});

test("deploy role: assumable only by jobs of the `staging` environment of this repository", () => {
  const role = one(c, "aws:iam/role:Role", "delivery-deploy");
  assert.equal(role.inputs.name, "berth-staging-github-deploy");
  assert.equal(role.inputs.maxSessionDuration, 3600);
  const trust = json(role.inputs.assumeRolePolicy);
  assert.equal(trust.Statement.length, 1);
  assert.deepEqual(trust.Statement[0].Principal, {
    Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
  });
  assert.deepEqual(trust.Statement[0].Condition, {
    StringEquals: {
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub":
        "repository_owner_id:100000001:repository_id:200000002:environment:staging",
    },
  });
});

test("deploy role permissions: the rendered least-privilege policies (denies inline, allows managed and attached), pushing to staging's ECR repositories (it builds)", () => {
  const repos = ofType(c, "aws:ecr/repository:Repository")
    .map((r) => r.state.arn)
    .sort();
  assert.ok(repos.length >= 1);
  const role = one(c, "aws:iam/role:Role", "delivery-deploy");
  const inline = json(one(c, "aws:iam/rolePolicy:RolePolicy", "delivery-deploy").inputs.policy);
  const expected = renderDeployPolicies({
    accountId: ACCOUNT,
    region: "eu-west-1",
    ecrRepositoryArns: repos,
    pushesImages: true,
    protectedArns: [
      `arn:aws:iam::${ACCOUNT}:role/berth-staging-github-deploy`,
      `arn:aws:iam::${ACCOUNT}:role/berth-staging-github-preview`,
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      `arn:aws:iam::${ACCOUNT}:policy/berth-staging-github-deploy-*`,
      `arn:aws:iam::${ACCOUNT}:policy/berth-staging-role-boundary`,
    ],
    passedRoleArns: passedRoleArns({ project: "berth", stack: "staging" }, ACCOUNT),
    rolePrefix: "berth-staging-",
    boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/berth-staging-role-boundary`,
    bucketArns: ["arn:aws:s3:::alb-access-logs-???????"],
    keyTags: { project: "berth", stack: "staging" },
  });
  assert.equal(
    deployManagedPolicyArns(ACCOUNT, "berth-staging-github-deploy"),
    `arn:aws:iam::${ACCOUNT}:policy/berth-staging-github-deploy-*`,
  );
  assert.deepEqual(inline, expected.inline);
  const attached = ofType(c, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
    (a) => a.inputs.role === role.state.name,
  );
  assert.equal(attached.length, expected.managed.length);
  for (const m of expected.managed) {
    const policy = one(c, "aws:iam/policy:Policy", `delivery-deploy-${m.group}`);
    assert.equal(policy.inputs.name, deployManagedPolicyName("berth-staging-github-deploy", m.group));
    assert.deepEqual(json(policy.inputs.policy), m.document, m.group);
    assert.ok(
      attached.some((a) => a.inputs.policyArn === policy.state.arn),
      `${m.group} attached to the deploy role`,
    );
  }
  const push = expected.managed.flatMap((m) => m.document.Statement as any[]).find((s: any) => s.Sid === "EcrPush");
  assert.deepEqual([...push.Resource].sort(), repos, "the app and build-cache repositories, nothing else");
});

test("preview role: pull requests of this repository only; ReadOnlyAccess minus secrets and data", () => {
  const role = one(c, "aws:iam/role:Role", "delivery-preview");
  assert.equal(role.inputs.name, "berth-staging-github-preview");
  assert.equal(
    json(role.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"],
    "repository_owner_id:100000001:repository_id:200000002:pull_request",
  );
  assert.equal(
    one(c, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "delivery-preview-read-only").inputs.policyArn,
    READ_ONLY_ACCESS_ARN,
  );
  assert.deepEqual(
    json(one(c, "aws:iam/rolePolicy:RolePolicy", "delivery-preview-deny").inputs.policy),
    renderPreviewDenyPolicy(),
  );
  // Nothing else is attached to the preview role.
  const attached = [
    ...ofType(c, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
    ...ofType(c, "aws:iam/rolePolicy:RolePolicy"),
  ].filter((r) => r.name.startsWith("delivery-preview"));
  assert.deepEqual(attached.map((r) => r.name).sort(), ["delivery-preview-deny", "delivery-preview-read-only"]);
});

test("GCP: the pool's provider accepts only this repository's GitHub tokens", () => {
  const pool = one(c, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "delivery-pool");
  assert.equal(pool.inputs.workloadIdentityPoolId, "berth-github");
  assert.equal(pool.inputs.project, "berth-staging-000000");
  const p = one(c, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", "delivery-pool-github");
  // Keyed on the ids (berth:delivery.githubOwnerId / githubRepositoryId), never on the mutable name.
  assert.equal(
    p.inputs.attributeCondition,
    'assertion.repository_owner_id == "100000001" && assertion.repository_id == "200000002"',
  );
  assert.deepEqual(p.inputs.oidc, { issuerUri: "https://token.actions.githubusercontent.com" });
  assert.equal(p.inputs.attributeMapping["google.subject"], "assertion.sub");
  assert.equal(p.inputs.attributeMapping["attribute.repository_id"], "assertion.repository_id");
});

test("GCP: the deployer is impersonable only by the staging environment's subject and may push to Artifact Registry", () => {
  const wif = one(c, "gcp:serviceaccount/iAMMember:IAMMember", "delivery-deployer-wif");
  assert.equal(wif.inputs.role, "roles/iam.workloadIdentityUser");
  assert.equal(
    wif.inputs.member,
    "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/berth-github/subject/repository_owner_id:100000001:repository_id:200000002:environment:staging",
  );
  const deployer = one(c, "gcp:serviceaccount/account:Account", "delivery-deployer");
  assert.equal(wif.inputs.serviceAccountId, deployer.state.name);
  const writer = one(c, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "delivery-deployer-registry");
  assert.equal(writer.inputs.role, "roles/artifactregistry.writer");
  assert.equal(writer.inputs.member, deployer.state.member);
  const ar = ofType(c, "gcp:artifactregistry/repository:Repository");
  assert.equal(ar.length, 1);
  assert.equal(writer.inputs.repository, ar[0].inputs.repositoryId);
  assert.equal(writer.inputs.location, ar[0].inputs.location);
});

test("GCP: the preview service account reads Artifact Registry and is bound to the repository's identities", () => {
  const wif = one(c, "gcp:serviceaccount/iAMMember:IAMMember", "delivery-previewer-wif");
  assert.equal(
    wif.inputs.member,
    "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/berth-github/attribute.repository_id/200000002",
  );
  assert.equal(
    one(c, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "delivery-previewer-registry").inputs.role,
    "roles/artifactregistry.reader",
  );
});

test("GitHub: the `staging` environment deploys from main only, self-review prevented, admins do not bypass", () => {
  const env = one(c, "github:index/repositoryEnvironment:RepositoryEnvironment", "delivery-environment");
  assert.equal(env.inputs.repository, "berth");
  assert.equal(env.inputs.environment, "staging");
  assert.deepEqual(env.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
  assert.equal(env.inputs.preventSelfReview, true);
  assert.equal(env.inputs.canAdminsBypass, false);
  const policy = one(
    c,
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    "delivery-environment-branch",
  );
  assert.equal(policy.inputs.environment, "staging");
  assert.equal(policy.inputs.branchPattern, "main");
  assert.equal(ofType(c, "github:index/repositoryRuleset:RepositoryRuleset").length, 0, "the ruleset belongs to prod");
});

test("GitHub variables: the deploy job's environment gets the role, WIF provider, service account, registries and region", () => {
  const envVars: Record<string, any> = Object.fromEntries(
    ofType(c, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable").map((v) => [
      v.inputs.variableName,
      v.inputs,
    ]),
  );
  for (const v of Object.values<any>(envVars)) assert.equal(v.environment, "staging");
  assert.equal(envVars.AWS_ROLE_ARN.value, `arn:aws:iam::${ACCOUNT}:role/berth-staging-github-deploy`);
  assert.equal(envVars.AWS_REGION.value, "eu-west-1");
  assert.equal(
    envVars.GCP_WORKLOAD_IDENTITY_PROVIDER.value,
    "projects/123456789012/locations/global/workloadIdentityPools/berth-github/providers/github-actions",
  );
  assert.equal(
    envVars.GCP_SERVICE_ACCOUNT.value,
    one(c, "gcp:serviceaccount/account:Account", "delivery-deployer").state.email,
  );
  assert.equal(envVars.ECR_REPOSITORY_URL.value, `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/berth`);
  assert.equal(envVars.GHCR_IMAGE.value, "ghcr.io/your-github-org/berth", "what the scan job pulls (lowercase owner)");
  assert.equal(
    envVars.ARTIFACT_REGISTRY_URL.value,
    ofType(c, "gcp:artifactregistry/repository:Repository")[0].state.registryUri,
  );
  const repoVars = Object.fromEntries(
    ofType(c, "github:index/actionsVariable:ActionsVariable").map((v) => [v.inputs.variableName, v.inputs.value]),
  );
  assert.deepEqual(Object.keys(repoVars).sort(), [
    "STAGING_AWS_REGION",
    "STAGING_GCP_PREVIEW_SERVICE_ACCOUNT",
    "STAGING_GCP_WORKLOAD_IDENTITY_PROVIDER",
    "STAGING_PREVIEW_AWS_ROLE_ARN",
  ]);
  assert.equal(repoVars.STAGING_PREVIEW_AWS_ROLE_ARN, `arn:aws:iam::${ACCOUNT}:role/berth-staging-github-preview`);
});

test("staging exports what prod promotes: its commit, the digest it runs, and the digests it has run", () => {
  assert.equal(c.outputs.sourceSha, SHA);
  assert.match(String(c.outputs.imageDigest), /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(c.outputs.ranDigests, [c.outputs.imageDigest]);
  assert.equal(c.outputs.imageDigestRef, `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/berth@${c.outputs.imageDigest}`);
  assert.equal(c.outputs.deployRoleArn, `arn:aws:iam::${ACCOUNT}:role/berth-staging-github-deploy`);
  assert.equal(c.outputs.githubEnvironment, "staging");
});

// Folded from tests/infra/harness.smoke.test.ts (the same capture: the committed staging stack file, the pinned commit).
test("the staging program loads under mocks with its own stack file", () => {
  assert.equal(c.error, undefined);
  assert.equal(c.outputs.sourceSha, "0123456789abcdef0123456789abcdef01234567");
});
