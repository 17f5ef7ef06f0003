/**
 * The offline plan runs the cloud limit checks (offline/cloudLimits.ts) on every resource of the stack, prints
 * how many checks ran over how many resources, and fails on a problem. Sources of the limits: in cloudLimits.ts.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { renderPlan, type PlanResult } from "../../offline/plan";
import { IMAGE_SHA, runPlans, type PlanRun } from "./planRunner";

const STACKS = ["staging", "prod", "local"];
let runs: PlanRun[] = [];

before(async () => {
  runs = await runPlans(STACKS.map((stack) => [stack, "--image-sha", IMAGE_SHA, "--json"]));
  // The program's engine log (`info: ...` lines printed by the SDK's log outside an engine) may precede the JSON.
  for (const run of runs)
    if (run.json === undefined && run.stdout.includes("\n{"))
      run.json = JSON.parse(run.stdout.slice(run.stdout.indexOf("\n{")));
});

for (const [i, stack] of STACKS.entries()) {
  test(`plan ${stack}: the cloud limit checks ran over the stack's resources with no problem`, () => {
    const run = runs[i];
    assert.equal(run.code, 0, run.stderr.slice(0, 2000) || JSON.stringify(run.json?.cloudLimits?.problems));
    const limits = run.json.cloudLimits;
    assert.ok(limits, "the plan result carries the cloud limit checks");
    assert.deepEqual(limits.problems, []);
    assert.ok(limits.checksRun > 0 && limits.checkedResources > 0, JSON.stringify(limits));
    assert.ok(limits.checkedResources <= run.json.resources);
    assert.match(
      renderPlan(run.json),
      new RegExp(
        `^Cloud limits: ${limits.checksRun} checks over ${limits.checkedResources} resources: 0 problem\\(s\\)$`,
        "m",
      ),
    );
  });
}

test("a cloud limit problem is printed with its resource, limit and source, and the plan reads FAILED", () => {
  const passed = runs[0].json as PlanResult;
  const problem = {
    resource: "aws:iam/role:Role web-execution",
    limit: "aws-iam-role-name",
    message: 'role name "x" is 65 characters; allowed 1-64',
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  };
  const text = renderPlan({ ...passed, cloudLimits: { ...passed.cloudLimits!, problems: [problem] }, exitCode: 1 });
  assert.match(text, /Cloud limits: \d+ checks over \d+ resources: 1 problem\(s\)/);
  assert.match(
    text,
    /LIMIT aws:iam\/role:Role web-execution: \[aws-iam-role-name\] role name "x" is 65 characters; allowed 1-64 \(https:\/\/docs\.aws\.amazon\.com\/IAM\/latest\/APIReference\/API_CreateRole\.html\)/,
  );
  assert.match(text, /Result: FAILED \(exit 1: 1 cloud limit problem\(s\)\)/);
  assert.doesNotMatch(text, /Result: PASSED/);
});
