/** `pulumi preview` of staging: the build is registered with buildOnPreview false, so nothing is built or pushed. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, readStackConfig, type CapturedStack } from "../../infra/offline/mockRuntime";
import { one, SHA } from "./fixtures";

let stack: CapturedStack;

before(async () => {
  stack = await captureStack({ stack: "staging", config: { ...readStackConfig("staging"), "berth:imageSha": SHA }, preview: true });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("preview registers the image with buildOnPreview false and push true (pushed on up only)", () => {
  const image = one(stack, "docker-build:index:Image", "image").inputs;
  assert.equal(image.buildOnPreview, false);
  assert.equal(image.push, true);
});

// The digest in preview comes from the provider (unknown with buildOnPreview false); the offline mock synthesises one,
// so only what the program itself computes is asserted here.
test("in preview the SHA, the tag and the tag references are known before any build", () => {
  const o = stack.outputs as Record<string, any>;
  assert.equal(o.sourceSha, SHA);
  assert.equal(o.imageTag, SHA);
  assert.ok(String(o.imageRefs.ecr).endsWith(`/berth:${SHA}`));
});
