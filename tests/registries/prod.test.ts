/**
 * The prod stack under mocks, from the committed Pulumi.prod.yaml: prod never builds; its ECR repository receives
 * staging's images by cross-account replication (same digest) and is never force-deleted.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { none, one, PROD_ACCOUNT, REGION, registryResources, SHA, sortedList, STAGING_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const PROD_REPO = `${PROD_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/berth`;
let stack: CapturedStack;

before(async () => {
  const config = { ...fixtureStackConfig("prod"), "berth:imageSha": SHA };
  const staging = { sourceSha: SHA, imageDigest: DIGEST, ranDigests: [DIGEST] };
  stack = await captureStack({ stack: "prod", config, stackOutputs: { "your-pulumi-org/berth/staging": staging } });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("prod registers ECR with a replication registry policy, and no build, cache, replication or Artifact Registry", () => {
  assert.deepEqual(sortedList(registryResources(stack)), [
    "aws:ecr/lifecyclePolicy:LifecyclePolicy app-lifecycle",
    "aws:ecr/registryPolicy:RegistryPolicy app-accept-replication",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration app-scanning",
    "aws:ecr/repository:Repository app",
    "aws:ecr/repositoryPolicy:RepositoryPolicy pull",
    "aws:kms/alias:Alias app-key-alias",
    "aws:kms/key:Key app-key",
    "berth:providers:CloudProviders berth",
    "berth:registries:EcrRepository app",
    "pulumi:providers:aws berth-aws",
    "pulumi:providers:gcp berth-gcp",
  ]);
  assert.ok(none(stack, "docker-build:index:Image"), "prod never builds");
  assert.ok(none(stack, "aws:ecr/replicationConfiguration:ReplicationConfiguration"));
  assert.ok(none(stack, "gcp:artifactregistry/repository:Repository"));
  assert.ok(
    !stack.invokes.some((i) => i.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken"),
    "no registry login in prod",
  );
});

test("the prod provider only accepts the prod account", () => {
  const p = one(stack, "pulumi:providers:aws", "berth-aws").inputs;
  assert.deepEqual(JSON.parse(p.allowedAccountIds), [PROD_ACCOUNT]);
  assert.equal(p.region, REGION);
  assert.equal(JSON.parse(p.defaultTags).tags.stack, "prod");
});

test("the prod repository: same name as staging's (replication target), IMMUTABLE, KMS, scanned, never force-deleted", () => {
  const repo = one(stack, "aws:ecr/repository:Repository", "app").inputs;
  assert.equal(repo.name, "berth");
  assert.equal(repo.forceDelete, false);
  assert.equal(repo.imageTagMutability, "IMMUTABLE");
  assert.equal(repo.imageScanningConfiguration.scanOnPush, true);
  assert.equal(repo.encryptionConfigurations[0].encryptionType, "KMS");
  assert.equal(repo.encryptionConfigurations[0].kmsKey, one(stack, "aws:kms/key:Key", "app-key").state.arn);
  assert.equal(one(stack, "aws:kms/key:Key", "app-key").inputs.enableKeyRotation, true);
  const rules = JSON.parse(one(stack, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-lifecycle").inputs.policy).rules;
  assert.equal(rules[2].selection.countNumber, 100, "prod keeps the last 100 images (Pulumi.prod.yaml)");
});

test("prod accepts replication from the staging account into the berth repository only", () => {
  const policy = JSON.parse(
    one(stack, "aws:ecr/registryPolicy:RegistryPolicy", "app-accept-replication").inputs.policy,
  );
  assert.deepEqual(policy.Statement, [
    {
      Sid: "AcceptReplicationFromSourceAccount",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${STAGING_ACCOUNT}:root` },
      Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
      Resource: `arn:aws:ecr:${REGION}:${PROD_ACCOUNT}:repository/berth`,
    },
  ]);
});

test("prod scans continuously too (the registry scanning configuration is per account and region)", () => {
  const scanning = one(
    stack,
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    "app-scanning",
  ).inputs;
  assert.equal(scanning.scanType, "ENHANCED");
  assert.equal(scanning.rules[0].scanFrequency, "CONTINUOUS_SCAN");
});

test("prod outputs: staging's digest, pinned in prod's own repository", () => {
  const o = stack.outputs as Record<string, any>;
  assert.equal(o.imageDigest, DIGEST);
  assert.equal(o.imageDigestRef, `${PROD_REPO}@${DIGEST}`);
  assert.equal(o.ecrRepositoryUrl, PROD_REPO);
});
