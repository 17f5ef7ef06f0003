/**
 * CloudProviders, EcrRepository and ArtifactRegistryRepository constructed directly with their sections (no stack
 * program), several configurations in one process under `pulumi.runtime.setMocks`: each construction's children.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type AwsStackSettings } from "../../infra/config";
import { CloudProviders } from "../../infra/providers";
import { ArtifactRegistryRepository, EcrRepository } from "../../infra/registries";
import { childList, childOf, childrenOfType, construct } from "../infra/componentMocks";
import { awsStackSettings } from "../support";

const staging = awsStackSettings("staging");
const prod = awsStackSettings("prod");

const ecr = (s: AwsStackSettings, edit: Partial<AwsStackSettings["ecr"]> = {}, imageName = s.image.name) =>
  construct(
    () =>
      new EcrRepository("repo", {
        ecr: { ...s.ecr, ...edit },
        aws: s.aws,
        imageName,
        stack: s.stack,
        environment: s.environment,
      }),
    s.stack,
  );

test("EcrRepository, staging (the build stack): key, IMMUTABLE repository, its build cache, scanning, replication to prod", async () => {
  const { component, children } = await ecr(staging);
  assert.deepEqual(childList(children), [
    "aws:ecr/lifecyclePolicy:LifecyclePolicy repo-cache-lifecycle",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy repo-lifecycle",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration repo-scanning",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration repo-replication",
    "aws:ecr/repository:Repository repo",
    "aws:ecr/repository:Repository repo-cache",
    "aws:kms/alias:Alias repo-key-alias",
    "aws:kms/key:Key repo-key",
  ]);
  assert.ok(component.cacheRepository);
  assert.equal(component.replicationPolicy, undefined);
  const repo = childOf(children, "aws:ecr/repository:Repository", "repo").state;
  assert.equal(repo.name, "berth");
  assert.equal(repo.imageTagMutability, "IMMUTABLE");
  assert.equal(childOf(children, "aws:ecr/repository:Repository", "repo-cache").state.name, "buildcache/berth");
  assert.equal(childOf(children, "aws:kms/alias:Alias", "repo-key-alias").state.name, "alias/berth-ecr-staging");
  const rule = childOf(children, "aws:ecr/replicationConfiguration:ReplicationConfiguration", "repo-replication").state
    .replicationConfiguration.rules[0];
  assert.deepEqual(rule.destinations, [{ region: "eu-west-1", registryId: "222222222222" }]);
});

test("EcrRepository, prod: no build cache, no replication out; the staging account may replicate into `<image>`", async () => {
  const { component, children } = await ecr(prod);
  assert.equal(component.cacheRepository, undefined);
  assert.equal(childrenOfType(children, "aws:ecr/replicationConfiguration:ReplicationConfiguration").length, 0);
  const policy = JSON.parse(
    childOf(children, "aws:ecr/registryPolicy:RegistryPolicy", "repo-accept-replication").state.policy,
  );
  assert.equal(policy.Statement[0].Principal.AWS, "arn:aws:iam::111111111111:root");
  assert.equal(policy.Statement[0].Resource, "arn:aws:ecr:eu-west-1:222222222222:repository/berth");
  assert.equal(childOf(children, "aws:kms/alias:Alias", "repo-key-alias").state.name, "alias/berth-ecr-prod");
});

test("EcrRepository, opt-outs and another image name: no account-wide scanning or replication, lifecycle from the section", async () => {
  const { children } = await ecr(
    staging,
    { enhancedScanning: false, replicateTo: [], scanOnPush: false, keepShaImages: 5 },
    "other",
  );
  assert.equal(
    childrenOfType(children, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").length,
    0,
  );
  assert.equal(childrenOfType(children, "aws:ecr/replicationConfiguration:ReplicationConfiguration").length, 0);
  const repo = childOf(children, "aws:ecr/repository:Repository", "repo").state;
  assert.equal(repo.name, "other");
  assert.equal(repo.imageScanningConfiguration.scanOnPush, false);
  const rules = JSON.parse(
    childOf(children, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "repo-lifecycle").state.policy,
  ).rules;
  assert.equal(rules[2].selection.countNumber, 5);
});

test("EcrRepository and ArtifactRegistryRepository say each switched-off registry hardening, and nothing when none is", async () => {
  const secure = await ecr(staging);
  assert.deepEqual(secure.component.warnings, []);
  const { component } = await ecr(staging, { enhancedScanning: false, scanOnPush: false, forceDelete: true });
  assert.deepEqual(
    component.warnings.map((w) => w.split(" is ")[0]),
    ["berth:ecr.scanOnPush", "berth:ecr.enhancedScanning", "berth:ecr.forceDelete"],
  );
  assert.match(component.warnings[0], /not scanned \(FSBP ECR\.1\)/);
  const ar = (edit: Partial<AwsStackSettings["artifactRegistry"]>) =>
    construct(
      () =>
        new ArtifactRegistryRepository("ar", {
          artifactRegistry: { ...staging.artifactRegistry, ...edit },
          gcp: staging.gcp,
          imageName: staging.image.name,
          stack: staging.stack,
        }),
    );
  assert.deepEqual((await ar({})).component.warnings, []);
  const unscanned = (await ar({ vulnerabilityScanning: false })).component.warnings;
  assert.deepEqual(unscanned, [
    "berth:artifactRegistry.vulnerabilityScanning is false: the repository's images are not scanned.",
  ]);
});

test("ArtifactRegistryRepository: the APIs, the repository in its location and project, a pusher that writes to it only", async () => {
  const { component, children } = await construct(
    () =>
      new ArtifactRegistryRepository("ar", {
        artifactRegistry: { ...staging.artifactRegistry, location: "europe" },
        gcp: staging.gcp,
        imageName: staging.image.name,
        stack: staging.stack,
      }),
  );
  assert.deepEqual(childList(children), [
    "gcp:artifactregistry/repository:Repository ar",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember ar-pusher-writer",
    "gcp:projects/service:Service ar-artifactregistry",
    "gcp:projects/service:Service ar-containerscanning",
    "gcp:serviceaccount/account:Account ar-pusher",
  ]);
  assert.deepEqual(
    [component.location, component.project, component.repositoryId],
    ["europe", staging.gcp.project, "berth"],
  );
  assert.equal(component.host, "europe-docker.pkg.dev");
  const repo = childOf(children, "gcp:artifactregistry/repository:Repository", "ar").state;
  assert.deepEqual([repo.project, repo.location, repo.repositoryId], [staging.gcp.project, "europe", "berth"]);
  assert.equal(
    childOf(children, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "ar-pusher-writer").state.role,
    "roles/artifactregistry.writer",
  );
});

test("CloudProviders: AWS pinned to the region and account with the stack's tags, GCP to the project with them as labels", async () => {
  const { children } = await construct(
    () => new CloudProviders("p", { aws: prod.aws, gcp: prod.gcp, tags: { ...prod.tags, "Cost Center": "A/B" } }),
    "prod",
  );
  const aws = childOf(children, "pulumi:providers:aws", "p-aws").state;
  assert.equal(aws.region, "eu-west-1");
  assert.deepEqual(JSON.parse(aws.allowedAccountIds), ["222222222222"]);
  assert.equal(JSON.parse(aws.defaultTags).tags["Cost Center"], "A/B");
  const gcp = childOf(children, "pulumi:providers:gcp", "p-gcp").state;
  assert.equal(gcp.project, prod.gcp.project);
  assert.equal(JSON.parse(gcp.defaultLabels).cost_center, "a_b");
});
