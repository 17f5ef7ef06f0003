/** The documented emergency override: prod deploys a digest staging has not run, and says so. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { ecrGetImage, json, ofType, prodConfig, STAGING_STACK, stagingOutputs, UNRUN_DIGEST } from "../support";

let c: CapturedStack;
const UNRUN_SHA = "c".repeat(40);

before(async () => {
  c = await captureStack({
    stack: "prod",
    config: prodConfig({
      "berth:promotion": { fromStack: STAGING_STACK, digest: UNRUN_DIGEST, allowUnpromotedDigest: true },
    }),
    stackOutputs: stagingOutputs(),
    invokes: ecrGetImage([{ sha: UNRUN_SHA, digest: UNRUN_DIGEST }]),
  });
  assert.equal(c.error, undefined, String(c.error));
});

test("with berth:promotion.allowUnpromotedDigest the pinned digest is deployed from prod's repository", () => {
  assert.equal(c.outputs.imageDigest, UNRUN_DIGEST);
  assert.equal(c.outputs.imageDigestRef, `222222222222.dkr.ecr.eu-west-1.amazonaws.com/berth@${UNRUN_DIGEST}`);
  assert.equal(c.outputs.sourceSha, UNRUN_SHA, "the commit comes from the image's SHA tag");
  for (const td of ofType(c, "aws:ecs/taskDefinition:TaskDefinition")) {
    for (const container of json(td.inputs.containerDefinitions))
      assert.ok(container.image.endsWith(`@${UNRUN_DIGEST}`));
  }
});

test("the override is loud: a warning naming the key and the digest", () => {
  const warning = c.warnings.find((w) => w.includes("EMERGENCY OVERRIDE"));
  assert.ok(warning, `warnings: ${c.warnings.join(" | ")}`);
  assert.ok(warning!.includes("berth:promotion.allowUnpromotedDigest"));
  assert.ok(warning!.includes(UNRUN_DIGEST));
});

test("the digest was resolved in prod's own repository", () => {
  const lookups = c.invokes.filter((i) => i.token === "aws:ecr/getImage:getImage");
  assert.equal(lookups.length, 1);
  assert.equal(lookups[0].inputs.imageDigest, UNRUN_DIGEST);
  assert.equal(lookups[0].inputs.repositoryName, "berth");
});
