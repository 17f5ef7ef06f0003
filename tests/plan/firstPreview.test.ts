import { test } from "node:test";
import assert from "node:assert/strict";
import { IMAGE_SHA, runPlan } from "./planRunner";

test('scripts/plan --first-preview lists the rules a first preview cannot judge (server.js: advisory "can\'t run ... during preview")', async () => {
  const run = await runPlan(["staging", "--first-preview", "--image-sha", IMAGE_SHA]);
  const section = run.stdout.split("Rules that cannot judge a first preview")[1]?.split("\n\n")[0];
  assert.ok(section, `no first-preview section:\n${run.stdout}\n${run.stderr}`);
  // The bucket policy document embeds the bucket's ARN: unknown until the bucket exists.
  assert.match(section, /berth-s3-tls-only {2}on \(stack\): string value at \.policy can't be known during preview/);
  // Relational rules that join on property dependencies judge a first preview.
  for (const rule of [
    "berth-s3-public-access-block",
    "berth-vpc-flow-logs",
    "berth-alb-https",
    "berth-ecr-lifecycle-policy",
  ])
    assert.ok(!section.includes(rule), rule);
  const update = await runPlan(["staging", "--image-sha", IMAGE_SHA]);
  assert.ok(!update.stdout.includes("Rules that cannot judge a first preview"), "an update knows every output");
});

test("each stack's first preview passes the plan: the pack and the cloud-limit checks judge only what preview knows", async () => {
  for (const stack of ["staging", "prod", "local"]) {
    const run = await runPlan([stack, "--first-preview", "--image-sha", IMAGE_SHA]);
    assert.equal(run.code, 0, `${stack}:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /Cloud limits: \d+ checks over \d+ resources: 0 problem\(s\)/, stack);
  }
});
