/**
 * Prod pinned to a digest staging has not run, without the override: refused with a clear error, and no task
 * definition or service is registered with that digest. The refusal rejects the registration of the resources that
 * would run the digest, which the engine reports as a failed update: those rejections are collected
 * (tests/support `collectingRejections`) and asserted.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  captureProgram,
  collectingRejections,
  ecrGetImage,
  prodConfig,
  STAGING_DIGEST,
  STAGING_STACK,
  stagingOutputs,
  UNRUN_DIGEST,
} from "../support";

interface Result {
  error?: string;
  outputs: Record<string, { refused?: string; value?: unknown }>;
  resources: { type: string; name: string; inputs: string }[];
  rejections: string[];
  engineErrors: string[];
}

let r: Result;

before(async () => {
  // A berth:promotion.digest pin staging has not run.
  const { result: c, rejections } = await collectingRejections(() =>
    captureProgram({
      stack: "prod",
      config: prodConfig({ "berth:promotion": { fromStack: STAGING_STACK, digest: UNRUN_DIGEST } }),
      stackOutputs: stagingOutputs(),
      invokes: ecrGetImage([{ sha: "c".repeat(40), digest: UNRUN_DIGEST }]),
      program: path.join(__dirname, "promotionProgram.ts"),
    }),
  );
  r = {
    error: c.error === undefined ? undefined : String(c.error),
    outputs: c.outputs as Result["outputs"],
    resources: c.resources.map((x) => ({ type: x.type, name: x.name, inputs: JSON.stringify(x.inputs) })),
    rejections,
    engineErrors: c.errors,
  };
  assert.equal(r.error, undefined, r.error);
});

test("a digest staging has not run is refused, naming the digest, the source stack, what it ran and the override", () => {
  const outcome = r.outputs.digestRef;
  assert.equal(outcome.value, undefined, "no digest reference was produced");
  const message = String(outcome.refused);
  assert.match(message, /^PromotionRefused: Promotion refused/);
  assert.ok(message.includes(UNRUN_DIGEST));
  assert.ok(message.includes(STAGING_STACK));
  assert.ok(message.includes(STAGING_DIGEST), "says what staging has run");
  assert.ok(message.includes("berth:promotion.allowUnpromotedDigest"), "names the documented override");
  assert.deepEqual(r.outputs.digest, outcome);
  assert.deepEqual(r.outputs.sourceSha, outcome);
});

test("the refusal reaches the engine: logged as an error, and the registrations that needed the digest fail with it", () => {
  assert.ok(
    r.engineErrors.some((e) => e.includes("Promotion refused") && e.includes(UNRUN_DIGEST)),
    r.engineErrors.join(" | "),
  );
  assert.ok(r.rejections.length > 0);
  for (const rejection of r.rejections) assert.match(rejection, /PromotionRefused/);
});

test("nothing runs the refused digest: no task definition, no service, the digest in no resource's inputs", () => {
  assert.equal(r.resources.filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition").length, 0);
  assert.equal(r.resources.filter((x) => x.type === "aws:ecs/service:Service").length, 0);
  assert.ok(r.resources.length > 10, "the rest of the stack was evaluated");
  assert.ok(!r.resources.some((x) => x.inputs.includes(UNRUN_DIGEST)));
});
