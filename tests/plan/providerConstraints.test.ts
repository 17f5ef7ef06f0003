/**
 * The offline plan checks every registered resource against the providers' Check constraints
 * (offline/providerConstraints.ts; facts read in the providers' sources, offline/providerSource/), prints
 * `provider constraints: N checked on M resources (<package> <version>, <repository>@<commit>)`, and fails on a
 * problem, naming the resource, the input and the source. A first preview's unknown inputs are skipped, not failed
 * (terraform-plugin-sdk helper/schema/schema.go defers the validation of unknown values).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { renderPlan, type PlanResult } from "../../offline/plan";
import type { ProviderConstraintProblem } from "../../offline/providerConstraints";
import { SOURCES } from "../../offline/providerSource";
import { IMAGE_SHA, runPlans, type PlanRun } from "./planRunner";

let update: PlanRun;
let firstPreview: PlanRun;

before(async () => {
  [update, firstPreview] = await runPlans([
    ["staging", "--image-sha", IMAGE_SHA, "--json"],
    ["staging", "--image-sha", IMAGE_SHA, "--first-preview", "--json"],
  ]);
  for (const run of [update, firstPreview])
    if (run.json === undefined && run.stdout.includes("\n{"))
      run.json = JSON.parse(run.stdout.slice(run.stdout.indexOf("\n{")));
});

test("plan staging: the provider constraints ran over the stack's resources with no problem, and the plan says from which source", () => {
  assert.equal(
    update.code,
    0,
    update.stderr.slice(0, 2000) || JSON.stringify(update.json?.providerConstraints?.problems),
  );
  const c = update.json.providerConstraints;
  assert.deepEqual(c.problems, []);
  assert.ok(c.checked > 0 && c.resources > 0 && c.resources <= update.json.resources, JSON.stringify(c));
  const aws = SOURCES.aws!;
  assert.match(
    renderPlan(update.json),
    new RegExp(
      `^provider constraints: ${c.checked} checked on ${c.resources} resources \\(@pulumi/aws 7\\.48\\.0, hashicorp/terraform-provider-aws@${aws.commit}(; [^)]*)?\\): 0 problem\\(s\\)$`,
      "m",
    ),
  );
});

test("plan staging --first-preview: inputs not known yet are skipped, not failed", () => {
  assert.equal(firstPreview.code, 0, firstPreview.stderr.slice(0, 2000));
  const c = firstPreview.json.providerConstraints;
  assert.deepEqual(c.problems, []);
  assert.equal(c.resources, update.json.providerConstraints.resources, "the same resources are checked");
});

test("a provider constraint problem is printed with its resource, input, value and source, and the plan reads FAILED", () => {
  const passed = update.json as PlanResult;
  const problem: ProviderConstraintProblem = {
    resource: "aws:cloudwatch/metricAlarm:MetricAlarm web-alarms-target-5xx-rate",
    path: "period",
    value: 60,
    rule: "conflicts with metricQueries (set at metricQueries)",
    kind: "conflictsWith",
    source:
      "hashicorp/terraform-provider-aws@055611a65473 internal/service/cloudwatch/metric_alarm.go period.ConflictsWith (@pulumi/aws 7.48.0)",
  };
  const text = renderPlan({
    ...passed,
    providerConstraints: { ...passed.providerConstraints!, problems: [problem] },
    exitCode: 1,
  });
  assert.match(text, /^provider constraints: \d+ checked on \d+ resources .*: 1 problem\(s\)$/m);
  assert.match(
    text,
    /^ {2}CONSTRAINT aws:cloudwatch\/metricAlarm:MetricAlarm web-alarms-target-5xx-rate: period = 60 conflicts with metricQueries .*metric_alarm\.go period\.ConflictsWith/m,
  );
  assert.match(text, /^Result: FAILED \(exit 1: 1 provider constraint problem\(s\)\)/m);
});
