/**
 * The cloud limit checks of the alarms, dashboard, EventBridge rule and SNS topic (offline/cloudLimits.ts):
 * each refuses the first value past its limit and accepts the value at it. Sources: PutMetricAlarm (AlarmName 255),
 * Dashboard Body Structure (500 widgets) and PutDashboard (name 255, A-Z a-z 0-9 - _), PutRule (Name 64), CreateTopic (Name 256).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource } from "../../offline/mockRuntime";
import { checkCloudLimits } from "../../offline/cloudLimits";

const res = (type: string, inputs: Record<string, any>, name = "r"): CapturedResource => ({
  type,
  name,
  inputs,
  state: {},
  custom: true,
  urn: `urn:pulumi:s::berth::${type}::${name}`,
});
const problems = (limit: string, r: CapturedResource) =>
  checkCloudLimits([r])
    .problems.filter((p) => p.limit === limit)
    .map((p) => p.message);
const x = (n: number) => "a".repeat(n);
const body = (widgets: number) =>
  JSON.stringify({
    widgets: Array.from({ length: widgets }, () => ({
      type: "text",
      x: 0,
      y: 0,
      width: 1,
      height: 1,
      properties: { markdown: "." },
    })),
  });

test("alarm names: 255 characters (API_PutMetricAlarm)", () => {
  assert.deepEqual(
    problems("aws-cloudwatch-alarm-name", res("aws:cloudwatch/metricAlarm:MetricAlarm", { name: x(255) })),
    [],
  );
  assert.match(
    problems("aws-cloudwatch-alarm-name", res("aws:cloudwatch/metricAlarm:MetricAlarm", { name: x(256) }))[0]!,
    /256 characters; allowed 1-255/,
  );
});

test("dashboards: 500 widgets (CloudWatch-Dashboard-Body-Structure), names of 255 letters, digits, - and _ (API_PutDashboard)", () => {
  assert.deepEqual(
    problems(
      "aws-cloudwatch-dashboard",
      res("aws:cloudwatch/dashboard:Dashboard", { dashboardName: x(255), dashboardBody: body(500) }),
    ),
    [],
  );
  assert.match(
    problems(
      "aws-cloudwatch-dashboard",
      res("aws:cloudwatch/dashboard:Dashboard", { dashboardName: "d", dashboardBody: body(501) }),
    )[0]!,
    /501 widgets; at most 500/,
  );
  assert.match(
    problems(
      "aws-cloudwatch-dashboard",
      res("aws:cloudwatch/dashboard:Dashboard", { dashboardName: "berth/prod", dashboardBody: body(1) }),
    )[0]!,
    /does not match/,
  );
});

test("EventBridge rule names: 64 of . - _ letters digits (API_PutRule); SNS topic names: 256 (API_CreateTopic)", () => {
  assert.deepEqual(problems("aws-events-rule-name", res("aws:cloudwatch/eventRule:EventRule", { name: x(64) })), []);
  assert.match(
    problems("aws-events-rule-name", res("aws:cloudwatch/eventRule:EventRule", { name: x(65) }))[0]!,
    /65 characters; allowed 1-64/,
  );
  assert.deepEqual(problems("aws-sns-topic-name", res("aws:sns/topic:Topic", { name: x(256) })), []);
  assert.match(
    problems("aws-sns-topic-name", res("aws:sns/topic:Topic", { name: "berth/alarms" }))[0]!,
    /does not match/,
  );
});
