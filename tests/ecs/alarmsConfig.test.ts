// berth:alarms and berth:notifications (infra/config/observability.ts) and the pure alarm, pattern and dashboard
// renderings (infra/observability/). ECS only watches a deployment's alarms while it runs and during its bake time
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html): evaluation windows stay short.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings, ConfigError } from "../../infra/config";
import { ALARM_DEFAULTS } from "../../infra/config/observability";
import { alarmArgs, serviceAlarmNames } from "../../infra/observability/alarms";
import { renderDashboardBody } from "../../infra/observability/dashboard";
import { problemAt, problemsFor, settingsFor, service, SHA } from "./fixtures";

const alarmsConfig = (value: unknown) => ({ "berth:alarms": JSON.stringify(value) });
const noEdit = () => undefined;

test("defaults: every service's alarms on, with rollback, at the documented thresholds", () => {
  const s = settingsFor("staging");
  for (const svc of s.services) assert.deepEqual(s.alarms!.services[svc.name], ALARM_DEFAULTS);
  assert.deepEqual(serviceAlarmNames(s, service(s, "web")), ["berth-staging-web-target-5xx-rate", "berth-staging-web-target-p99-latency", "berth-staging-web-unhealthy-hosts", "berth-staging-web-running-tasks"]);
  assert.deepEqual(serviceAlarmNames(s, service(s, "worker")), ["berth-staging-worker-cpu-high", "berth-staging-worker-memory-high", "berth-staging-worker-running-tasks"]);
});

test("stack-wide thresholds apply to every service; a service's override wins for that service only", () => {
  const s = settingsFor("prod", undefined, alarmsConfig({ evaluationPeriods: 2, errorRatePercent: 3, services: { web: { p99LatencyMs: 800 }, worker: { cpuPercent: 80 } } }));
  assert.equal(s.alarms!.services.web!.p99LatencyMs, 800);
  assert.equal(s.alarms!.services.web!.errorRatePercent, 3);
  assert.equal(s.alarms!.services.web!.evaluationPeriods, 2);
  assert.equal(s.alarms!.services.worker!.cpuPercent, 80);
  assert.equal(s.alarms!.services.worker!.evaluationPeriods, 2);
  assert.equal(s.alarms!.services.worker!.p99LatencyMs, ALARM_DEFAULTS.p99LatencyMs);
});

test("a service's alarms switched off: nothing to attach", () => {
  const s = settingsFor("staging", undefined, alarmsConfig({ services: { worker: { enabled: false } } }));
  assert.deepEqual(serviceAlarmNames(s, service(s, "worker")), []);
  assert.equal(serviceAlarmNames(s, service(s, "web")).length, 4);
});

test("every problem at once, each naming its key: ranges, an undeclared service, thresholds of alarms a service does not get, unknown keys", () => {
  const problems = problemsFor("staging", noEdit, alarmsConfig({
    evaluationPeriods: 11,
    errorRatePercent: 0,
    p99LatencyMs: "fast",
    colour: "red",
    services: { api: { errorRatePercent: 2 }, worker: { p99LatencyMs: 500 }, web: { cpuPercent: 70, rollbak: false } },
  }));
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
  const ok = settingsFor("staging", undefined, { "berth:notifications": JSON.stringify({ emails: ["a@example.com"], httpsEndpoints: ["https://hooks.example.com/x"] }) });
  assert.deepEqual(ok.notifications, { emails: ["a@example.com"], httpsEndpoints: ["https://hooks.example.com/x"] });
  const problems = problemsFor("staging", noEdit, { "berth:notifications": JSON.stringify({ emails: ["not-an-address"], httpsEndpoints: ["http://hooks.example.com/x"], slack: "#ops" }) });
  assert.match(problemAt(problems, "berth:notifications.emails").allowed, /email addresses/);
  assert.match(problemAt(problems, "berth:notifications.httpsEndpoints").allowed, /https:\/\//);
  assert.ok(problemAt(problems, "berth:notifications.slack"));
  const dup = problemsFor("staging", noEdit, { "berth:notifications": JSON.stringify({ emails: ["a@example.com", "a@example.com"] }) });
  assert.match(problemAt(dup, "berth:notifications.emails").allowed, /once/);
});

test("the local stack refuses berth:alarms and berth:notifications (it has no CloudWatch)", () => {
  const { readStackConfig } = require("../../infra/offline/mockRuntime") as typeof import("../../infra/offline/mockRuntime");
  const config = { ...readStackConfig("local"), "berth:imageSha": SHA, "berth:alarms": "{}", "berth:notifications": JSON.stringify({ emails: ["a@example.com"] }) };
  try {
    loadSettings(config, { stack: "local", git: () => ({ head: SHA, tagsAtHead: [], dirty: false }) });
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems.map((p) => p.key).filter((k) => /alarms|notifications/.test(k)).sort(), ["berth:alarms", "berth:notifications"]);
  }
});

const dims = { clusterName: "berth-prod", serviceName: "web", loadBalancerArnSuffix: "app/alb/1", targetGroupArnSuffix: "targetgroup/alb-web/2" };

test("5xx rate: metric math over the target group's 5xx and request counts (AWS/ApplicationELB TargetGroup + LoadBalancer), quiet minutes not breaching", () => {
  const a = alarmArgs("target-5xx-rate", { ...ALARM_DEFAULTS, errorRatePercent: 2, errorRateMinRequests: 50 }, dims) as Record<string, any>;
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
  assert.deepEqual(a.metricQueries.filter((q: any) => q.returnData).map((q: any) => q.id), ["rate"]);
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
  for (const kind of ["unhealthy-hosts", "running-tasks", "cpu-high", "memory-high"] as const) {
    const a = alarmArgs(kind, { ...ALARM_DEFAULTS, evaluationPeriods: 4 }, dims) as Record<string, any>;
    assert.deepEqual([a.period, a.evaluationPeriods, a.datapointsToAlarm], [60, 4, 4], kind);
  }
  assert.throws(() => alarmArgs("unhealthy-hosts", ALARM_DEFAULTS, { clusterName: "c", serviceName: "worker" }), /no target group/);
  const running = alarmArgs("running-tasks", ALARM_DEFAULTS, dims) as Record<string, any>;
  assert.deepEqual(running.metricQueries.filter((q: any) => q.metric).map((q: any) => [q.metric.namespace, q.metric.metricName]), [["ECS/ContainerInsights", "DesiredTaskCount"], ["ECS/ContainerInsights", "RunningTaskCount"]]);
});

test("without Container Insights no running-tasks alarm (its metrics do not exist), and the dashboard says why", () => {
  const s = settingsFor("staging", undefined, { "berth:cluster": JSON.stringify({ containerInsights: "disabled" }) });
  assert.ok(!serviceAlarmNames(s, service(s, "web")).some((n) => n.endsWith("running-tasks")));
  const body = renderDashboardBody({ region: "eu-west-1", accountId: "111111111111", clusterName: "c", eventsLogGroupName: "/e", containerInsights: false, services: [{ name: "worker", alarmNames: [] }] });
  assert.ok(!JSON.stringify(body).includes("RunningTaskCount"));
  assert.ok(JSON.stringify(body).includes("Container Insights"));
});
