import { test } from "node:test";
import assert from "node:assert/strict";
import { describeViolations, EXPECTED_TYPES, stackUnderPolicy } from "./stackPolicy";

test("the staging stack, captured under mocks from Pulumi.staging.yaml, has no mandatory policy violation", async () => {
  const { captured, evaluation } = await stackUnderPolicy("staging");
  const types = new Set(captured.resources.map((r) => r.type));
  for (const t of [...EXPECTED_TYPES, "gcp:artifactregistry/repository:Repository"]) assert.ok(types.has(t), `staging registers no ${t}: the pack would check nothing there`);
  assert.deepEqual(evaluation.errors, [], "a rule could not run on a staging resource");
  const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory");
  assert.deepEqual(mandatory, [], `mandatory violations in staging:\n${describeViolations(evaluation)}`);
  // Staging keeps the pack's default levels: deletion protection is advisory there.
  assert.equal(evaluation.levels["berth-alb-deletion-protection"], "advisory");
  assert.deepEqual(evaluation.changedLevels, []);
});
