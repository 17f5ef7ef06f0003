/**
 * The registry components and their pure parts under explicit settings: defaults per environment, each opt-out
 * switching exactly its own control off, GHCR without a token, and the policy/label helpers.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings, type AwsStackSettings } from "../../infra/config";

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
import { gcpLabelsFromTags } from "../../infra/providers";
import { SHA, STAGING_ACCOUNT, REGION } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const registered: { type: string; name: string; inputs: any }[] = [];

before(async () => {
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
});

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
