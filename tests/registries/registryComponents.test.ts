/**
 * The registry components (CloudProviders, EcrRepository, ArtifactRegistryRepository, AppImage) and their pure parts.
 * Constructed directly with their sections (no stack program), several configurations in one process under
 * `pulumi.runtime.setMocks`: each construction's children; then, under explicit settings, the defaults per
 * environment, each opt-out switching exactly its own control off, GHCR without a token, and the policy/label helpers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings, type AwsStackSettings } from "../../infra/config";
import { CloudProviders, gcpLabelsFromTags } from "../../infra/providers";
import {
  AppImage,
  ArtifactRegistryRepository,
  EcrRepository,
  appLifecyclePolicy,
  buildCacheTag,
  cleanupPolicies,
  ghcrImageName,
  imageTagRefs,
  pullPolicy,
  pusherAccountId,
} from "../../infra/registries";
import { childList, childOf, childrenOfType, construct } from "../support/componentMocks";
import { awsStackSettings, REGION, SHA, STAGING_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

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

const registered: { type: string; name: string; inputs: any }[] = [];

/**
 * Fresh mocks for the tests below that construct components side by side and read every registration (`registered`):
 * the ECR and GCP states the image needs (repository URL, registry URI, KMS ARN, digest) and the two token invokes.
 * Called by each such test, so the order of the tests in this file does not matter (`construct` above sets its own).
 */
async function registryMocks(): Promise<void> {
  registered.length = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, any> = { ...args.inputs };
        if (args.type === "aws:ecr/repository:Repository") {
          state.repositoryUrl = `${STAGING_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${args.inputs.name}`;
          state.registryId = STAGING_ACCOUNT;
        }
        if (args.type === "aws:kms/key:Key") state.arn = `arn:aws:kms:${REGION}:${STAGING_ACCOUNT}:key/${args.name}`;
        if (args.type === "gcp:artifactregistry/repository:Repository")
          state.registryUri = `${args.inputs.location}-docker.pkg.dev/p/${args.inputs.repositoryId}`;
        if (args.type === "gcp:serviceaccount/account:Account")
          state.member = `serviceAccount:${args.inputs.accountId}@p.iam.gserviceaccount.com`;
        if (args.type === "docker-build:index:Image") state.digest = `sha256:${"1".repeat(64)}`;
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken")
          return { userName: "AWS", password: "p", proxyEndpoint: "x" };
        if (args.token === "gcp:organizations/getClientConfig:getClientConfig") return { accessToken: "t" };
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    "berth",
    "staging",
    false,
  );
}

function settingsWith(stack: "staging" | "prod", extra: Record<string, unknown>): AwsStackSettings {
  const config: Record<string, string> = { ...fixtureStackConfig(stack), "berth:imageSha": SHA };
  for (const [k, v] of Object.entries(extra)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  const settings = loadSettings(config, { stack, git: () => assert.fail("no git") });
  return settings.target === "aws" ? settings : assert.fail(`${stack} is no aws stack`);
}

/** Each component given its own sections of the stack's settings, as infra/awsStack.ts gives them. */
const ecrArgs = (s: AwsStackSettings) => ({
  ecr: s.ecr,
  aws: s.aws,
  imageName: s.image.name,
  stack: s.stack,
  environment: s.environment,
});
const arArgs = (s: AwsStackSettings) => ({
  artifactRegistry: s.artifactRegistry,
  gcp: s.gcp,
  imageName: s.image.name,
  stack: s.stack,
});
const imageArgs = (s: AwsStackSettings) => ({
  image: s.image,
  source: s.source,
  build: s.build,
  github: s.github,
  ghcr: s.ghcr,
  aws: s.aws,
  stack: s.stack,
});

const of = (name: string, type: string) => registered.filter((r) => r.name.startsWith(name) && r.type === type);

test("defaults: hardening on in both environments (no forceDelete); AR and GHCR only in the build stack", () => {
  const staging = settingsWith("staging", {});
  const prod = settingsWith("prod", {});
  for (const s of [staging, prod]) {
    assert.equal(s.ecr!.scanOnPush, true);
    assert.equal(s.ecr!.enhancedScanning, true);
    assert.equal(s.ecr!.kmsDeletionWindowDays, 30);
    assert.equal(s.artifactRegistry!.vulnerabilityScanning, true);
  }
  assert.equal(staging.ecr!.forceDelete, false);
  assert.equal(prod.ecr!.forceDelete, false);
  assert.equal(
    settingsWith("staging", { "berth:ecr": { forceDelete: true } }).ecr!.forceDelete,
    true,
    "staging may opt in",
  );
  assert.equal(staging.artifactRegistry!.enabled, true);
  assert.equal(prod.artifactRegistry!.enabled, false);
  assert.equal(staging.ghcr!.enabled, true);
  assert.equal(prod.ghcr!.enabled, false);
});

test("opt-outs switch off exactly their own control", async () => {
  await registryMocks();
  const s = settingsWith("staging", {
    "berth:imageName": "optout",
    "berth:ecr": { scanOnPush: false, enhancedScanning: false, untaggedExpiryDays: 3, keepShaImages: 5 },
    "berth:artifactRegistry": {
      vulnerabilityScanning: false,
      untaggedExpiryDays: 2,
      keepRecentVersions: 4,
      location: "europe",
    },
  });
  new EcrRepository("optout", ecrArgs(s));
  new ArtifactRegistryRepository("optout", arArgs(s));
  await (pulumi.runtime as any).waitForRPCs();
  const repo = of("optout", "aws:ecr/repository:Repository").find((r) => r.name === "optout")!.inputs;
  assert.equal(repo.imageScanningConfiguration.scanOnPush, false);
  assert.equal(repo.imageTagMutability, "IMMUTABLE", "immutability has no opt-out");
  assert.equal(repo.encryptionConfigurations[0].encryptionType, "KMS", "KMS has no opt-out");
  assert.equal(
    of("optout", "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").length,
    0,
    "enhancedScanning false: the account's scanning configuration is left alone",
  );
  assert.equal(of("optout", "aws:ecr/replicationConfiguration:ReplicationConfiguration").length, 0);
  const rules = JSON.parse(
    of("optout", "aws:ecr/lifecyclePolicy:LifecyclePolicy").find((r) => r.name === "optout-lifecycle")!.inputs.policy,
  ).rules;
  assert.equal(rules[1].selection.countNumber, 3);
  assert.equal(rules[2].selection.countNumber, 5);
  const ar = of("optout", "gcp:artifactregistry/repository:Repository")[0].inputs;
  assert.deepEqual(ar.vulnerabilityScanningConfig, { enablementConfig: "DISABLED" });
  assert.equal(ar.location, "europe");
  assert.equal(ar.dockerConfig.immutableTags, true);
  assert.deepEqual(ar.cleanupPolicies.find((p: any) => p.id === "delete-untagged").condition.olderThan, "172800s");
  assert.equal(ar.cleanupPolicies.find((p: any) => p.id === "keep-recent-versions").mostRecentVersions.keepCount, 4);
});

test("GHCR enabled without berth:ghcrToken: pushed to ECR and AR only, with a loud warning; disabled: no warning", async () => {
  await registryMocks();
  const s = settingsWith("staging", { "berth:imageName": "noghcr" });
  const ecr = new EcrRepository("noghcr", ecrArgs(s));
  const ar = new ArtifactRegistryRepository("noghcr", arArgs(s));
  const image = new AppImage("noghcr-image", { ...imageArgs(s), ecr, artifactRegistry: ar });
  assert.equal(image.warnings.length, 1);
  assert.match(image.warnings[0], /GHCR push DISABLED: berth:ghcrToken is not set/);
  assert.equal(image.refs.ghcr, undefined);
  const off = settingsWith("staging", { "berth:imageName": "ghcroff", "berth:ghcr": { enabled: false } });
  const offImage = new AppImage("ghcroff-image", {
    ...imageArgs(off),
    ecr: new EcrRepository("ghcroff", ecrArgs(off)),
  });
  assert.deepEqual(offImage.warnings, []);
  await (pulumi.runtime as any).waitForRPCs();
  const tags: string[] = registered.find((r) => r.name === "noghcr-image" && r.type === "docker-build:index:Image")!
    .inputs.tags;
  assert.ok(tags.length === 2 && tags.every((t) => !t.startsWith("ghcr.io/")), tags.join(", "));
});

test("the GHCR token, when given, is used for ghcr.io and the package name is lowercase", async () => {
  await registryMocks();
  const s = settingsWith("staging", { "berth:imageName": "withghcr", "berth:githubOwner": "My-Org" });
  const image = new AppImage("withghcr-image", {
    ...imageArgs(s),
    ecr: new EcrRepository("withghcr", ecrArgs(s)),
    ghcrToken: pulumi.secret("tok"),
  });
  assert.deepEqual(image.warnings, []);
  await (pulumi.runtime as any).waitForRPCs();
  const inputs = registered.find((r) => r.name === "withghcr-image" && r.type === "docker-build:index:Image")!.inputs;
  const tags: string[] = inputs.tags;
  assert.ok(tags.includes(`ghcr.io/my-org/withghcr:${SHA}`), tags.join(", "));
  assert.equal(ghcrImageName("My-Org", "berth"), "ghcr.io/my-org/berth");
});

test("pull policy with no principal yet: nobody but AWS services can pull", () => {
  const policy = pullPolicy({ principalArns: [], accountId: STAGING_ACCOUNT }) as any;
  assert.equal(policy.Statement.length, 1);
  assert.equal((policy.Statement as any)[0].Effect, "Deny");
  const twice = pullPolicy({ principalArns: ["arn:b", "arn:a", "arn:b"], accountId: STAGING_ACCOUNT });
  assert.deepEqual(
    (twice.Statement as any)[0].Principal.AWS,
    ["arn:a", "arn:b"],
    "deduplicated and sorted: a stable policy",
  );
});

test("helpers: cache tag per platform, lifecycle from settings, AR cleanup in seconds, GCP labels, refs", () => {
  assert.equal(buildCacheTag("linux/arm64"), "buildcache-linux-arm64");
  for (const name of ["a", "berth", "a-very-long-image-name-for-a-service-x"]) {
    assert.match(pusherAccountId(name), /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/, name);
  }
  assert.equal((appLifecyclePolicy({ untaggedExpiryDays: 1, keepShaImages: 2 }) as any).rules.length, 3);
  assert.equal(
    (cleanupPolicies({ untaggedExpiryDays: 1, keepRecentVersions: 1 }) as any)[0].condition.olderThan,
    "86400s",
  );
  assert.deepEqual(gcpLabelsFromTags({ "Cost Center": "CC/42", "9lives": "x" }), {
    cost_center: "cc_42",
    t_9lives: "x",
  });
  assert.deepEqual(imageTagRefs(["a/b", "c/d"], ["t1", "t2"]), ["a/b:t1", "a/b:t2", "c/d:t1", "c/d:t2"]);
});
