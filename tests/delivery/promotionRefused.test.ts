/**
 * Prod pinned to a digest staging has not run, without the override: refused with a clear error, and no task
 * definition or service is registered with that digest. Captured in a child process (refusalChild.ts): the refusal
 * rejects the registration of the resources that would run the digest, which the engine reports as a failed update.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { STAGING_DIGEST, STAGING_STACK, UNRUN_DIGEST } from "./fixtures";

interface Result {
  error?: string;
  outputs: Record<string, { refused?: string; value?: unknown }>;
  resources: { type: string; name: string; inputs: string }[];
  rejections: string[];
  engineErrors: string[];
}

let r: Result;

before(() => {
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "refusalChild.ts")], {
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `child exited ${child.status}: ${child.stderr}`);
  r = JSON.parse(line!.slice("RESULT ".length));
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
