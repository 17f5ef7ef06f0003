/**
 * ServiceAlarms, StackNotifications and StackDashboard constructed directly with their sections and plain inputs (no
 * stack program), several configurations in one process under `pulumi.runtime.setMocks`: each construction's children.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type AwsStackSettings, type ServiceSettings } from "../../infra/config";
import { ServiceAlarms, StackDashboard, StackNotifications } from "../../infra/observability";
import { childList, childOf, childrenOfType, construct } from "../support/componentMocks";
import { awsStackSettings } from "../support";

const staging = awsStackSettings("staging");
const prod = awsStackSettings("prod");
const serviceOf = (s: AwsStackSettings, name: string) => s.services.find((svc) => svc.name === name)!;
const TOPIC = "arn:aws:sns:eu-west-1:111111111111:berth-staging-alarms";

const alarms = (
  s: AwsStackSettings,
  service: ServiceSettings,
  extra: { alternate?: boolean; cluster?: AwsStackSettings["cluster"]; alarms?: AwsStackSettings["alarms"] } = {},
) =>
  construct(
    () =>
      new ServiceAlarms(`${service.name}-alarms`, {
        service,
        alarms: extra.alarms ?? s.alarms,
        cluster: extra.cluster ?? s.cluster,
        project: s.project,
        stack: s.stack,
        clusterName: `berth-${s.stack}`,
        targetGroup: service.route ? { arnSuffix: "targetgroup/web/1" } : undefined,
        alternateTargetGroup: extra.alternate ? { arnSuffix: "targetgroup/web-alt/2" } : undefined,
        loadBalancer: service.route ? { arnSuffix: "app/berth/3" } : undefined,
        topicArn: TOPIC,
      }),
    s.stack,
  );

test("ServiceAlarms, a routed rolling service: 5xx rate, p99, unhealthy hosts, running tasks, named and notifying", async () => {
  const web = {
    ...serviceOf(staging, "web"),
    deployment: { ...serviceOf(staging, "web").deployment, strategy: "rolling" as const },
  };
  const { component, children } = await alarms(staging, web);
  const kinds = ["target-5xx-rate", "target-p99-latency", "unhealthy-hosts", "running-tasks"];
  assert.deepEqual(
    childList(children),
    kinds.map((k) => `aws:cloudwatch/metricAlarm:MetricAlarm web-alarms-${k}`).sort(),
  );
  assert.deepEqual(
    component.names,
    kinds.map((k) => `berth-staging-web-${k}`),
  );
  assert.equal(component.rollback, staging.alarms.services.web!.rollback);
  for (const alarm of children) {
    assert.deepEqual([alarm.state.alarmActions, alarm.state.okActions], [[TOPIC], [TOPIC]], alarm.name);
    assert.equal(alarm.state.name, `berth-staging-web-${alarm.name.slice("web-alarms-".length)}`);
  }
  const p99 = childOf(children, "aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarms-target-p99-latency").state;
  assert.deepEqual(p99.dimensions, { TargetGroup: "targetgroup/web/1", LoadBalancer: "app/berth/3" });
});

test("ServiceAlarms, prod canary: the target group alarms read both groups; a worker without Container Insights: CPU and memory only", async () => {
  const { children } = await alarms(prod, serviceOf(prod, "web"), { alternate: true });
  const rate = childOf(children, "aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarms-target-5xx-rate").state;
  assert.equal(rate.name, "berth-prod-web-target-5xx-rate");
  assert.deepEqual(
    rate.metricQueries.filter((q: any) => q.metric).map((q: any) => q.metric.dimensions.TargetGroup),
    ["targetgroup/web/1", "targetgroup/web/1", "targetgroup/web-alt/2", "targetgroup/web-alt/2"],
  );
  const worker = await alarms(staging, serviceOf(staging, "worker"), {
    cluster: { ...staging.cluster, containerInsights: "disabled" },
  });
  assert.deepEqual(childList(worker.children), [
    "aws:cloudwatch/metricAlarm:MetricAlarm worker-alarms-cpu-high",
    "aws:cloudwatch/metricAlarm:MetricAlarm worker-alarms-memory-high",
  ]);
});

test("ServiceAlarms switched off for a service: no alarm, no name to attach", async () => {
  const off = {
    ...staging.alarms,
    services: { ...staging.alarms.services, worker: { ...staging.alarms.services.worker!, enabled: false } },
  };
  const { component, children } = await alarms(staging, serviceOf(staging, "worker"), { alarms: off });
  assert.deepEqual(children, []);
  assert.deepEqual(component.names, []);
});

const notifications = (s: AwsStackSettings, edit: Partial<AwsStackSettings["notifications"]> = {}) =>
  construct(
    () =>
      new StackNotifications("notify", {
        notifications: { ...s.notifications, ...edit },
        aws: s.aws,
        logs: s.logs,
        project: s.project,
        stack: s.stack,
        clusterName: `berth-${s.stack}`,
      }),
    s.stack,
  );

test("StackNotifications: an encrypted topic, the cluster's ECS events to it and to a log group, one subscription per address", async () => {
  const { component, children } = await notifications(staging, {
    emails: ["a@example.com", "b@example.com"],
    httpsEndpoints: ["https://hooks.example.com/berth"],
  });
  const topic = childOf(children, "aws:sns/topic:Topic", "notify").state;
  assert.equal(topic.name, "berth-staging-alarms");
  assert.equal(topic.kmsMasterKeyId, childOf(children, "aws:kms/key:Key", "notify").state.arn);
  const pattern = JSON.parse(childOf(children, "aws:cloudwatch/eventRule:EventRule", "notify-ecs").state.eventPattern);
  assert.deepEqual(pattern.resources, [{ prefix: "arn:aws:ecs:eu-west-1:111111111111:service/berth-staging/" }]);
  assert.equal(childrenOfType(children, "aws:cloudwatch/eventTarget:EventTarget").length, 2);
  const events = childOf(children, "aws:cloudwatch/logGroup:LogGroup", "notify-ecs-events").state;
  assert.deepEqual([events.name, events.retentionInDays], [component.eventsLogGroupName, staging.logs.retentionDays]);
  const subscriptions = childrenOfType(children, "aws:sns/topicSubscription:TopicSubscription");
  assert.deepEqual(subscriptions.map((s) => `${s.state.protocol} ${s.state.endpoint}`).sort(), [
    "email a@example.com",
    "email b@example.com",
    "https https://hooks.example.com/berth",
  ]);
});

test("StackNotifications without subscribers (prod names): the topic and events only", async () => {
  const { children } = await notifications(prod, { emails: [], httpsEndpoints: [] });
  assert.equal(childrenOfType(children, "aws:sns/topicSubscription:TopicSubscription").length, 0);
  assert.equal(childOf(children, "aws:sns/topic:Topic", "notify").state.name, "berth-prod-alarms");
});

test("StackDashboard: `<project>-<stack>`, one page for two services, the region's metrics and the alarms' states", async () => {
  const { component, children } = await construct(
    () =>
      new StackDashboard("dash", {
        aws: staging.aws,
        project: staging.project,
        stack: staging.stack,
        clusterName: "berth-staging",
        eventsLogGroupName: "/aws/events/berth-staging/ecs-deployments",
        containerInsights: true,
        services: [
          {
            name: "web",
            alarmNames: ["berth-staging-web-target-5xx-rate"],
            targetGroupArnSuffix: "targetgroup/web/1",
            loadBalancerArnSuffix: "app/berth/3",
          },
          { name: "worker", alarmNames: ["berth-staging-worker-cpu-high"] },
        ],
      }),
  );
  assert.deepEqual(childList(children), ["aws:cloudwatch/dashboard:Dashboard dash"]);
  assert.equal(component.dashboards.length, 1);
  const dashboard = childOf(children, "aws:cloudwatch/dashboard:Dashboard", "dash").state;
  assert.equal(dashboard.dashboardName, "berth-staging");
  const body = dashboard.dashboardBody as string;
  assert.match(body, /"region":"eu-west-1"/);
  assert.match(body, /arn:aws:cloudwatch:eu-west-1:111111111111:alarm:berth-staging-web-target-5xx-rate/);
  assert.match(body, /targetgroup\/web\/1/);
});
