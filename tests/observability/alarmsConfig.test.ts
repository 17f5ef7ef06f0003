// berth:alarms and berth:notifications (infra/config/observability.ts) and the pure alarm, pattern and dashboard
// renderings (infra/observability/). ECS only watches a deployment's alarms while it runs and during its bake time
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html): evaluation windows stay short.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings, ConfigError, type Settings } from "../../infra/config";
import { ALARM_DEFAULTS } from "../../infra/config/observability";
import { alarmArgs, serviceAlarmNames } from "../../infra/observability/alarms";
import { dashboardName, dashboardPages, renderDashboardBody } from "../../infra/observability/dashboard";

import { problemAt, problemsFor, settingsFor, service, SHA } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const alarmsConfig = (value: unknown) => ({ "berth:alarms": JSON.stringify(value) });
/** serviceAlarmNames takes an aws stack's alarm and cluster sections. */
const onAws = (s: Settings) => (s.target === "aws" ? s : assert.fail(`${s.stack} is no aws stack`));
const noEdit = () => undefined;

test("defaults: every service's alarms on, with rollback, at the documented thresholds", () => {
  const s = settingsFor("staging");
  for (const svc of s.services) assert.deepEqual(s.alarms!.services[svc.name], ALARM_DEFAULTS);
  assert.deepEqual(serviceAlarmNames(onAws(s), service(s, "web")), [
    "berth-staging-web-target-5xx-rate",
    "berth-staging-web-target-p99-latency",
    "berth-staging-web-unhealthy-hosts",
    "berth-staging-web-running-tasks",
  ]);
  assert.deepEqual(serviceAlarmNames(onAws(s), service(s, "worker")), [
    "berth-staging-worker-cpu-high",
    "berth-staging-worker-memory-high",
    "berth-staging-worker-running-tasks",
  ]);
});

test("stack-wide thresholds apply to every service; a service's override wins for that service only", () => {
  const s = settingsFor(
    "prod",
    undefined,
    alarmsConfig({
      evaluationPeriods: 2,
      errorRatePercent: 3,
      services: { web: { p99LatencyMs: 800 }, worker: { cpuPercent: 80 } },
    }),
  );
  assert.equal(s.alarms!.services.web!.p99LatencyMs, 800);
  assert.equal(s.alarms!.services.web!.errorRatePercent, 3);
  assert.equal(s.alarms!.services.web!.evaluationPeriods, 2);
  assert.equal(s.alarms!.services.worker!.cpuPercent, 80);
  assert.equal(s.alarms!.services.worker!.evaluationPeriods, 2);
  assert.equal(s.alarms!.services.worker!.p99LatencyMs, ALARM_DEFAULTS.p99LatencyMs);
});

test("a service's alarms switched off: nothing to attach", () => {
  const s = settingsFor("staging", undefined, alarmsConfig({ services: { worker: { enabled: false } } }));
  assert.deepEqual(serviceAlarmNames(onAws(s), service(s, "worker")), []);
  assert.equal(serviceAlarmNames(onAws(s), service(s, "web")).length, 4);
});

test("every problem at once, each naming its key: ranges, an undeclared service, thresholds of alarms a service does not get, unknown keys", () => {
  const problems = problemsFor(
    "staging",
    noEdit,
    alarmsConfig({
      evaluationPeriods: 11,
      errorRatePercent: 0,
      p99LatencyMs: "fast",
      colour: "red",
      services: {
        api: { errorRatePercent: 2 },
        worker: { p99LatencyMs: 500 },
        web: { cpuPercent: 70, rollbak: false },
      },
    }),
  );
  assert.match(problemAt(problems, "berth:alarms.evaluationPeriods").allowed, /1 to 10 .*bake time/);
  assert.match(problemAt(problems, "berth:alarms.errorRatePercent").allowed, /1 to 100/);
  assert.ok(problemAt(problems, "berth:alarms.p99LatencyMs"));
  assert.match(problemAt(problems, "berth:alarms.colour").allowed, /a known setting of berth:alarms/);
  assert.match(problemAt(problems, "berth:alarms.services.api").allowed, /a service of berth:services \(web, worker\)/);
  assert.match(problemAt(problems, "berth:alarms.services.worker.p99LatencyMs").allowed, /no route/);
  assert.match(problemAt(problems, "berth:alarms.services.web.cpuPercent").allowed, /behind the load balancer/);
  assert.match(problemAt(problems, "berth:alarms.services.web.rollbak").allowed, /a known setting/);
});

test("notifications: email addresses and https endpoints only, each once", () => {
  const ok = settingsFor("staging", undefined, {
    "berth:notifications": JSON.stringify({
      emails: ["a@example.com"],
      httpsEndpoints: ["https://hooks.example.com/x"],
    }),
  });
  assert.deepEqual(ok.notifications, { emails: ["a@example.com"], httpsEndpoints: ["https://hooks.example.com/x"] });
  const problems = problemsFor("staging", noEdit, {
    "berth:notifications": JSON.stringify({
      emails: ["not-an-address"],
      httpsEndpoints: ["http://hooks.example.com/x"],
      slack: "#ops",
    }),
  });
  assert.match(problemAt(problems, "berth:notifications.emails").allowed, /email addresses/);
  assert.match(problemAt(problems, "berth:notifications.httpsEndpoints").allowed, /https:\/\//);
  assert.ok(problemAt(problems, "berth:notifications.slack"));
  const dup = problemsFor("staging", noEdit, {
    "berth:notifications": JSON.stringify({ emails: ["a@example.com", "a@example.com"] }),
  });
  assert.match(problemAt(dup, "berth:notifications.emails").allowed, /once/);
});

test("the local stack refuses berth:alarms and berth:notifications (it has no CloudWatch)", () => {
  const config = {
    ...fixtureStackConfig("local"),
    "berth:imageSha": SHA,
    "berth:alarms": "{}",
    "berth:notifications": JSON.stringify({ emails: ["a@example.com"] }),
  };
  try {
    loadSettings(config, { stack: "local", git: () => ({ head: SHA, tagsAtHead: [], dirty: false }) });
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(
      e.problems
        .map((p) => p.key)
        .filter((k) => /alarms|notifications/.test(k))
        .sort(),
      ["berth:alarms", "berth:notifications"],
    );
  }
});

const dims = {
  clusterName: "berth-prod",
  serviceName: "web",
  loadBalancerArnSuffix: "app/alb/1",
  targetGroupArnSuffix: "targetgroup/alb-web/2",
};

test("5xx rate: metric math over the target group's 5xx and request counts (AWS/ApplicationELB TargetGroup + LoadBalancer), quiet minutes not breaching", () => {
  const a = alarmArgs(
    "target-5xx-rate",
    { ...ALARM_DEFAULTS, errorRatePercent: 2, errorRateMinRequests: 50 },
    dims,
  ) as Record<string, any>;
  const byId = Object.fromEntries(a.metricQueries.map((q: any) => [q.id, q]));
  for (const id of ["errors", "requests"]) {
    assert.equal(byId[id].metric.namespace, "AWS/ApplicationELB");
    assert.deepEqual(byId[id].metric.dimensions, { TargetGroup: "targetgroup/alb-web/2", LoadBalancer: "app/alb/1" });
    assert.equal(byId[id].metric.stat, "Sum");
    assert.equal(byId[id].returnData, false);
  }
  assert.equal(byId.errors.metric.metricName, "HTTPCode_Target_5XX_Count");
  assert.equal(byId.requests.metric.metricName, "RequestCount");
  // CloudWatch alarms on metric math: exactly one query returns data (the one the threshold applies to).
  assert.deepEqual(
    a.metricQueries.filter((q: any) => q.returnData).map((q: any) => q.id),
    ["rate"],
  );
  assert.match(byId.rate.expression, /requests >= 50/);
  assert.equal(a.threshold, 2);
  assert.equal(a.treatMissingData, "notBreaching");
  assert.equal(a.metricName, undefined, "metric math alarms set no metricName");
});

test("p99 latency in seconds (TargetResponseTime is reported in seconds), low sample counts ignored", () => {
  const a = alarmArgs("target-p99-latency", { ...ALARM_DEFAULTS, p99LatencyMs: 750 }, dims) as Record<string, any>;
  assert.equal(a.extendedStatistic, "p99");
  assert.equal(a.statistic, undefined, "statistic and extendedStatistic are exclusive");
  assert.equal(a.threshold, 0.75);
  assert.equal(a.evaluateLowSampleCountPercentiles, "ignore");
});

test("windows: one-minute periods, all of evaluationPeriods breaching; a routed alarm without a target group is a programming error", () => {
  // A single-metric alarm has its own period; a metric math alarm has none (terraform-provider-aws
  // internal/service/cloudwatch/metric_alarm.go: `period` ConflictsWith `metric_query`, so the provider's Check refuses
  // both) and every metric query carries `metric.period` (metric_query.metric.period is Required there).
  const twoGroups = { ...dims, alternateTargetGroupArnSuffix: "targetgroup/alt-web/3" };
  const evaluated = [
    ...(
      ["target-5xx-rate", "target-p99-latency", "unhealthy-hosts", "running-tasks", "cpu-high", "memory-high"] as const
    ).map((kind) => ({ kind, d: dims })),
    ...(["target-5xx-rate", "target-p99-latency", "unhealthy-hosts"] as const).map((kind) => ({ kind, d: twoGroups })),
  ];
  for (const { kind, d } of evaluated) {
    const a = alarmArgs(kind, { ...ALARM_DEFAULTS, evaluationPeriods: 4 }, d) as Record<string, any>;
    const where = `${kind}${d === twoGroups ? " (two target groups)" : ""}`;
    assert.deepEqual([a.evaluationPeriods, a.datapointsToAlarm], [4, 4], where);
    if (a.metricQueries) {
      assert.equal(a.period, undefined, `${where}: a metric math alarm sets no period`);
      const metrics = (a.metricQueries as any[]).filter((q) => q.metric);
      assert.ok(metrics.length > 0, where);
      for (const q of metrics) assert.equal(q.metric.period, 60, `${where}: query ${q.id}`);
    } else assert.equal(a.period, 60, `${where}: a single-metric alarm's own period`);
  }
  assert.throws(
    () => alarmArgs("unhealthy-hosts", ALARM_DEFAULTS, { clusterName: "c", serviceName: "worker" }),
    /no target group/,
  );
  const running = alarmArgs("running-tasks", ALARM_DEFAULTS, dims) as Record<string, any>;
  assert.deepEqual(
    running.metricQueries.filter((q: any) => q.metric).map((q: any) => [q.metric.namespace, q.metric.metricName]),
    [
      ["ECS/ContainerInsights", "DesiredTaskCount"],
      ["ECS/ContainerInsights", "RunningTaskCount"],
    ],
  );
});

test("without Container Insights no running-tasks alarm (its metrics do not exist), and the dashboard says why", () => {
  const s = settingsFor("staging", undefined, { "berth:cluster": JSON.stringify({ containerInsights: "disabled" }) });
  assert.ok(!serviceAlarmNames(onAws(s), service(s, "web")).some((n) => n.endsWith("running-tasks")));
  const body = renderDashboardBody({
    region: "eu-west-1",
    accountId: "111111111111",
    clusterName: "c",
    eventsLogGroupName: "/e",
    containerInsights: false,
    services: [{ name: "worker", alarmNames: [] }],
  });
  assert.ok(!JSON.stringify(body).includes("RunningTaskCount"));
  assert.ok(JSON.stringify(body).includes("Container Insights"));
});

// Canary, linear and blue/green: ECS swaps the service's two target groups after each deployment
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html), so the target group
// alarms read both. PutMetricAlarm (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
// MetricDataQuery): at most 10 queries with a MetricStat and 10 with an Expression, exactly one returning data; ids
// start with a lowercase letter (letters, digits, _).
const shifting = { ...dims, alternateTargetGroupArnSuffix: "targetgroup/alt-web/3" };
const groupsRead = (a: Record<string, any>) =>
  [...new Set(a.metricQueries.filter((q: any) => q.metric).map((q: any) => q.metric.dimensions.TargetGroup))].sort();
const putMetricAlarmShape = (a: Record<string, any>) => {
  const q = a.metricQueries as any[];
  assert.ok(
    q.filter((x) => x.metric).length <= 10 && q.filter((x) => x.expression).length <= 10,
    "PutMetricAlarm: 10 metrics, 10 expressions",
  );
  assert.deepEqual(q.filter((x) => x.returnData).length, 1, "exactly one query returns data");
  for (const x of q) assert.match(x.id, /^[a-z][A-Za-z0-9_]*$/);
  for (const field of [
    "metricName",
    "namespace",
    "dimensions",
    "statistic",
    "extendedStatistic",
    "evaluateLowSampleCountPercentiles",
  ])
    assert.equal(a[field], undefined, `a metric math alarm sets no ${field}`);
  // Every id an expression names is a query of the alarm.
  const ids = new Set(q.map((x) => x.id));
  for (const x of q.filter((y) => y.expression))
    for (const ref of x.expression
      .match(/\b[a-z][A-Za-z0-9_]*\b/g)
      .filter((r: string) => !["IF", "FILL", "MAX"].includes(r)))
      assert.ok(ids.has(ref), `${x.id} names ${ref}`);
};

test("traffic-shifting service: the 5xx rate is the worse of the two target groups' rates, each over its own requests", () => {
  const a = alarmArgs(
    "target-5xx-rate",
    { ...ALARM_DEFAULTS, errorRatePercent: 2, errorRateMinRequests: 50 },
    shifting,
  ) as Record<string, any>;
  putMetricAlarmShape(a);
  assert.deepEqual(groupsRead(a), ["targetgroup/alb-web/2", "targetgroup/alt-web/3"]);
  const byId = Object.fromEntries(a.metricQueries.map((q: any) => [q.id, q]));
  for (const [errors, requests] of [
    ["errors1", "requests1"],
    ["errors2", "requests2"],
  ]) {
    assert.equal(byId[errors].metric.metricName, "HTTPCode_Target_5XX_Count");
    assert.equal(byId[requests].metric.metricName, "RequestCount");
    assert.equal(
      byId[errors].metric.dimensions.TargetGroup,
      byId[requests].metric.dimensions.TargetGroup,
      "a rate's errors and requests come from one target group",
    );
  }
  assert.notEqual(byId.errors1.metric.dimensions.TargetGroup, byId.errors2.metric.dimensions.TargetGroup);
  assert.match(byId.rate1.expression, /requests1, 0\) >= 50/);
  assert.match(byId.rate2.expression, /requests2, 0\) >= 50/);
  assert.equal(byId.rate.expression, "MAX([rate1, rate2])");
  assert.equal(a.threshold, 2);
});

test("traffic-shifting service: p99 is MAX of the two target groups' p99, each counted with CloudWatch's 1000-sample rule (percentiles-with-low-samples.html)", () => {
  const a = alarmArgs("target-p99-latency", { ...ALARM_DEFAULTS, p99LatencyMs: 750 }, shifting) as Record<string, any>;
  putMetricAlarmShape(a);
  assert.deepEqual(groupsRead(a), ["targetgroup/alb-web/2", "targetgroup/alt-web/3"]);
  const stats = a.metricQueries
    .filter((q: any) => q.metric)
    .map((q: any) => `${q.metric.dimensions.TargetGroup} ${q.metric.metricName} ${q.metric.stat}`)
    .sort();
  assert.deepEqual(stats, [
    "targetgroup/alb-web/2 TargetResponseTime SampleCount",
    "targetgroup/alb-web/2 TargetResponseTime p99",
    "targetgroup/alt-web/3 TargetResponseTime SampleCount",
    "targetgroup/alt-web/3 TargetResponseTime p99",
  ]);
  // 10 / (1 - 0.99) samples: below that CloudWatch does not judge a p99 (the single-group alarm's `ignore`).
  for (const id of ["latency1", "latency2"])
    assert.match(a.metricQueries.find((q: any) => q.id === id).expression, />= 1000,/);
  assert.equal(a.metricQueries.find((q: any) => q.returnData).expression, "MAX([latency1, latency2])");
  assert.equal(a.threshold, 0.75);
});

test("traffic-shifting service: unhealthy hosts summed over both target groups; a rolling service's alarms read its one group", () => {
  const a = alarmArgs("unhealthy-hosts", { ...ALARM_DEFAULTS, unhealthyHosts: 1 }, shifting) as Record<string, any>;
  putMetricAlarmShape(a);
  assert.deepEqual(groupsRead(a), ["targetgroup/alb-web/2", "targetgroup/alt-web/3"]);
  assert.deepEqual(
    a.metricQueries.filter((q: any) => q.metric).map((q: any) => q.metric.stat),
    ["Maximum", "Maximum"],
  );
  assert.equal(a.metricQueries.find((q: any) => q.returnData).expression, "FILL(unhealthy1, 0) + FILL(unhealthy2, 0)");
  for (const kind of ["target-5xx-rate", "target-p99-latency", "unhealthy-hosts"] as const) {
    const one = alarmArgs(kind, ALARM_DEFAULTS, dims) as Record<string, any>;
    const groups = one.metricQueries ? groupsRead(one) : [one.dimensions.TargetGroup];
    assert.deepEqual(groups, ["targetgroup/alb-web/2"], kind);
  }
});

// ECS watches a deployment's alarms only while it runs, bake time included
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html): in prod a bake time
// shorter than the alarms' evaluation window is refused, naming the bake time's key.
const deployment = (d: Record<string, unknown>) => (s: Record<string, Record<string, unknown>>) =>
  void (s.web!.deployment = d);

test("prod: a canary step shorter than the alarms' evaluation periods is refused, naming the key, the value and both ways out", () => {
  const p = problemAt(
    problemsFor("prod", deployment({ strategy: "canary", canaryBakeTimeMinutes: 2 })),
    "berth:services.web.deployment.canaryBakeTimeMinutes",
  );
  assert.equal(p.value, 2);
  assert.match(p.allowed, /at least 3 minutes in prod/);
  assert.match(p.allowed, /berth:alarms\.evaluationPeriods/);
  const bake = problemAt(
    problemsFor("prod", deployment({ strategy: "blueGreen", bakeTimeMinutes: 1 })),
    "berth:services.web.deployment.bakeTimeMinutes",
  );
  assert.equal(bake.value, 1);
});

test("prod: raising a service's evaluationPeriods past its default bake times is refused at the bake times, naming the service's evaluationPeriods key", () => {
  const problems = problemsFor("prod", noEdit, alarmsConfig({ services: { web: { evaluationPeriods: 6 } } }));
  // Prod's default canary: 10 % for 5 minutes, bake 10 minutes.
  assert.match(
    problemAt(problems, "berth:services.web.deployment.canaryBakeTimeMinutes").allowed,
    /at least 6 minutes .*berth:alarms\.services\.web\.evaluationPeriods/,
  );
  assert.equal(
    problems.filter((p) => p.key === "berth:services.web.deployment.bakeTimeMinutes").length,
    0,
    "10 minutes outlast 6",
  );
});

test("bake times at the evaluation window are accepted in prod; linear steps are not bound; staging (no waits by default) and switched-off alarms are exempt", () => {
  assert.equal(
    settingsFor("prod", deployment({ strategy: "canary", canaryBakeTimeMinutes: 3, bakeTimeMinutes: 3 })).services.find(
      (s) => s.name === "web",
    )!.deployment.canary!.bakeTimeMinutes,
    3,
  );
  assert.equal(
    settingsFor(
      "prod",
      deployment({ strategy: "linear", linearStepBakeTimeMinutes: 1, bakeTimeMinutes: 5 }),
    ).services.find((s) => s.name === "web")!.deployment.linear!.stepBakeTimeMinutes,
    1,
  );
  assert.equal(settingsFor("staging").services.find((s) => s.name === "web")!.deployment.bakeTimeMinutes, 0);
  settingsFor(
    "prod",
    deployment({ strategy: "blueGreen", bakeTimeMinutes: 0 }),
    alarmsConfig({ services: { web: { enabled: false } } }),
  );
});

test("dashboard pages: services in order fill <base>, <base>-2, ... each within 500 widgets and 100 alarms per alarm widget (CloudWatch-Dashboard-Body-Structure.html)", () => {
  const routed = (i: number) => ({
    name: `svc${String(i).padStart(3, "0")}`,
    alarmNames: ["a", "b", "c", "d"].map((k) => `berth-staging-svc${i}-${k}`),
    targetGroupArnSuffix: `targetgroup/alb-svc${i}/1`,
    alternateTargetGroupArnSuffix: `targetgroup/alt-svc${i}/2`,
    loadBalancerArnSuffix: "app/alb/1",
  });
  const services = Array.from({ length: 100 }, (_, i) => routed(i));
  const pages = dashboardPages(services.map((s) => ({ ...s, routed: true })));
  assert.ok(pages.length >= 2, "100 routed services do not fit one dashboard");
  assert.deepEqual(
    pages.flat().map((s) => s.name),
    services.map((s) => s.name),
    "every service once, in order",
  );
  assert.deepEqual(pages.map((_, i) => dashboardName("berth-staging", i)).slice(0, 2), [
    "berth-staging",
    "berth-staging-2",
  ]);
  for (const page of pages) {
    const body = renderDashboardBody({
      region: "eu-west-1",
      accountId: "111111111111",
      clusterName: "c",
      eventsLogGroupName: "/e",
      containerInsights: true,
      services: page,
    });
    assert.ok(body.widgets.length <= 500, `${body.widgets.length} widgets`);
    const alarmWidgets = body.widgets.filter((w) => w.type === "alarm");
    for (const w of alarmWidgets)
      assert.ok((w.properties.alarms as string[]).length >= 1 && (w.properties.alarms as string[]).length <= 100);
    assert.deepEqual(
      alarmWidgets.flatMap((w) => w.properties.alarms as string[]).map((a) => a.split(":alarm:")[1]),
      page.flatMap((s) => s.alarmNames),
      "each page shows its services' alarms",
    );
    assert.equal(body.widgets.filter((w) => w.type === "log").length, 1, "each page has the deployment markers");
  }
  // Packed: the first page could not take the next service.
  const first = renderDashboardBody({
    region: "eu-west-1",
    accountId: "1",
    clusterName: "c",
    eventsLogGroupName: "/e",
    containerInsights: true,
    services: [...pages[0]!, pages[1]![0]!],
  });
  assert.ok(first.widgets.length > 500);
  // Two services stay on one page, whose body is what a single dashboard shows.
  assert.equal(dashboardPages(services.slice(0, 2).map((s) => ({ ...s, routed: true }))).length, 1);
});
