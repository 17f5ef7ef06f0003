import { test } from "node:test";
import assert from "node:assert/strict";
import { describeViolations, EXPECTED_TYPES, stackUnderPolicy } from "./stackPolicy";

test("the prod stack, captured under mocks from Pulumi.prod.yaml with policy/config/prod.json, has no violation at all", async () => {
  const { captured, evaluation } = await stackUnderPolicy("prod");
  const types = new Set(captured.resources.map((r) => r.type));
  for (const t of EXPECTED_TYPES) assert.ok(types.has(t), `prod registers no ${t}: the pack would check nothing there`);
  assert.deepEqual(evaluation.errors, [], "a rule could not run on a prod resource");
  assert.deepEqual(evaluation.violations, [], `violations in prod:\n${describeViolations(evaluation)}`);
  // prod's pack config makes these blocking: they passed above because prod's settings are hardened, not skipped.
  for (const rule of ["berth-alb-deletion-protection", "berth-ecr-no-force-delete", "berth-ecs-exec-disabled", "berth-logs-retention"]) {
    assert.equal(evaluation.levels[rule], "mandatory", rule);
  }
});
