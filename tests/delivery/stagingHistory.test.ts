/**
 * Staging keeps a history of the digests it ran: it reads its own previous outputs through a StackReference to itself
 * (`<org>/berth/staging`) and exports `ranDigests` = [what it runs now, ...what it ran before], bounded.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { OLDER_DIGEST, ofType, SHA, STAGING_DIGEST, STAGING_STACK } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

let c: CapturedStack;

before(async () => {
  c = await captureStack({
    stack: "staging",
    organization: "your-pulumi-org",
    config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA },
    // Staging's previous outputs: it ran STAGING_DIGEST last and OLDER_DIGEST before that; one entry is garbage.
    stackOutputs: {
      [STAGING_STACK]: {
        sourceSha: "a".repeat(40),
        imageDigest: STAGING_DIGEST,
        ranDigests: [STAGING_DIGEST, OLDER_DIGEST, "latest"],
      },
    },
  });
  assert.equal(c.error, undefined, String(c.error));
});

test("staging reads its own previous outputs through a StackReference to itself", () => {
  const refs = ofType(c, "pulumi:pulumi:StackReference");
  assert.equal(refs.length, 1);
  assert.equal(refs[0].name, "promotion-history");
  assert.equal(refs[0].inputs.name, STAGING_STACK);
});

test("ranDigests: the digest staging runs now first, then the ones it ran before, malformed entries dropped", () => {
  assert.match(String(c.outputs.imageDigest), /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(c.outputs.imageDigest, STAGING_DIGEST, "this up built a new image");
  assert.deepEqual(c.outputs.ranDigests, [c.outputs.imageDigest, STAGING_DIGEST, OLDER_DIGEST]);
});

test("a malformed history does not fail staging: it is logged as a warning", () => {
  assert.ok(
    c.warnings.some((w) => w.includes("ranDigests history") && w.includes("malformed")),
    c.warnings.join(" | "),
  );
});
