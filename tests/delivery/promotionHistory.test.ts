/**
 * A prod rollback (berth:deploySha) to an image staging ran earlier, several deploys ago, and no longer runs: accepted
 * without the override because the digest is in staging's ranDigests history; nothing is built, no warning.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { ecrGetImage, OLDER_DIGEST, ofType, prodConfig, STAGING_DIGEST, stagingOutputs } from "../support";

let c: CapturedStack;
const OLDER_SHA = "8".repeat(40);
const MIDDLE = `sha256:${"e".repeat(64)}`;

before(async () => {
  c = await captureStack({
    stack: "prod",
    config: prodConfig({ "berth:deploySha": OLDER_SHA }),
    // Staging runs STAGING_DIGEST now; it ran MIDDLE before and OLDER_DIGEST before that.
    stackOutputs: stagingOutputs([STAGING_DIGEST, MIDDLE, OLDER_DIGEST]),
    invokes: ecrGetImage([{ sha: OLDER_SHA, digest: OLDER_DIGEST }]),
  });
  assert.equal(c.error, undefined, String(c.error));
});

test("prod deploys the older digest from staging's history, by digest, from its own repository", () => {
  assert.equal(c.outputs.imageDigest, OLDER_DIGEST);
  assert.equal(c.outputs.sourceSha, OLDER_SHA);
  assert.equal(c.outputs.imageDigestRef, `222222222222.dkr.ecr.eu-west-1.amazonaws.com/berth@${OLDER_DIGEST}`);
  const taskDefinitions = ofType(c, "aws:ecs/taskDefinition:TaskDefinition");
  assert.ok(taskDefinitions.length >= 1);
  for (const td of taskDefinitions)
    assert.ok(String(td.inputs.containerDefinitions).includes(`@${OLDER_DIGEST}`), td.name);
  assert.equal(ofType(c, "docker-build:index:Image").length, 0);
});

test("no override was needed: no emergency warning", () => {
  assert.ok(!c.warnings.some((w) => w.includes("EMERGENCY OVERRIDE")), c.warnings.join(" | "));
});

test("prod does not read its own history: one StackReference, to staging", () => {
  assert.equal(ofType(c, "pulumi:pulumi:StackReference").length, 1);
  assert.deepEqual(c.outputs.ranDigests, [OLDER_DIGEST], "prod exports only what it runs");
});
