/** A prod rollback with berth:deploySha to an image staging has run: allowed without the override, nothing built. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { ecrGetImage, OLDER_DIGEST, ofType, prodConfig, STAGING_DIGEST, stagingOutputs } from "../support";

let c: CapturedStack;
const OLDER_SHA = "9".repeat(40);

before(async () => {
  c = await captureStack({
    stack: "prod",
    config: prodConfig({ "berth:deploySha": OLDER_SHA }),
    stackOutputs: stagingOutputs([STAGING_DIGEST, OLDER_DIGEST]),
    invokes: ecrGetImage([{ sha: OLDER_SHA, digest: OLDER_DIGEST }]),
  });
  assert.equal(c.error, undefined, String(c.error));
});

test("berth:deploySha in prod is looked up by tag in prod's repository and deployed by digest when staging ran it", () => {
  const lookup = c.invokes.find((i) => i.token === "aws:ecr/getImage:getImage");
  assert.equal(lookup?.inputs.imageTag, OLDER_SHA);
  assert.equal(c.outputs.imageDigest, OLDER_DIGEST);
  assert.equal(c.outputs.sourceSha, OLDER_SHA);
  assert.equal(c.outputs.imageDigestRef, `222222222222.dkr.ecr.eu-west-1.amazonaws.com/berth@${OLDER_DIGEST}`);
  assert.equal(ofType(c, "docker-build:index:Image").length, 0);
});
