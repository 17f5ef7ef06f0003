/**
 * The provider Check constraints (offline/providerConstraints.ts) on small inline resources: each constraint kind
 * refuses what the provider refuses and accepts what it accepts, with the SDK's semantics (hashicorp/terraform-plugin-sdk
 * helper/schema/schema.go: validateConflictingAttributes skips an unknown conflicting value and a value not wholly
 * known; validateExactlyOneAttribute counts unknowns; validateAtLeastOneAttribute and validateRequiredWithAttribute
 * count an unknown as set). And the alarms as Berth registered them before the fix: a metric math alarm with `period`,
 * which terraform-provider-aws internal/service/cloudwatch/metric_alarm.go refuses (`period` ConflictsWith
 * `metric_query`), so every `pulumi preview` of an AWS stack failed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { unknown } from "@pulumi/pulumi/output";
import type { CapturedResource } from "../../offline/mockRuntime";
import {
  checkConstraint,
  checkProviderConstraints,
  renderProviderConstraintProblem,
  renderProviderConstraintsSummary,
} from "../../offline/providerConstraints";
import { SOURCES, type ProviderResourceFacts, type SourcedConstraint } from "../../offline/providerSource";

const res = (type: string, name: string, inputs: Record<string, unknown>): CapturedResource => ({
  type,
  name,
  inputs,
  state: inputs,
  custom: true,
});
/** The marker a preview's mocks put where an output is not known yet (@pulumi/pulumi output.js `unknown`). */
const UNKNOWN = unknown;
const paths = (c: SourcedConstraint, inputs: Record<string, unknown>) => checkConstraint(c, inputs).map((f) => f.path);

test("the alarms as Berth registered them before the fix: `period` next to `metricQueries` is refused, naming the source", () => {
  // infra/observability/alarms.ts put `period: 60` on every alarm, the metric math ones included.
  const oldAlarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarms-target-5xx-rate", {
    name: "berth-staging-web-target-5xx-rate",
    comparisonOperator: "GreaterThanThreshold",
    threshold: 2,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    period: 60,
    treatMissingData: "notBreaching",
    metricQueries: [
      {
        id: "errors",
        returnData: false,
        metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", period: 60, stat: "Sum" },
      },
      {
        id: "requests",
        returnData: false,
        metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", period: 60, stat: "Sum" },
      },
      { id: "rate", returnData: true, expression: "IF(requests >= 50, 100 * FILL(errors, 0) / requests, 0)" },
    ],
  });
  const r = checkProviderConstraints([oldAlarm]);
  assert.deepEqual(
    r.problems.map((p) => [p.resource, p.path, p.value, p.kind]),
    [["aws:cloudwatch/metricAlarm:MetricAlarm web-alarms-target-5xx-rate", "period", 60, "conflictsWith"]],
  );
  const p = r.problems[0]!;
  assert.match(p.rule, /conflicts with metricQueries/);
  assert.match(p.source, /internal\/service\/cloudwatch\/metric_alarm\.go period\.ConflictsWith/);
  assert.match(p.source, /^hashicorp\/terraform-provider-aws@[0-9a-f]{12} /);
  assert.match(p.source, /@pulumi\/aws 7\.48\.0/);
  assert.match(
    renderProviderConstraintProblem(p),
    /web-alarms-target-5xx-rate: period = 60 conflicts with metricQueries/,
  );
  // Without `period` (the fixed alarm) nothing is refused.
  const { period: _period, ...fixed } = oldAlarm.inputs;
  assert.deepEqual(checkProviderConstraints([{ ...oldAlarm, inputs: fixed }]).problems, []);
});

const C = "test constraint (tests/offline/providerConstraints.test.ts)";

test("conflictsWith (terraform-plugin-sdk validateConflictingAttributes): set = present and not null; an empty list counts; unknowns skipped", () => {
  const c: SourcedConstraint = { kind: "conflictsWith", path: "a", with: ["b"], source: C };
  assert.deepEqual(paths(c, { a: 1, b: 2 }), ["a"]);
  assert.deepEqual(paths(c, { a: 1 }), []);
  assert.deepEqual(paths(c, { a: 1, b: null }), []);
  assert.deepEqual(paths(c, { a: 1, b: [] }), ["a"], "an empty list attribute is configured");
  assert.deepEqual(paths(c, { a: 1, b: UNKNOWN }), [], "an unknown conflicting value might become null");
  assert.deepEqual(paths(c, { a: UNKNOWN, b: 2 }), [], "a value not wholly known is not validated");
  assert.deepEqual(paths(c, { a: [1, UNKNOWN], b: 2 }), []);
  // Sibling paths in one list element resolve in that element (metric_alarm.go CustomizeDiff: expression and metric).
  const inElement: SourcedConstraint = {
    kind: "conflictsWith",
    path: "qs[].expression",
    with: ["qs[].metric"],
    source: C,
  };
  assert.deepEqual(paths(inElement, { qs: [{ expression: "x" }, { metric: {} }] }), []);
  assert.deepEqual(paths(inElement, { qs: [{ metric: {} }, { expression: "x", metric: {} }] }), ["qs[1].expression"]);
  // A secret in wire form is its value.
  const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s" };
  assert.deepEqual(paths(c, { a: secret, b: 1 }), ["a"]);
});

test("exactlyOneOf (validateExactlyOneAttribute): none set fails unless one is unknown; two set fail", () => {
  const c: SourcedConstraint = { kind: "exactlyOneOf", paths: ["a", "b"], source: C };
  assert.equal(checkConstraint(c, {}).length, 1);
  assert.equal(checkConstraint(c, { a: 1 }).length, 0);
  assert.equal(checkConstraint(c, { a: UNKNOWN }).length, 0);
  assert.match(checkConstraint(c, { a: 1, b: 2 })[0]!.rule, /only one of a, b/);
});

test("atLeastOneOf and requiredWith (validateAtLeastOneAttribute, validateRequiredWithAttribute): an unknown counts as set", () => {
  const least: SourcedConstraint = { kind: "atLeastOneOf", paths: ["a", "b"], source: C };
  assert.equal(checkConstraint(least, {}).length, 1);
  assert.equal(checkConstraint(least, { b: UNKNOWN }).length, 0);
  const withC: SourcedConstraint = { kind: "requiredWith", path: "a", with: ["b", "c"], source: C };
  assert.equal(checkConstraint(withC, {}).length, 0, "only when a is set");
  assert.match(checkConstraint(withC, { a: 1, b: 2 })[0]!.rule, /requires c/);
  assert.equal(checkConstraint(withC, { a: 1, b: 2, c: UNKNOWN }).length, 0);
});

test('required inside an optional block (schema.go schemaMap.validate, "Missing required argument", runs per element of a present block): only where the block is present', () => {
  const c: SourcedConstraint = { kind: "required", path: "qs[].metric.period", source: C };
  assert.deepEqual(paths(c, {}), []);
  assert.deepEqual(paths(c, { qs: [{ expression: "x" }] }), [], "no metric block, nothing required");
  assert.deepEqual(paths(c, { qs: [{ metric: { period: 60 } }, { metric: { stat: "Sum" } }] }), [
    "qs[1].metric.period",
  ]);
  assert.deepEqual(paths(c, { qs: [{ metric: { period: UNKNOWN } }] }), []);
});

test("oneOf, range, length, pattern (helper/validation StringInSlice, IntBetween, StringLenBetween and schema.go validateList MaxItems, StringMatch): case folding only when the validator folds, unknowns skipped", () => {
  const one: SourcedConstraint = {
    kind: "oneOf",
    path: "t",
    values: ["missing", "notBreaching"],
    ignoreCase: true,
    source: C,
  };
  assert.deepEqual(paths(one, { t: "NOTBREACHING" }), []);
  assert.deepEqual(paths(one, { t: "sometimes" }), ["t"]);
  assert.deepEqual(paths({ ...one, ignoreCase: false }, { t: "NOTBREACHING" }), ["t"]);
  assert.deepEqual(paths(one, { t: UNKNOWN }), []);
  const range: SourcedConstraint = { kind: "range", path: "n", min: 1, max: 10, source: C };
  assert.deepEqual(
    [paths(range, { n: 0 }), paths(range, { n: 1 }), paths(range, { n: 10 }), paths(range, { n: 11 })],
    [["n"], [], [], ["n"]],
  );
  const length: SourcedConstraint = { kind: "length", path: "xs", max: 2, source: C };
  assert.deepEqual(
    [paths(length, { xs: ["a", "b"] }), paths(length, { xs: ["a", "b", "c"] }), paths(length, { xs: "abc" })],
    [[], ["xs"], ["xs"]],
  );
  const pattern: SourcedConstraint = { kind: "pattern", path: "s", pattern: "^[a-z]+$", source: C };
  assert.deepEqual([paths(pattern, { s: "abc" }), paths(pattern, { s: "aBc" })], [[], ["s"]]);
});

test("the result counts constraints and resources, lists registered types without facts, and skips reads, components and providers", () => {
  const facts: ProviderResourceFacts[] = [
    {
      type: "aws:x/a:A",
      files: [],
      constraints: [
        { kind: "required", path: "a", source: C },
        { kind: "range", path: "n", min: 0, source: C },
      ],
    },
  ];
  const r = checkProviderConstraints(
    [
      res("aws:x/a:A", "one", { a: 1 }),
      res("aws:x/a:A", "two", {}),
      res("aws:x/b:B", "no-facts", {}),
      res("gcp:x/c:C", "no-facts-either", {}),
      res("random:index/x:X", "not a package with facts", {}),
      { ...res("aws:x/d:D", "a read", {}), id: "existing" },
      { ...res("berth:ecs:FargateService", "component", {}), custom: false },
      res("pulumi:providers:aws", "provider", {}),
    ],
    facts,
  );
  assert.deepEqual([r.checked, r.resources, r.problems.map((p) => p.resource)], [4, 2, ["aws:x/a:A two"]]);
  assert.deepEqual(r.withoutFacts, ["aws:x/b:B", "gcp:x/c:C"]);
  assert.equal(
    renderProviderConstraintsSummary(r),
    `provider constraints: 4 checked on 2 resources (@pulumi/aws 7.48.0, hashicorp/terraform-provider-aws@${SOURCES.aws!.commit})`,
  );
});

/** The derived facts of offline/providerSource/aws/ (cloudwatch.ts, sns.ts, appautoscaling.ts) on inline resources. */
const problemsOf = (type: string, inputs: Record<string, unknown>) =>
  checkProviderConstraints([res(type, "r", inputs)]).problems.map((p) => `${p.kind} ${p.path}`);

test("metric alarm facts (terraform-provider-aws internal/service/cloudwatch/metric_alarm.go): nested Required, CustomizeDiff, validators", () => {
  const alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
  const metric = { namespace: "AWS/ECS", metricName: "CPUUtilization", period: 60, stat: "Average" };
  // metric_query.metric.period and .stat are Required inside the metric block.
  assert.deepEqual(problemsOf(alarm, { metricQueries: [{ id: "m", metric: { metricName: "CPUUtilization" } }] }), [
    "required metricQueries[0].metric.period",
    "required metricQueries[0].metric.stat",
  ]);
  // CustomizeDiff: no metric_query may have both `expression` and a `metric`.
  assert.deepEqual(problemsOf(alarm, { metricQueries: [{ id: "m", expression: "m1 * 2", metric }] }), [
    "conflictsWith metricQueries[0].expression",
  ]);
  // statistic ConflictsWith extended_statistic; extended_statistic StringMatch; treat_missing_data StringInSlice;
  // evaluation_periods IntAtLeast(1); ok_actions MaxItems 5.
  assert.deepEqual(
    problemsOf(alarm, {
      metricName: "CPUUtilization",
      namespace: "AWS/ECS",
      period: 60,
      statistic: "Average",
      extendedStatistic: "p999",
      treatMissingData: "sometimes",
      evaluationPeriods: 0,
      okActions: ["a", "b", "c", "d", "e", "f"],
    }).sort(),
    [
      "conflictsWith extendedStatistic",
      "conflictsWith statistic",
      "length okActions",
      "oneOf treatMissingData",
      "pattern extendedStatistic",
      "range evaluationPeriods",
    ],
  );
  // A single-metric alarm as Berth registers it passes; treat_missing_data is case-insensitive (StringInSlice(..., true)).
  const single = { namespace: "AWS/ECS", metricName: "CPUUtilization", period: 60, statistic: "Average" };
  assert.deepEqual(problemsOf(alarm, { ...single, evaluationPeriods: 3, treatMissingData: "NotBreaching" }), []);
});

test("logs, events, sns and appautoscaling facts: ExactlyOneOf, AtLeastOneOf, IntInSlice, StringInSlice, nested ConflictsWith", () => {
  // internal/service/logs/resource_policy.go: exactly one of policy_name, resource_arn (and each conflicts with the other).
  assert.deepEqual(problemsOf("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", { policyDocument: "{}" }), [
    "exactlyOneOf (inputs)",
  ]);
  assert.deepEqual(
    problemsOf("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", {
      policyDocument: "{}",
      policyName: "p",
      resourceArn: "arn:aws:logs:eu-west-1:123456789012:log-group:g",
    }),
    ["exactlyOneOf (inputs)", "conflictsWith policyName", "conflictsWith resourceArn"],
  );
  // internal/service/logs/group.go: retention_in_days IntInSlice.
  assert.deepEqual(problemsOf("aws:cloudwatch/logGroup:LogGroup", { name: "/g", retentionInDays: 2 }), [
    "oneOf retentionInDays",
  ]);
  assert.deepEqual(problemsOf("aws:cloudwatch/logGroup:LogGroup", { name: "/g", retentionInDays: 365 }), []);
  // internal/service/events/rule.go: at least one of schedule_expression, event_pattern.
  assert.deepEqual(problemsOf("aws:cloudwatch/eventRule:EventRule", { name: "r", state: "ENABLED" }), [
    "atLeastOneOf (inputs)",
  ]);
  // internal/service/sns/topic_subscription.go: protocol StringInSlice (consts.go).
  assert.deepEqual(
    problemsOf("aws:sns/topicSubscription:TopicSubscription", { topic: "arn", endpoint: "a@b.c", protocol: "smtp" }),
    ["oneOf protocol"],
  );
  // internal/service/sns/topic.go CustomizeDiff: a topic name of letters, digits, `_` and `-` (or `.fifo`).
  assert.deepEqual(problemsOf("aws:sns/topic:Topic", { name: "berth.alarms" }), ["pattern name"]);
  // internal/service/appautoscaling/policy.go: predefined and customized metric specifications conflict.
  assert.deepEqual(
    problemsOf("aws:appautoscaling/policy:Policy", {
      name: "cpu",
      resourceId: "service/c/s",
      scalableDimension: "ecs:service:DesiredCount",
      serviceNamespace: "ecs",
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 60,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        customizedMetricSpecification: { metricName: "m", namespace: "n", statistic: "Average" },
      },
    }),
    [
      "conflictsWith targetTrackingScalingPolicyConfiguration.customizedMetricSpecification",
      "conflictsWith targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification",
    ],
  );
});
