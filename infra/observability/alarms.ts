/**
 * The alarms of one ECS service, attached to its deployment (`aws.ecs.Service` `alarms: { alarmNames, enable: true,
 * rollback: true }`): when one of them goes to ALARM while a deployment runs (or during its bake time), ECS marks the
 * deployment FAILED and rolls it back to the last completed one
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html). ECS watches them only
 * then; outside deployments they still notify the stack's SNS topic.
 *
 *   routed service (behind the ALB target group): target 5xx rate, p99 target response time, unhealthy hosts, running tasks
 *   worker (no load balancer):                    CPU high, memory high, running tasks
 *
 * Every alarm has an explicit name `<project>-<stack>-<service>-<kind>`, known before anything exists: the service
 * lists the names as plain inputs, so the policy pack joins services to alarms on what a first preview knows.
 * Periods are one minute; `evaluationPeriods` breaching minutes fire the alarm (`datapointsToAlarm` = periods). A
 * single-metric alarm carries its `period`; a metric math alarm carries none (the provider refuses `period` next to
 * `metricQueries`), each of its metric queries carries `metric.period`.
 *
 * Canary, linear and blue/green services have two target groups, and ECS swaps them: after each deployment the one
 * the new revision ran in becomes the production one, and the next revision starts in the other
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html,
 * blue-green-deployment-how-it-works.html; hashicorp/terraform-provider-aws#45678 shows the swap). An alarm on one
 * target group would watch the old revision on every other deployment, so their target group alarms read both:
 *
 *   target 5xx rate   the higher of the two groups' rates (each over its own requests): a 10 % canary answering
 *                     30 % 5xx is 30 %, not the 3 % a sum over both groups would dilute it to
 *   p99 latency       MAX([p99 of one, p99 of the other]): percentiles cannot be summed; the worse revision's p99 is
 *                     what a rollback must see. A group's p99 counts only in minutes with at least
 *                     P99_MIN_SAMPLES responses: the rule CloudWatch applies to a single-metric percentile alarm with
 *                     `evaluateLowSampleCountPercentiles: ignore`, which metric math alarms do not have
 *   unhealthy hosts   the sum over both groups: the service's unhealthy targets, whichever group they are in
 *
 * One alarm per kind either way, so a service keeps its alarm names when it switches strategy.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AlarmSettings, ClusterSettings, ServiceSettings } from "../config";
import type { ServiceAlarmSettings } from "../config/observability";
import { shiftsTraffic } from "../config/services";

const ALARM_PERIOD_SECONDS = 60;

/**
 * Responses a minute needs before its p99 counts: CloudWatch treats a p99 over fewer than 10/(1-0.99) = 1000 samples
 * as not statistically significant (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/percentiles-with-low-samples.html).
 */
const P99_MIN_SAMPLES = 1000;

type AlarmKind =
  "target-5xx-rate" | "target-p99-latency" | "unhealthy-hosts" | "running-tasks" | "cpu-high" | "memory-high";

/** The alarms a service gets: by whether it is behind the load balancer; running tasks only with Container Insights. */
function alarmKindsFor(service: Pick<ServiceSettings, "route">, containerInsights: boolean): AlarmKind[] {
  const kinds: AlarmKind[] = service.route
    ? ["target-5xx-rate", "target-p99-latency", "unhealthy-hosts"]
    : ["cpu-high", "memory-high"];
  // RunningTaskCount and DesiredTaskCount are Container Insights metrics (ECS/ContainerInsights): none without it.
  if (containerInsights) kinds.push("running-tasks");
  return kinds;
}

function alarmName(
  { project, stack }: { project: string; stack: string },
  serviceName: string,
  kind: AlarmKind,
): string {
  return `${project}-${stack}-${serviceName}-${kind}`;
}

/** Whether the stack's cluster publishes Container Insights metrics. */
export function containerInsightsOn(cluster: Pick<ClusterSettings, "containerInsights">): boolean {
  return cluster.containerInsights !== "disabled";
}

/** The names a service attaches to its deployment; empty when its alarms are switched off. */
export function serviceAlarmNames(
  stack: { project: string; stack: string; alarms: AlarmSettings; cluster: Pick<ClusterSettings, "containerInsights"> },
  service: Pick<ServiceSettings, "name" | "route">,
): string[] {
  if (!stack.alarms.services[service.name]?.enabled) return [];
  return alarmKindsFor(service, containerInsightsOn(stack.cluster)).map((k) => alarmName(stack, service.name, k));
}

/** The dimension values the alarms need: the cluster's name, and for a routed service the ALB and target group ARN suffixes. */
interface AlarmDimensions {
  clusterName: pulumi.Input<string>;
  serviceName: string;
  loadBalancerArnSuffix?: pulumi.Input<string>;
  targetGroupArnSuffix?: pulumi.Input<string>;
  /** Canary, linear and blue/green services: the alternate target group, which ECS swaps with the first one. */
  alternateTargetGroupArnSuffix?: pulumi.Input<string>;
}

/**
 * One alarm's arguments (without name, actions and tags), from the thresholds and the dimensions. Pure: tested
 * directly. Only the dimension values may be outputs, so a first preview knows every metric and expression.
 */
export function alarmArgs(
  kind: AlarmKind,
  t: ServiceAlarmSettings,
  d: AlarmDimensions,
): aws.cloudwatch.MetricAlarmArgs {
  const common = { evaluationPeriods: t.evaluationPeriods, datapointsToAlarm: t.evaluationPeriods };
  // The alarm's own period only on a single-metric alarm: the provider refuses `period` next to `metricQueries`
  // (hashicorp/terraform-provider-aws internal/service/cloudwatch/metric_alarm.go, period.ConflictsWith
  // ["metric_query"]); a metric math alarm's period is each query's `metric.period`.
  const single = { period: ALARM_PERIOD_SECONDS };
  const ecs = { ClusterName: d.clusterName, ServiceName: d.serviceName };
  /** The target groups whose metrics the alarm reads: one, or both of a traffic-shifting service's. */
  const groups = (): pulumi.Input<string>[] => {
    if (!d.loadBalancerArnSuffix || !d.targetGroupArnSuffix)
      throw new Error(`alarm ${kind} of ${d.serviceName}: the service has no target group`);
    return d.alternateTargetGroupArnSuffix
      ? [d.targetGroupArnSuffix, d.alternateTargetGroupArnSuffix]
      : [d.targetGroupArnSuffix];
  };
  const target = (group: pulumi.Input<string>) => ({ TargetGroup: group, LoadBalancer: d.loadBalancerArnSuffix! });
  const elb = (id: string, metricName: string, group: pulumi.Input<string>, stat = "Sum") => ({
    id,
    returnData: false,
    metric: {
      namespace: "AWS/ApplicationELB",
      metricName,
      dimensions: target(group),
      period: ALARM_PERIOD_SECONDS,
      stat,
    },
  });
  switch (kind) {
    case "target-5xx-rate": {
      const description = `${d.serviceName}: target 5xx responses above ${t.errorRatePercent}% of requests (minutes with at least ${t.errorRateMinRequests} requests)`;
      // No traffic is no failure: a quiet staging must not roll back a deployment.
      const alarm = {
        ...common,
        alarmDescription: description,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.errorRatePercent,
        treatMissingData: "notBreaching",
      };
      const [first, alternate] = groups();
      if (alternate === undefined) {
        return {
          ...alarm,
          metricQueries: [
            elb("errors", "HTTPCode_Target_5XX_Count", first!),
            elb("requests", "RequestCount", first!),
            // No 5xx datapoint in a minute is zero errors; a minute with too few requests is no evidence either way.
            {
              id: "rate",
              label: "target 5xx %",
              returnData: true,
              expression: `IF(requests >= ${t.errorRateMinRequests}, 100 * FILL(errors, 0) / requests, 0)`,
            },
          ],
        };
      }
      // Each group's rate over its own requests (an idle group has no datapoints: FILL makes it 0 requests, no rate).
      const rate = (i: number) => ({
        id: `rate${i}`,
        returnData: false,
        expression: `IF(FILL(requests${i}, 0) >= ${t.errorRateMinRequests}, 100 * FILL(errors${i}, 0) / FILL(requests${i}, 0), 0)`,
      });
      return {
        ...alarm,
        alarmDescription: `${description}, in either target group`,
        metricQueries: [
          elb("errors1", "HTTPCode_Target_5XX_Count", first!),
          elb("requests1", "RequestCount", first!),
          elb("errors2", "HTTPCode_Target_5XX_Count", alternate),
          elb("requests2", "RequestCount", alternate),
          rate(1),
          rate(2),
          {
            id: "rate",
            label: "target 5xx % (the worse target group)",
            returnData: true,
            expression: "MAX([rate1, rate2])",
          },
        ],
      };
    }
    case "target-p99-latency": {
      const description = `${d.serviceName}: p99 target response time above ${t.p99LatencyMs} ms`;
      // Seconds, as the ALB reports it.
      const alarm = {
        ...common,
        threshold: t.p99LatencyMs / 1000,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      };
      const [first, alternate] = groups();
      if (alternate === undefined) {
        return {
          ...alarm,
          ...single,
          alarmDescription: description,
          namespace: "AWS/ApplicationELB",
          metricName: "TargetResponseTime",
          dimensions: target(first!),
          extendedStatistic: "p99",
          // A p99 over a handful of requests is one request: judged only with enough samples.
          evaluateLowSampleCountPercentiles: "ignore",
        };
      }
      // A group's p99 counts only in minutes with P99_MIN_SAMPLES responses (CloudWatch's own low-sample rule).
      const latency = (i: number) => ({
        id: `latency${i}`,
        returnData: false,
        expression: `IF(FILL(samples${i}, 0) >= ${P99_MIN_SAMPLES}, FILL(p99${i}, 0), 0)`,
      });
      return {
        ...alarm,
        alarmDescription: `${description}, in either target group (minutes with at least ${P99_MIN_SAMPLES} responses)`,
        metricQueries: [
          elb("p991", "TargetResponseTime", first!, "p99"),
          elb("samples1", "TargetResponseTime", first!, "SampleCount"),
          elb("p992", "TargetResponseTime", alternate, "p99"),
          elb("samples2", "TargetResponseTime", alternate, "SampleCount"),
          latency(1),
          latency(2),
          {
            id: "p99",
            label: "p99 target response time, s (the worse target group)",
            returnData: true,
            expression: "MAX([latency1, latency2])",
          },
        ],
      };
    }
    case "unhealthy-hosts": {
      const alarm = {
        ...common,
        threshold: t.unhealthyHosts,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      };
      const [first, alternate] = groups();
      if (alternate === undefined) {
        return {
          ...alarm,
          ...single,
          alarmDescription: `${d.serviceName}: more than ${t.unhealthyHosts} unhealthy target(s) in the target group`,
          namespace: "AWS/ApplicationELB",
          metricName: "UnHealthyHostCount",
          dimensions: target(first!),
          statistic: "Maximum",
        };
      }
      return {
        ...alarm,
        alarmDescription: `${d.serviceName}: more than ${t.unhealthyHosts} unhealthy target(s) in its two target groups together`,
        metricQueries: [
          elb("unhealthy1", "UnHealthyHostCount", first!, "Maximum"),
          elb("unhealthy2", "UnHealthyHostCount", alternate, "Maximum"),
          {
            id: "unhealthy",
            label: "unhealthy targets (both target groups)",
            returnData: true,
            expression: "FILL(unhealthy1, 0) + FILL(unhealthy2, 0)",
          },
        ],
      };
    }
    case "running-tasks":
      return {
        ...common,
        alarmDescription: `${d.serviceName}: fewer running tasks than desired for ${t.evaluationPeriods} minute(s)`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        metricQueries: [
          {
            id: "desired",
            returnData: false,
            metric: {
              namespace: "ECS/ContainerInsights",
              metricName: "DesiredTaskCount",
              dimensions: ecs,
              period: ALARM_PERIOD_SECONDS,
              stat: "Average",
            },
          },
          {
            id: "running",
            returnData: false,
            metric: {
              namespace: "ECS/ContainerInsights",
              metricName: "RunningTaskCount",
              dimensions: ecs,
              period: ALARM_PERIOD_SECONDS,
              stat: "Average",
            },
          },
          { id: "missing", label: "tasks below desired", returnData: true, expression: "desired - running" },
        ],
        // A service's first minutes have no Container Insights datapoint yet: missing keeps the alarm's state
        // (INSUFFICIENT_DATA, which ECS does not count as a failure) instead of guessing either way.
        treatMissingData: "missing",
      };
    case "cpu-high":
    case "memory-high": {
      const cpu = kind === "cpu-high";
      const limit = cpu ? t.cpuPercent : t.memoryPercent;
      return {
        ...common,
        ...single,
        alarmDescription: `${d.serviceName}: average ${cpu ? "CPU" : "memory"} utilization above ${limit}%`,
        namespace: "AWS/ECS",
        metricName: cpu ? "CPUUtilization" : "MemoryUtilization",
        dimensions: ecs,
        statistic: "Average",
        threshold: limit,
        comparisonOperator: "GreaterThanThreshold",
        // No datapoint: no task runs, which the running-tasks alarm judges.
        treatMissingData: "notBreaching",
      };
    }
  }
}

interface ServiceAlarmsArgs {
  service: ServiceSettings;
  /** The stack's alarm settings: this service's thresholds are `alarms.services[service.name]`. */
  alarms: AlarmSettings;
  /** The cluster's settings: the running-tasks alarm needs Container Insights. */
  cluster: Pick<ClusterSettings, "containerInsights">;
  /** Alarm names `<project>-<stack>-<service>-<kind>`. */
  project: string;
  stack: string;
  clusterName: pulumi.Input<string>;
  /** Routed services: the target group and the load balancer (their `arnSuffix` are the ALB metric dimensions). */
  targetGroup?: { arnSuffix: pulumi.Input<string> };
  /** Canary, linear and blue/green services: the alternate target group (ECS swaps the two after each deployment). */
  alternateTargetGroup?: { arnSuffix: pulumi.Input<string> };
  loadBalancer?: { arnSuffix: pulumi.Input<string> };
  /** The stack's SNS topic: alarm and OK notifications. */
  topicArn: pulumi.Input<string>;
}

/** The alarms of one service (none when `berth:alarms.services.<name>.enabled` is false). */
export class ServiceAlarms extends pulumi.ComponentResource {
  readonly alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
  /** The names, known at plan time: what the service's deployment watches. */
  readonly names: string[];
  /** ECS rolls a deployment back when one of them fires. */
  readonly rollback: boolean;

  constructor(name: string, args: ServiceAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:observability:ServiceAlarms", name, {}, opts);
    const { service } = args;
    const thresholds = args.alarms.services[service.name];
    if (!thresholds) throw new Error(`ServiceAlarms ${name}: no alarm settings for service ${service.name}`);
    if (service.route && (!args.targetGroup || !args.loadBalancer))
      throw new Error(`ServiceAlarms ${name}: service ${service.name} has a route but no target group`);
    const shifting = service.route !== undefined && shiftsTraffic(service.deployment);
    if (shifting && !args.alternateTargetGroup)
      throw new Error(
        `ServiceAlarms ${name}: service ${service.name} deploys ${service.deployment.strategy}, and its alarms need both target groups (the alternate one is missing)`,
      );
    if (!shifting && args.alternateTargetGroup)
      throw new Error(
        `ServiceAlarms ${name}: service ${service.name} deploys ${service.deployment.strategy}: it has no alternate target group`,
      );
    this.names = serviceAlarmNames(args, service);
    this.rollback = thresholds.rollback;
    const kinds = thresholds.enabled ? alarmKindsFor(service, containerInsightsOn(args.cluster)) : [];
    const dims: AlarmDimensions = {
      clusterName: args.clusterName,
      serviceName: service.name,
      loadBalancerArnSuffix: args.loadBalancer?.arnSuffix,
      targetGroupArnSuffix: args.targetGroup?.arnSuffix,
      alternateTargetGroupArnSuffix: args.alternateTargetGroup?.arnSuffix,
    };
    for (const kind of kinds) {
      this.alarms[kind] = new aws.cloudwatch.MetricAlarm(
        `${name}-${kind}`,
        {
          ...alarmArgs(kind, thresholds, dims),
          name: alarmName(args, service.name, kind),
          actionsEnabled: true,
          alarmActions: [args.topicArn],
          okActions: [args.topicArn],
          tags: { service: service.name },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ names: this.names });
  }
}
