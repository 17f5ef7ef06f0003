/** `pulumi preview` of staging: the build is registered with buildOnPreview false, so nothing is built or pushed. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { ecrRepositoryUrl } from "../../infra/registries/image";
import { one, SHA } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

let stack: CapturedStack;

// A first preview (`preview: true` in the mock runtime): nothing exists yet, so every output the provider computes
// (ids, ARNs, the ECR repository's `repositoryUrl`, Artifact Registry's `registryUri`) is unknown, as in a real one.
before(async () => {
  stack = await captureStack({
    stack: "staging",
    config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA },
    preview: true,
  });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("preview registers the image with buildOnPreview false and push true (pushed on up only)", () => {
  const image = one(stack, "docker-build:index:Image", "image").inputs;
  assert.equal(image.buildOnPreview, false);
  assert.equal(image.push, true);
});

test("the repositories' computed addresses are unknown in a first preview (what the program must not wait for)", () => {
  const repo = one(stack, "aws:ecr/repository:Repository", "app");
  assert.equal(repo.state.repositoryUrl, undefined);
  const ar = stack.resources.find((r) => r.type === "gcp:artifactregistry/repository:Repository");
  assert.ok(ar, "staging has an Artifact Registry repository");
  assert.equal(ar.state.registryUri, undefined);
});

// The digest in preview comes from the provider (unknown with buildOnPreview false); the offline mock synthesises one,
// so only what the program itself computes from the settings and git is asserted here.
test("in preview the SHA, the tag and the tag references are known before any build", () => {
  const o = stack.outputs as Record<string, any>;
  assert.equal(o.imageTag, SHA, "the tag is the commit SHA");
  // Every registry's `<repository>:<tag>`, known (an unknown member would leave the whole object unknown).
  assert.deepEqual(o.imageRefs, {
    ecr: `111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth:${SHA}`,
    artifactRegistry: `europe-west1-docker.pkg.dev/berth-staging-000000/berth/berth:${SHA}`,
  });
  // What the build will push, shown by the preview too.
  assert.deepEqual(one(stack, "docker-build:index:Image", "image").inputs.tags, [
    o.imageRefs.ecr,
    o.imageRefs.artifactRegistry,
  ]);
});

test("in preview the promotable SHA is unknown: sourceSha waits for the verified rollout (infra/rollout/verifiedRelease.ts), as imageDigest does", () => {
  const o = stack.outputs as Record<string, any>;
  const verification = stack.resources.find((r) => r.type === "pulumi-nodejs:dynamic/berth:RolloutVerification");
  assert.ok(verification, "a rollout verification");
  assert.equal(o.sourceSha, undefined, "prod must never read a SHA whose rollout was not verified");
  assert.equal(o.imageDigest, undefined);
});

// ECR's registry host per partition (the AWS SDKs' partitions.json dnsSuffix; e.g. China's ECR endpoints are
// `*.amazonaws.com.cn`: https://docs.aws.amazon.com/general/latest/gr/ecr.html).
test("the ECR repository URL computed from the settings follows the region's partition", () => {
  assert.equal(
    ecrRepositoryUrl("111111111111", "eu-west-1", "berth"),
    "111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth",
  );
  assert.equal(
    ecrRepositoryUrl("111111111111", "us-gov-west-1", "berth"),
    "111111111111.dkr.ecr.us-gov-west-1.amazonaws.com/berth",
  );
  assert.equal(
    ecrRepositoryUrl("111111111111", "cn-north-1", "berth"),
    "111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn/berth",
  );
});
