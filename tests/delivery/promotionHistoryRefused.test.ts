/**
 * A prod rollback (berth:deploySha) to an image staging never ran (absent from its ranDigests history): still refused
 * without the override, and nothing runs it. The rejected registrations are collected, as in promotionRefused.test.ts.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  captureProgram,
  collectingRejections,
  ecrGetImage,
  OLDER_DIGEST,
  prodConfig,
  STAGING_DIGEST,
  STAGING_STACK,
  stagingOutputs,
  UNRUN_DIGEST,
} from "../support";

let r: {
  error?: string;
  outputs: Record<string, { refused?: string; value?: unknown }>;
  resources: { type: string; inputs: string }[];
};

before(async () => {
  // A berth:deploySha rollback whose digest is not in staging's ranDigests history (staging ran two digests, neither
  // of them).
  const { result: c } = await collectingRejections(() =>
    captureProgram({
      stack: "prod",
      config: prodConfig({ "berth:deploySha": "c".repeat(40) }),
      stackOutputs: stagingOutputs([STAGING_DIGEST, OLDER_DIGEST]),
      invokes: ecrGetImage([{ sha: "c".repeat(40), digest: UNRUN_DIGEST }]),
      program: path.join(__dirname, "promotionProgram.ts"),
    }),
  );
  r = {
    error: c.error === undefined ? undefined : String(c.error),
    outputs: c.outputs as typeof r.outputs,
    resources: c.resources.map((x) => ({ type: x.type, inputs: JSON.stringify(x.inputs) })),
  };
  assert.equal(r.error, undefined, r.error);
});

test("a berth:deploySha whose digest is not in staging's history is refused, naming the history and the override", () => {
  const outcome = r.outputs.digestRef;
  assert.equal(outcome.value, undefined);
  const message = String(outcome.refused);
  assert.match(message, /^PromotionRefused: Promotion refused: berth:deploySha=c{40} asks for/);
  for (const part of [
    UNRUN_DIGEST,
    STAGING_STACK,
    STAGING_DIGEST,
    OLDER_DIGEST,
    "berth:promotion.allowUnpromotedDigest",
  ])
    assert.ok(message.includes(part), part);
});

test("nothing runs the refused digest", () => {
  assert.equal(r.resources.filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition").length, 0);
  assert.ok(!r.resources.some((x) => x.inputs.includes(UNRUN_DIGEST)));
});
