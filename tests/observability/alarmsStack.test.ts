// The alarms, the SNS topic and the dashboard of each stack (staging, prod), loaded through the real program
// (infra/index.ts) under mocks, one fresh evaluation per stack; ECS semantics:
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource, CapturedStack } from "../../offline/mockRuntime";
import { loadSettings } from "../../infra/config";
import { keySettings } from "../../offline/offlinePlan";
import { evaluateRules } from "../../offline/evaluate";
import { policySubjects } from "../../offline/offlinePlan";
import { ecsDeploymentAlarms, ecsProgressiveDeployment } from "../../policy/deploymentRules";
import { captureProgram, SHA, stackConfig } from "../support";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SERVICE = "aws:ecs/service:Service";

function describeAlarmsStack(stack: "staging" | "prod") {
  const config = stackConfig(stack);
  const settings = loadSettings(config, { stack, git: () => ({ head: SHA, tagsAtHead: [], dirty: false }) });
  const staging = {
    sourceSha: SHA,
    imageDigest: `sha256:${"cd".repeat(32)}`,
    ranDigests: [`sha256:${"cd".repeat(32)}`],
  };
  let captured: CapturedStack;
  const all = (type: string) => captured.resources.filter((r) => r.type === type);
  const one = (type: string, name?: string): CapturedResource => {
    const found = all(type).filter((r) => name === undefined || r.name === name);
    assert.equal(found.length, 1, `one ${type}${name ? ` ${name}` : ""}: found ${found.map((r) => r.name).join(", ")}`);
    return found[0]!;
  };
  const childrenOf = (component: CapturedResource) => captured.resources.filter((r) => r.parentUrn === component.urn);

  before(async () => {
    captured = await captureProgram({
      stack,
      config,
      stackOutputs: new Proxy({}, { get: () => staging }) as Record<string, Record<string, unknown>>,
    });
    if (captured.error) throw captured.error;
  });

  describe(`${stack}: every service's alarms are attached to its deployment`, () => {
    for (const svc of settings.services) {
      test(`${svc.name}: the ECS service watches exactly its ServiceAlarms' MetricAlarms, enabled, with rollback`, () => {
        const component = one("berth:observability:ServiceAlarms", `${svc.name}-alarms`);
        const alarms = childrenOf(component).filter((r) => r.type === ALARM);
        const service = one(SERVICE, svc.name);
        assert.deepEqual(service.inputs.alarms?.enable, true);
        assert.deepEqual(service.inputs.alarms?.rollback, true);
        assert.deepEqual([...service.inputs.alarms.alarmNames].sort(), alarms.map((a) => a.inputs.name).sort());
        // Names carry the stack, so staging and prod alarms in one account never collide.
        for (const a of alarms) assert.match(a.inputs.name, new RegExp(`^berth-${stack}-${svc.name}-`));
        const metrics = alarms
          .flatMap((a) => [
            a.inputs.metricName,
            ...(a.inputs.metricQueries ?? []).map((q: any) => q.metric?.metricName),
          ])
          .filter(Boolean)
          .sort();
        const expected = svc.route
          ? [
              "DesiredTaskCount",
              "HTTPCode_Target_5XX_Count",
              "RequestCount",
              "RunningTaskCount",
              "TargetResponseTime",
              "UnHealthyHostCount",
            ]
          : ["CPUUtilization", "DesiredTaskCount", "MemoryUtilization", "RunningTaskCount"];
        // A metric read once per target group (two for canary, linear, blueGreen) counts once here; the test below
        // checks which target groups each alarm reads.
        assert.deepEqual([...new Set(metrics)], expected);
      });

      test(`${svc.name}: the alarms' dimensions name this service's cluster, service${svc.route ? ", target group and load balancer (ARN suffixes)" : ""}`, () => {
        const cluster = one("aws:ecs/cluster:Cluster");
        const alarms = childrenOf(one("berth:observability:ServiceAlarms", `${svc.name}-alarms`)).filter(
          (r) => r.type === ALARM,
        );
        const dimensions = alarms
          .flatMap((a) => [
            a.inputs.dimensions,
            ...(a.inputs.metricQueries ?? []).map((q: any) => q.metric?.dimensions),
          ])
          .filter(Boolean);
        for (const d of dimensions) {
          if (d.ClusterName !== undefined)
            assert.deepEqual(d, { ClusterName: cluster.state.name, ServiceName: svc.name });
          else assert.deepEqual(Object.keys(d).sort(), ["LoadBalancer", "TargetGroup"]);
        }
        assert.ok(dimensions.length >= 3);
      });

      if (svc.route) {
        // ECS swaps a canary/linear/blueGreen service's two target groups after each deployment
        // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html;
        // hashicorp/terraform-provider-aws#45678): an alarm on one group would watch the old revision every other time.
        test(`${svc.name} (${svc.deployment.strategy}): each target group alarm reads its metrics from ${svc.deployment.strategy === "rolling" ? "the target group" : "both target groups"} of the load balancer`, () => {
          const lb = one("aws:lb/loadBalancer:LoadBalancer");
          const groups = [`alb-${svc.name}`, ...(svc.deployment.strategy === "rolling" ? [] : [`alt-${svc.name}`])].map(
            (n) => one("aws:lb/targetGroup:TargetGroup", n).state.arnSuffix as string,
          );
          const alarms = childrenOf(one("berth:observability:ServiceAlarms", `${svc.name}-alarms`)).filter(
            (r) => r.type === ALARM,
          );
          const expected: Record<string, string[]> = {
            "target-5xx-rate": ["HTTPCode_Target_5XX_Count", "RequestCount"],
            "target-p99-latency": ["TargetResponseTime"],
            "unhealthy-hosts": ["UnHealthyHostCount"],
          };
          for (const [kind, metricNames] of Object.entries(expected)) {
            const alarm = alarms.find((a) => a.inputs.name === `berth-${stack}-${svc.name}-${kind}`);
            assert.ok(alarm, kind);
            const reads = [
              { metricName: alarm.inputs.metricName, dimensions: alarm.inputs.dimensions },
              ...(alarm.inputs.metricQueries ?? []).map((q: any) => q.metric ?? {}),
            ].filter((m) => m.metricName);
            const byGroup: Record<string, string[]> = {};
            for (const m of reads) {
              assert.equal(m.dimensions.LoadBalancer, lb.state.arnSuffix, kind);
              byGroup[m.dimensions.TargetGroup] = [
                ...new Set([...(byGroup[m.dimensions.TargetGroup] ?? []), m.metricName]),
              ].sort();
            }
            assert.deepEqual(byGroup, Object.fromEntries(groups.map((g) => [g, metricNames])), kind);
          }
        });
      }
    }

    test("every alarm notifies the stack's one SNS topic on ALARM and OK", () => {
      const topic = one("aws:sns/topic:Topic");
      for (const a of all(ALARM)) {
        assert.deepEqual(a.inputs.alarmActions, [topic.state.arn], a.name);
        assert.deepEqual(a.inputs.okActions, [topic.state.arn], a.name);
      }
      assert.ok(all(ALARM).length >= 7);
    });

    test("the plan prints each service's alarms with rollback, and every alarm", () => {
      for (const svc of settings.services) {
        const n = one(SERVICE, svc.name).inputs.alarms.alarmNames.length;
        assert.match(keySettings(SERVICE, one(SERVICE, svc.name).inputs), new RegExp(` alarms=${n} rollback$`));
      }
      for (const a of all(ALARM))
        assert.match(
          keySettings(ALARM, a.inputs),
          new RegExp(`^${a.inputs.name}: .* for 3/3x60s missing=\\w+ actions=1$`),
        );
      assert.match(
        keySettings("aws:sns/topic:Topic", one("aws:sns/topic:Topic").inputs),
        /^name=berth-\w+-alarms kms=on$/,
      );
      assert.match(
        keySettings("aws:cloudwatch/dashboard:Dashboard", one("aws:cloudwatch/dashboard:Dashboard").inputs),
        new RegExp(`^name=berth-${stack} widgets=\\d+$`),
      );
    });

    test("the deployment rules find nothing in this stack's services and alarms (prod's pack config makes them mandatory)", async () => {
      const ev = await evaluateRules(policySubjects(captured.resources, false), {
        rules: [ecsDeploymentAlarms, ecsProgressiveDeployment],
        config: { "berth-ecs-deployment-alarms": "mandatory", "berth-ecs-progressive-deployment": "mandatory" },
        stackResources: policySubjects(captured.resources, true),
      });
      assert.deepEqual(ev.errors, []);
      assert.deepEqual(
        ev.violations.map((v) => `${v.rule}: ${v.message}`),
        [],
      );
    });
  });

  describe(`${stack}: one SNS topic, the ECS deployment events, one dashboard`, () => {
    test("the topic is encrypted with the stack's notification key, whose policy lets CloudWatch and EventBridge publish (sns-key-management.html)", () => {
      const topic = one("aws:sns/topic:Topic");
      const key = one("aws:kms/key:Key", "notifications");
      assert.equal(topic.inputs.kmsMasterKeyId, key.state.arn);
      const statements = JSON.parse(key.inputs.policy).Statement;
      const publish = statements.find((s: any) => s.Sid === "AlarmsAndEventsPublishToTheTopic");
      assert.deepEqual(publish.Principal.Service.sort(), ["cloudwatch.amazonaws.com", "events.amazonaws.com"]);
      assert.deepEqual(publish.Action.sort(), ["kms:Decrypt", "kms:GenerateDataKey*"]);
      assert.equal(key.inputs.enableKeyRotation, true);
    });

    test("the topic policy: CloudWatch only for this stack's alarms of this account, EventBridge only for this rule", () => {
      const policy = JSON.parse(one("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
      const rule = one("aws:cloudwatch/eventRule:EventRule");
      const cw = policy.Statement.find((s: any) => s.Principal?.Service === "cloudwatch.amazonaws.com");
      assert.equal(
        cw.Condition.ArnLike["aws:SourceArn"],
        `arn:aws:cloudwatch:${settings.aws!.region}:${settings.aws!.accountId}:alarm:berth-${stack}-*`,
      );
      for (const a of all(ALARM))
        assert.ok(a.inputs.name.startsWith(`berth-${stack}-`), "every alarm matches the topic policy's source pattern");
      const events = policy.Statement.find((s: any) => s.Principal?.Service === "events.amazonaws.com");
      assert.equal(events.Condition.ArnEquals["aws:SourceArn"], rule.state.arn);
    });

    test("the EventBridge rule takes ECS deployment state changes and service actions of this cluster's services only, to the topic and the events log group", () => {
      const rule = one("aws:cloudwatch/eventRule:EventRule");
      const cluster = one("aws:ecs/cluster:Cluster");
      assert.deepEqual(JSON.parse(rule.inputs.eventPattern), {
        source: ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change", "ECS Service Action"],
        resources: [
          { prefix: `arn:aws:ecs:${settings.aws!.region}:${settings.aws!.accountId}:service/${cluster.state.name}/` },
        ],
      });
      const targets = all("aws:cloudwatch/eventTarget:EventTarget");
      const logGroup = one("aws:cloudwatch/logGroup:LogGroup", "notifications-ecs-events");
      assert.deepEqual(
        targets.map((t) => t.inputs.arn).sort(),
        [logGroup.state.arn, one("aws:sns/topic:Topic").state.arn].sort(),
      );
      for (const t of targets) assert.equal(t.inputs.rule, rule.inputs.name);
      assert.ok(logGroup.inputs.kmsKeyId && logGroup.inputs.retentionInDays > 0);
    });

    test("subscriptions are exactly berth:notifications", () => {
      const subs = all("aws:sns/topicSubscription:TopicSubscription")
        .map((s) => `${s.inputs.protocol} ${s.inputs.endpoint}`)
        .sort();
      assert.deepEqual(
        subs,
        [
          ...settings.notifications!.emails.map((e) => `email ${e}`),
          ...settings.notifications!.httpsEndpoints.map((e) => `https ${e}`),
        ].sort(),
      );
      assert.ok(subs.length > 0, "the stack file names an address");
    });

    test("the dashboard shows every service's traffic, errors, latency, tasks, CPU and memory, every alarm, and the deployment markers", () => {
      const body = JSON.parse(one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
      const text = JSON.stringify(body);
      for (const a of all(ALARM)) assert.ok(text.includes(`:alarm:${a.inputs.name}`), a.inputs.name);
      const log = body.widgets.find((w: any) => w.type === "log");
      assert.match(log.properties.query, new RegExp(`^SOURCE '/aws/events/berth-${stack}/ecs-deployments'`));
      for (const svc of settings.services) {
        const metricsOf = body.widgets
          .filter(
            (w: any) =>
              w.type === "metric" && JSON.stringify(w.properties.metrics).includes(`"ServiceName","${svc.name}"`),
          )
          .flatMap((w: any) => w.properties.metrics.map((m: any[]) => m[1]));
        for (const m of ["RunningTaskCount", "DesiredTaskCount", "CPUUtilization", "MemoryUtilization"])
          assert.ok(metricsOf.includes(m), `${svc.name}: ${m}`);
        if (svc.route) {
          // Both target groups of a traffic-shifting service (ECS swaps them), each with its traffic, errors, latency and hosts.
          for (const name of [
            `alb-${svc.name}`,
            ...(svc.deployment.strategy === "rolling" ? [] : [`alt-${svc.name}`]),
          ]) {
            const tg = one("aws:lb/targetGroup:TargetGroup", name).state.arnSuffix;
            const routed = body.widgets.flatMap((w: any) =>
              (w.properties.metrics ?? []).filter((m: any[]) => m.includes(tg)).map((m: any[]) => m[1]),
            );
            for (const m of ["RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime", "UnHealthyHostCount"])
              assert.ok(routed.includes(m), `${svc.name} ${name}: ${m}`);
          }
        }
      }
      // Dashboard Body Structure and Syntax: 0 to 500 widgets on a 24-column grid.
      assert.ok(body.widgets.length <= 500);
      for (const w of body.widgets) assert.ok(w.x + w.width <= 24, JSON.stringify(w));
    });
  });
}

for (const stack of ["staging", "prod"] as const) describe(stack, () => describeAlarmsStack(stack));
