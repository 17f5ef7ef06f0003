import { test } from "node:test";
import assert from "node:assert/strict";
import { describeViolations, EXPECTED_TYPES, findingsOutsideDeclaredTypes, stackUnderPolicy } from "./stackPolicy";

/** Captured once: mock state is global to the process. */
const stagingStack = stackUnderPolicy("staging");

test("the staging stack, captured under mocks from Pulumi.staging.yaml, has no mandatory policy violation", async () => {
  const { captured, evaluation } = await stagingStack;
  const types = new Set(captured.resources.map((r) => r.type));
  for (const t of [...EXPECTED_TYPES, "gcp:artifactregistry/repository:Repository"])
    assert.ok(types.has(t), `staging registers no ${t}: the pack would check nothing there`);
  assert.deepEqual(evaluation.errors, [], "a rule could not run on a staging resource");
  const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory");
  assert.deepEqual(mandatory, [], `mandatory violations in staging:\n${describeViolations(evaluation)}`);
  // Staging keeps the pack's default levels: deletion protection is advisory there.
  assert.equal(evaluation.levels["berth-alb-deletion-protection"], "advisory");
  assert.deepEqual(evaluation.changedLevels, []);
});

test("staging: every rule at mandatory, run by CrossGuard on every resource, reports and throws only on the types it declares", async () => {
  // node_modules/@pulumi/policy/server.js Analyze calls each resource policy for each resource of the stack.
  const { captured } = await stagingStack;
  assert.deepEqual(await findingsOutsideDeclaredTypes("staging", captured), []);
});
