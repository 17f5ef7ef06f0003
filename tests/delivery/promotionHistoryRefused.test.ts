/**
 * A prod rollback (berth:deploySha) to an image staging never ran (absent from its ranDigests history): still refused
 * without the override, and nothing runs it. Captured in a child process (refusalChild.ts, mode `deploySha`), as in
 * promotionRefused.test.ts.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { OLDER_DIGEST, STAGING_DIGEST, STAGING_STACK, UNRUN_DIGEST } from "./fixtures";

let r: {
  error?: string;
  outputs: Record<string, { refused?: string; value?: unknown }>;
  resources: { type: string; inputs: string }[];
};

before(() => {
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "refusalChild.ts"), "deploySha"], {
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `child exited ${child.status}: ${child.stderr}`);
  r = JSON.parse(line!.slice("RESULT ".length));
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
