/**
 * The staging stack (the build stack) under mocks: providers, ECR, Artifact Registry, the image build and pushes,
 * the outputs. Starts from the committed Pulumi.staging.yaml, as CI runs it (SHA, release tag and GHCR token given).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { fixtureStackConfig } from "../support/fixtures";
import {
  isSecret,
  one,
  none,
  PROD_ACCOUNT,
  REGION,
  registryResources,
  SHA,
  sortedList,
  STAGING_ACCOUNT,
  unsecret,
} from "../support";

const ECR_HOST = `${STAGING_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const ECR_REPO = `${ECR_HOST}/berth`;
const GHCR_REPO = "ghcr.io/your-github-org/berth";
const AR_REPO = "europe-west1-docker.pkg.dev/berth-staging-000000/berth/berth";
let stack: CapturedStack;

before(async () => {
  const config = {
    ...fixtureStackConfig("staging"),
    "berth:imageSha": SHA,
    "berth:releaseTag": "v1.4.2",
    "berth:ghcrToken": "ghp_offline_token",
    "berth:tags": JSON.stringify({ team: "Platform Team", "cost-center": "cc-42" }),
  };
  stack = await captureStack({ stack: "staging", config, secretKeys: ["berth:ghcrToken"] });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("staging registers exactly the registry and image resources (sorted list)", () => {
  assert.deepEqual(sortedList(registryResources(stack)), [
    "aws:ecr/lifecyclePolicy:LifecyclePolicy app-cache-lifecycle",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy app-lifecycle",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration app-scanning",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration app-replication",
    "aws:ecr/repository:Repository app",
    "aws:ecr/repository:Repository app-cache",
    "aws:ecr/repositoryPolicy:RepositoryPolicy pull",
    "aws:kms/alias:Alias app-key-alias",
    "aws:kms/key:Key app-key",
    "berth:image:AppImage image",
    "berth:providers:CloudProviders berth",
    "berth:registries:ArtifactRegistryRepository app",
    "berth:registries:EcrRepository app",
    "docker-build:index:Image image",
    "gcp:artifactregistry/repository:Repository app",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember app-pusher-writer",
    "gcp:projects/service:Service app-artifactregistry",
    "gcp:projects/service:Service app-containerscanning",
    "gcp:serviceaccount/account:Account app-pusher",
    "pulumi:providers:aws berth-aws",
    "pulumi:providers:gcp berth-gcp",
  ]);
  assert.ok(none(stack, "aws:ecr/registryPolicy:RegistryPolicy"), "staging does not accept replication");
});

test("the AWS provider is pinned to the region and account and tags everything", () => {
  const p = one(stack, "pulumi:providers:aws", "berth-aws").inputs;
  assert.equal(p.region, REGION);
  assert.deepEqual(JSON.parse(p.allowedAccountIds), [STAGING_ACCOUNT]);
  const tags = JSON.parse(p.defaultTags).tags;
  assert.deepEqual(tags, {
    project: "berth",
    stack: "staging",
    "managed-by": "pulumi",
    team: "Platform Team",
    "cost-center": "cc-42",
  });
});

test("the GCP provider is pinned to the project and region and labels everything (labels lowered)", () => {
  const p = one(stack, "pulumi:providers:gcp", "berth-gcp").inputs;
  assert.equal(p.project, "berth-staging-000000");
  assert.equal(p.region, "europe-west1");
  const labels = typeof p.defaultLabels === "string" ? JSON.parse(p.defaultLabels) : p.defaultLabels;
  assert.deepEqual(labels, {
    project: "berth",
    stack: "staging",
    "managed-by": "pulumi",
    team: "platform_team",
    "cost-center": "cc-42",
  });
});

test("ECR: a customer-managed KMS key with rotation encrypts an IMMUTABLE, scanned repository", () => {
  const key = one(stack, "aws:kms/key:Key", "app-key");
  assert.equal(key.inputs.enableKeyRotation, true);
  assert.equal(key.inputs.deletionWindowInDays, 30);
  const repo = one(stack, "aws:ecr/repository:Repository", "app").inputs;
  assert.equal(repo.name, "berth");
  assert.equal(repo.imageTagMutability, "IMMUTABLE");
  assert.equal(repo.imageTagMutabilityExclusionFilters, undefined);
  assert.equal(repo.imageScanningConfiguration.scanOnPush, true);
  assert.deepEqual(repo.encryptionConfigurations, [{ encryptionType: "KMS", kmsKey: key.state.arn }]);
  assert.equal(repo.forceDelete, false, "secure default: a destroy never deletes images");
});

test("ECR lifecycle: v* kept, untagged expire after 7 days, the last 30 images kept", () => {
  const policy = JSON.parse(one(stack, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-lifecycle").inputs.policy);
  const [release, untagged, keep] = policy.rules;
  assert.deepEqual(release.selection, {
    tagStatus: "tagged",
    tagPrefixList: ["v"],
    countType: "imageCountMoreThan",
    countNumber: 9999,
  });
  assert.equal(release.rulePriority, 1, "the release rule must come first to shield v* images from the other rules");
  assert.deepEqual(untagged.selection, {
    tagStatus: "untagged",
    countType: "sinceImagePushed",
    countUnit: "days",
    countNumber: 7,
  });
  assert.deepEqual(keep.selection, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 });
  assert.ok(policy.rules.every((r: any) => r.action.type === "expire"));
  assert.deepEqual(
    policy.rules.map((r: any) => r.rulePriority),
    [1, 2, 3],
  );
});

test("the build cache lives in its own repository where only buildcache-* tags are mutable", () => {
  const cache = one(stack, "aws:ecr/repository:Repository", "app-cache").inputs;
  assert.equal(cache.name, "buildcache/berth", "outside the berth prefix, so replication never copies it");
  assert.equal(cache.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
  assert.deepEqual(cache.imageTagMutabilityExclusionFilters, [{ filter: "buildcache-*", filterType: "WILDCARD" }]);
  assert.equal(cache.encryptionConfigurations[0].encryptionType, "KMS");
  assert.equal(cache.forceDelete, false);
  assert.equal(cache.imageScanningConfiguration.scanOnPush, true);
  const policy = JSON.parse(one(stack, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-cache-lifecycle").inputs.policy);
  assert.deepEqual(policy.rules[0].selection, {
    tagStatus: "untagged",
    countType: "sinceImagePushed",
    countUnit: "days",
    countNumber: 7,
  });
});

test("registry-wide enhanced continuous scanning of every repository", () => {
  const scanning = one(
    stack,
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    "app-scanning",
  ).inputs;
  assert.equal(scanning.scanType, "ENHANCED");
  assert.deepEqual(scanning.rules, [
    { scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
  ]);
});

test("staging replicates the berth repository to the prod account", () => {
  const replication = one(stack, "aws:ecr/replicationConfiguration:ReplicationConfiguration", "app-replication").inputs;
  assert.deepEqual(replication.replicationConfiguration.rules, [
    {
      destinations: [{ region: REGION, registryId: PROD_ACCOUNT }],
      repositoryFilters: [{ filter: "berth", filterType: "PREFIX_MATCH" }],
    },
  ]);
});

test("Artifact Registry: APIs enabled and kept on destroy; immutable, scanned Docker repository with cleanup", () => {
  for (const service of ["artifactregistry.googleapis.com", "containerscanning.googleapis.com"]) {
    const s = stack.resources.find((r) => r.type === "gcp:projects/service:Service" && r.inputs.service === service);
    assert.ok(s, service);
    assert.equal(s.inputs.disableOnDestroy, false, service);
    assert.equal(s.inputs.project, "berth-staging-000000");
  }
  const repo = one(stack, "gcp:artifactregistry/repository:Repository", "app").inputs;
  assert.equal(repo.format, "DOCKER");
  assert.equal(repo.repositoryId, "berth");
  assert.equal(repo.location, "europe-west1");
  assert.deepEqual(repo.dockerConfig, { immutableTags: true });
  assert.deepEqual(repo.vulnerabilityScanningConfig, { enablementConfig: "INHERITED" });
  assert.equal(repo.cleanupPolicyDryRun, false);
  const byId = Object.fromEntries(repo.cleanupPolicies.map((p: any) => [p.id, p]));
  assert.deepEqual(byId["delete-untagged"], {
    id: "delete-untagged",
    action: "DELETE",
    condition: { tagState: "UNTAGGED", olderThan: "604800s" },
  });
  assert.deepEqual(byId["keep-recent-versions"], {
    id: "keep-recent-versions",
    action: "KEEP",
    mostRecentVersions: { keepCount: 30 },
  });
  assert.deepEqual(byId["keep-release-tags"].condition, { tagState: "TAGGED", tagPrefixes: ["v"] });
});

test("Artifact Registry: a pusher service account is writer on this repository only", () => {
  const sa = one(stack, "gcp:serviceaccount/account:Account", "app-pusher");
  assert.equal(sa.inputs.accountId, "berth-pusher");
  const member = one(stack, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "app-pusher-writer").inputs;
  assert.equal(member.role, "roles/artifactregistry.writer");
  assert.equal(member.member, sa.state.member);
  assert.equal(member.repository, "berth");
  assert.equal(member.location, "europe-west1");
  assert.ok(
    !stack.resources.some((r) => r.type.startsWith("gcp:projects/iAM") && r.inputs.member === sa.state.member),
    "no project-wide grant",
  );
});

test("the image: built once for the configured platform, pushed on up, never built on preview", () => {
  const image = one(stack, "docker-build:index:Image", "image").inputs;
  assert.equal(image.push, true);
  assert.equal(image.buildOnPreview, false);
  assert.deepEqual(image.platforms, ["linux/amd64"]);
  assert.deepEqual(image.context, { location: "." });
  assert.deepEqual(image.dockerfile, { location: "Dockerfile" });
  assert.equal(
    stack.resources.filter((r) => r.type.startsWith("docker-build:") || r.type.startsWith("docker:")).length,
    1,
    "one build",
  );
});

test("the image is tagged <sha> and v1.4.2-<sha> in ECR, GHCR and Artifact Registry (never latest)", () => {
  const tags: string[] = one(stack, "docker-build:index:Image", "image").inputs.tags;
  assert.deepEqual(
    [...tags].sort(),
    [
      `${AR_REPO}:${SHA}`,
      `${AR_REPO}:v1.4.2-${SHA}`,
      `${ECR_REPO}:${SHA}`,
      `${ECR_REPO}:v1.4.2-${SHA}`,
      `${GHCR_REPO}:${SHA}`,
      `${GHCR_REPO}:v1.4.2-${SHA}`,
    ].sort(),
  );
  assert.ok(tags.every((t) => !t.endsWith(":latest")));
});

test("the image gets GIT_SHA, VERSION and SOURCE_URL build args and OCI labels linking the GHCR package", () => {
  const image = one(stack, "docker-build:index:Image", "image").inputs;
  assert.deepEqual(image.buildArgs, {
    GIT_SHA: SHA,
    VERSION: "1.4.2",
    SOURCE_URL: "https://github.com/your-github-org/berth",
  });
  assert.equal(image.labels["org.opencontainers.image.source"], "https://github.com/your-github-org/berth");
  assert.equal(image.labels["org.opencontainers.image.revision"], SHA);
  assert.equal(image.labels["org.opencontainers.image.version"], "1.4.2");
  assert.equal(image.labels["berth.dirty"], "false");
});

test("registry credentials: the ECR token, the GCP access token and the GHCR secret, all secret", () => {
  const raw = one(stack, "docker-build:index:Image", "image").inputs.registries;
  assert.ok(isSecret(raw), "the registries (with their passwords) are secret");
  const registries: any[] = unsecret(raw);
  const byAddress = Object.fromEntries(registries.map((r) => [r.address, r]));
  assert.deepEqual(Object.keys(byAddress).sort(), ["europe-west1-docker.pkg.dev", "ghcr.io", ECR_HOST].sort());
  assert.equal(byAddress[ECR_HOST].username, "AWS");
  assert.equal(unsecret(byAddress[ECR_HOST].password), "offline-ecr-password");
  assert.equal(unsecret(byAddress["europe-west1-docker.pkg.dev"].username), "oauth2accesstoken");
  assert.equal(unsecret(byAddress["europe-west1-docker.pkg.dev"].password), "offline-gcp-access-token");
  assert.equal(unsecret(byAddress["ghcr.io"].password), "ghp_offline_token");
  const tokens = stack.invokes.map((i) => i.token);
  assert.ok(tokens.includes("aws:ecr/getAuthorizationToken:getAuthorizationToken"));
  assert.ok(tokens.includes("gcp:organizations/getClientConfig:getClientConfig"));
  const ecrInvoke = stack.invokes.find((i) => i.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken")!;
  assert.equal(ecrInvoke.inputs.registryId, STAGING_ACCOUNT);
});

test("a registry build cache in the cache repository: read and written, image manifest, OCI media types", () => {
  const image = one(stack, "docker-build:index:Image", "image").inputs;
  const cacheRef = `${ECR_HOST}/buildcache/berth:buildcache-linux-amd64`;
  assert.deepEqual(image.cacheFrom, [{ registry: { ref: cacheRef } }]);
  assert.deepEqual(image.cacheTo, [
    { registry: { ref: cacheRef, mode: "max", imageManifest: true, ociMediaTypes: true } },
  ]);
});

test("only the services' execution roles and the deploy role may pull; everyone else is denied", () => {
  const policy = JSON.parse(one(stack, "aws:ecr/repositoryPolicy:RepositoryPolicy", "pull").inputs.policy);
  assert.equal(one(stack, "aws:ecr/repositoryPolicy:RepositoryPolicy", "pull").inputs.repository, "berth");
  const roleArn = (name: string) => one(stack, "aws:iam/role:Role", name).state.arn;
  const granted = [roleArn("web-execution"), roleArn("worker-execution"), roleArn("delivery-deploy")].sort();
  const [allow, deny] = policy.Statement;
  assert.equal(allow.Effect, "Allow");
  assert.deepEqual(allow.Principal, { AWS: granted });
  assert.deepEqual(allow.Action, [
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
  ]);
  assert.ok(!granted.includes(roleArn("web-task")), "the task role (the app itself) does not pull");
  assert.equal(deny.Effect, "Deny");
  assert.equal(deny.Principal, "*");
  assert.deepEqual(deny.Action, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
  assert.deepEqual(deny.Condition.StringNotLike["aws:PrincipalArn"], [
    ...granted,
    `arn:aws:iam::${STAGING_ACCOUNT}:role/aws-service-role/*`,
  ]);
  assert.deepEqual(deny.Condition.BoolIfExists, { "aws:PrincipalIsAWSService": "false" });
});

test("outputs: SHA, tag, each registry's reference, the digest and the digest-pinned ECR reference", () => {
  const o = stack.outputs as Record<string, any>;
  assert.equal(o.sourceSha, SHA);
  assert.equal(o.imageTag, SHA);
  assert.equal(o.sourceDirty, false);
  assert.deepEqual(o.imageRefs, {
    ecr: `${ECR_REPO}:${SHA}`,
    ghcr: `${GHCR_REPO}:${SHA}`,
    artifactRegistry: `${AR_REPO}:${SHA}`,
  });
  assert.match(o.imageDigest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(o.imageDigest, one(stack, "docker-build:index:Image", "image").state.digest);
  assert.equal(o.imageDigestRef, `${ECR_REPO}@${o.imageDigest}`);
  assert.equal(o.ecrRepositoryUrl, ECR_REPO);
  assert.ok(!(o.warnings as string[]).some((w) => w.includes("GHCR")), "the GHCR token is set: no warning");
});
