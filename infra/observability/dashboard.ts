/**
 * One CloudWatch dashboard per stack: a row per service (traffic, errors, latency, tasks, CPU, memory), the state of
 * every alarm, and the deployment markers: the ECS deployment and service action events the stack's EventBridge rule
 * writes to its events log group (infra/observability/notifications.ts), listed by a Logs Insights widget. Those are
 * the events ECS sends for each deployment (IN_PROGRESS, COMPLETED, FAILED, rollbacks), not a guess from metrics.
 *
 * The body follows "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * a 24-column grid, at most 500 widgets. Dashboards are global to the account: the name carries the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Settings } from "../config";

export interface DashboardService {
  name: string;
  /** Routed services: the ALB metric dimensions. */
  targetGroupArnSuffix?: string;
  loadBalancerArnSuffix?: string;
  /** Its deployment alarms. */
  alarmNames: string[];
}

export interface DashboardInput {
  region: string;
  accountId: string;
  clusterName: string;
  eventsLogGroupName: string;
  services: DashboardService[];
  containerInsights: boolean;
}

type Widget = { type: string; x: number; y: number; width: number; height: number; properties: Record<string, unknown> };

/** The dashboard body (pure: tested directly). */
export function renderDashboardBody(input: DashboardInput): { widgets: Widget[] } {
  const widgets: Widget[] = [];
  let y = 0;
  const metric = (x: number, width: number, title: string, metrics: unknown[][], extra: Record<string, unknown> = {}) =>
    widgets.push({ type: "metric", x, y, width, height: 6, properties: { title, region: input.region, view: "timeSeries", period: 60, metrics, ...extra } });

  const alarmArns = input.services.flatMap((s) => s.alarmNames.map((n) => `arn:aws:cloudwatch:${input.region}:${input.accountId}:alarm:${n}`));
  if (alarmArns.length > 0) {
    widgets.push({ type: "alarm", x: 0, y, width: 24, height: 3, properties: { title: "Deployment alarms (ALARM rolls the deployment back)", alarms: alarmArns } });
    y += 3;
  }
  widgets.push({
    type: "log",
    x: 0,
    y,
    width: 24,
    height: 6,
    properties: {
      title: "Deployment markers: ECS deployment state changes and service actions",
      region: input.region,
      view: "table",
      query: `SOURCE '${input.eventsLogGroupName}' | fields @timestamp, resources.0 as service, \`detail-type\` as kind, detail.eventName as event, detail.deploymentId as deployment, detail.reason as reason | sort @timestamp desc | limit 100`,
    },
  });
  y += 6;

  for (const s of input.services) {
    widgets.push({ type: "text", x: 0, y, width: 24, height: 1, properties: { markdown: `### ${s.name}` } });
    y += 1;
    const ecs = ["ClusterName", input.clusterName, "ServiceName", s.name];
    if (s.targetGroupArnSuffix && s.loadBalancerArnSuffix) {
      const tg = ["TargetGroup", s.targetGroupArnSuffix, "LoadBalancer", s.loadBalancerArnSuffix];
      metric(0, 8, "Traffic and errors", [
        ["AWS/ApplicationELB", "RequestCount", ...tg, { stat: "Sum", label: "requests" }],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...tg, { stat: "Sum", label: "target 5xx" }],
        ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", ...tg, { stat: "Sum", label: "target 4xx" }],
      ]);
      metric(8, 8, "Latency (s)", [
        ["AWS/ApplicationELB", "TargetResponseTime", ...tg, { stat: "p50", label: "p50" }],
        ["AWS/ApplicationELB", "TargetResponseTime", ...tg, { stat: "p99", label: "p99" }],
      ]);
      metric(16, 8, "Targets", [
        ["AWS/ApplicationELB", "HealthyHostCount", ...tg, { stat: "Minimum", label: "healthy" }],
        ["AWS/ApplicationELB", "UnHealthyHostCount", ...tg, { stat: "Maximum", label: "unhealthy" }],
      ]);
      y += 6;
    }
    if (input.containerInsights) {
      metric(0, 8, "Tasks", [
        ["ECS/ContainerInsights", "RunningTaskCount", ...ecs, { stat: "Average", label: "running" }],
        ["ECS/ContainerInsights", "DesiredTaskCount", ...ecs, { stat: "Average", label: "desired" }],
        ["ECS/ContainerInsights", "PendingTaskCount", ...ecs, { stat: "Average", label: "pending" }],
      ]);
    } else {
      widgets.push({ type: "text", x: 0, y, width: 8, height: 6, properties: { markdown: "Task counts need Container Insights (`berth:cluster.containerInsights`)." } });
    }
    metric(8, 8, "CPU utilization (%)", [["AWS/ECS", "CPUUtilization", ...ecs, { stat: "Average", label: "average" }], ["AWS/ECS", "CPUUtilization", ...ecs, { stat: "Maximum", label: "maximum" }]], { yAxis: { left: { min: 0, max: 100 } } });
    metric(16, 8, "Memory utilization (%)", [["AWS/ECS", "MemoryUtilization", ...ecs, { stat: "Average", label: "average" }], ["AWS/ECS", "MemoryUtilization", ...ecs, { stat: "Maximum", label: "maximum" }]], { yAxis: { left: { min: 0, max: 100 } } });
    y += 6;
  }
  return { widgets };
}

export interface StackDashboardArgs {
  settings: Settings;
  clusterName: pulumi.Input<string>;
  eventsLogGroupName: pulumi.Input<string>;
  services: { name: string; alarmNames: string[]; targetGroupArnSuffix?: pulumi.Input<string>; loadBalancerArnSuffix?: pulumi.Input<string> }[];
  containerInsights: boolean;
}

export class StackDashboard extends pulumi.ComponentResource {
  readonly dashboard: aws.cloudwatch.Dashboard;

  constructor(name: string, args: StackDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:observability:Dashboard", name, {}, opts);
    const { settings } = args;
    if (!settings.aws) throw new Error("StackDashboard: the aws settings are required (an aws stack)");
    const { region, accountId } = settings.aws;
    const services = pulumi.all(
      args.services.map((s) => pulumi.all([s.targetGroupArnSuffix, s.loadBalancerArnSuffix]).apply(([tg, lb]) => ({ name: s.name, alarmNames: s.alarmNames, targetGroupArnSuffix: tg, loadBalancerArnSuffix: lb }))),
    );
    this.dashboard = new aws.cloudwatch.Dashboard(name, {
      dashboardName: `${settings.project}-${settings.stack}`,
      dashboardBody: pulumi
        .all([args.clusterName, args.eventsLogGroupName, services])
        .apply(([clusterName, eventsLogGroupName, svcs]) => JSON.stringify(renderDashboardBody({ region, accountId, clusterName, eventsLogGroupName, services: svcs, containerInsights: args.containerInsights }))),
    }, { parent: this });
    this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
  }
}
