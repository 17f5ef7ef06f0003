import { test } from "node:test";
import assert from "node:assert/strict";
import { describeViolations, EXPECTED_TYPES, findingsOutsideDeclaredTypes, stackUnderPolicy } from "./stackPolicy";

/** Captured once: mock state is global to the process. */
const prodStack = stackUnderPolicy("prod");

test("the prod stack, captured under mocks from Pulumi.prod.yaml with policy/config/prod.json, has no mandatory violation (and no advisory one beyond log-group KMS)", async () => {
  const { captured, evaluation } = await prodStack;
  const types = new Set(captured.resources.map((r) => r.type));
  for (const t of EXPECTED_TYPES) assert.ok(types.has(t), `prod registers no ${t}: the pack would check nothing there`);
  assert.deepEqual(evaluation.errors, [], "a rule could not run on a prod resource");
  const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory");
  assert.deepEqual(mandatory, [], `mandatory violations in prod:\n${describeViolations(evaluation)}`);
  // The only advisory finding prod may carry: log groups on AWS-owned keys (CloudWatch encrypts them anyway).
  const advisory = [
    ...new Set(evaluation.violations.filter((v) => v.enforcementLevel === "advisory").map((v) => v.rule)),
  ];
  assert.deepEqual(
    advisory.filter((r) => r !== "berth-logs-kms"),
    [],
    `unexpected advisory findings in prod:\n${describeViolations(evaluation)}`,
  );
  // prod's pack config makes these blocking: they passed above because prod's settings are hardened, not skipped.
  for (const rule of [
    "berth-alb-deletion-protection",
    "berth-ecr-no-force-delete",
    "berth-ecs-exec-disabled",
    "berth-logs-retention",
    "berth-github-environment-reviewers",
  ]) {
    assert.equal(evaluation.levels[rule], "mandatory", rule);
  }
});

test("prod: every rule at mandatory, run by CrossGuard on every resource, reports and throws only on the types it declares", async () => {
  // node_modules/@pulumi/policy/server.js Analyze calls each resource policy for each resource of the stack.
  const { captured } = await prodStack;
  assert.deepEqual(await findingsOutsideDeclaredTypes("prod", captured), []);
});
