/**
 * One CloudWatch dashboard per stack: a row per service (traffic, errors, latency, tasks, CPU, memory), the state of
 * every alarm, and the deployment markers: the ECS deployment and service action events the stack's EventBridge rule
 * writes to its events log group (infra/observability/notifications.ts), listed by a Logs Insights widget. Those are
 * the events ECS sends for each deployment (IN_PROGRESS, COMPLETED, FAILED, rollbacks), not a guess from metrics.
 *
 * The body follows "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * a 24-column grid, at most 500 widgets, an alarm status widget lists 1 to 100 alarm ARNs. A stack whose services need
 * more widgets gets more dashboards: the services in their settings order fill `<project>-<stack>`, then
 * `<project>-<stack>-2`, ... each page with the alarm states of its own services and the deployment markers. The first
 * dashboard keeps its name and logical name, so a stack that grows past one page updates it in place. Dashboards are
 * global to the account: the name carries the stack.
 *
 * A canary, linear or blue/green service has two target groups that ECS swaps after each deployment
 * (deployment-type-blue-green.html): its traffic, latency and target graphs show both, labelled by target group.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsSettings } from "../config";

interface DashboardService {
  name: string;
  /** Routed services: the ALB metric dimensions. */
  targetGroupArnSuffix?: string;
  /** Canary, linear and blue/green services: the alternate target group (ECS swaps the two). */
  alternateTargetGroupArnSuffix?: string;
  loadBalancerArnSuffix?: string;
  /** Its deployment alarms. */
  alarmNames: string[];
}

interface DashboardInput {
  region: string;
  accountId: string;
  clusterName: string;
  eventsLogGroupName: string;
  services: DashboardService[];
  containerInsights: boolean;
}

type Widget = {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
};

/** Dashboard Body Structure and Syntax: a dashboard has 0 to 500 widgets; an alarm status widget 1 to 100 alarm ARNs. */
const MAX_DASHBOARD_WIDGETS = 500;
const MAX_ALARM_WIDGET_ALARMS = 100;

/** What decides a service's widgets, known before anything exists (no ARN): routed or not, and its alarm count. */
type DashboardServiceShape = Pick<DashboardService, "name" | "alarmNames"> & { routed: boolean };

/** Widgets of one service's row: a heading, three ALB graphs when routed, tasks, CPU and memory. */
function serviceWidgetCount(s: DashboardServiceShape): number {
  return 1 + (s.routed ? 3 : 0) + 3;
}

/** Widgets a page has besides its services' rows: its alarm status widgets (100 alarms each) and the deployment markers. */
function pageHeaderCount(alarms: number): number {
  return Math.ceil(alarms / MAX_ALARM_WIDGET_ALARMS) + 1;
}

/**
 * The services of each dashboard, in order: each page takes the next services while its widgets stay within 500.
 * Deterministic (the settings order), and computed from plain settings, so the plan knows the dashboards.
 */
export function dashboardPages<T extends DashboardServiceShape>(services: readonly T[]): T[][] {
  const pages: T[][] = [[]];
  let widgets = 0;
  let alarms = 0;
  for (const s of services) {
    const page = pages[pages.length - 1]!;
    const grown = widgets + serviceWidgetCount(s) + pageHeaderCount(alarms + s.alarmNames.length);
    if (page.length > 0 && grown > MAX_DASHBOARD_WIDGETS) {
      pages.push([s]);
      widgets = serviceWidgetCount(s);
      alarms = s.alarmNames.length;
    } else {
      page.push(s);
      widgets += serviceWidgetCount(s);
      alarms += s.alarmNames.length;
    }
  }
  return pages;
}

/** The dashboard names: `<base>`, `<base>-2`, ... */
export function dashboardName(base: string, page: number): string {
  return page === 0 ? base : `${base}-${page + 1}`;
}

/** The name part of a target group ARN suffix (`targetgroup/<name>/<id>`), to label its series. */
function targetGroupLabel(arnSuffix: string): string {
  return arnSuffix.split("/")[1] ?? arnSuffix;
}

/** The body of one dashboard, for the services given (pure: tested directly). */
export function renderDashboardBody(input: DashboardInput): { widgets: Widget[] } {
  const widgets: Widget[] = [];
  let y = 0;
  const metric = (x: number, width: number, title: string, metrics: unknown[][], extra: Record<string, unknown> = {}) =>
    widgets.push({
      type: "metric",
      x,
      y,
      width,
      height: 6,
      properties: { title, region: input.region, view: "timeSeries", period: 60, metrics, ...extra },
    });

  const alarmArns = input.services.flatMap((s) =>
    s.alarmNames.map((n) => `arn:aws:cloudwatch:${input.region}:${input.accountId}:alarm:${n}`),
  );
  for (let i = 0; i < alarmArns.length; i += MAX_ALARM_WIDGET_ALARMS) {
    const title =
      alarmArns.length > MAX_ALARM_WIDGET_ALARMS
        ? `Deployment alarms ${i + 1}-${Math.min(i + MAX_ALARM_WIDGET_ALARMS, alarmArns.length)} (ALARM rolls the deployment back)`
        : "Deployment alarms (ALARM rolls the deployment back)";
    widgets.push({
      type: "alarm",
      x: 0,
      y,
      width: 24,
      height: 3,
      properties: { title, alarms: alarmArns.slice(i, i + MAX_ALARM_WIDGET_ALARMS) },
    });
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
      const lb = s.loadBalancerArnSuffix;
      const groups = [
        s.targetGroupArnSuffix,
        ...(s.alternateTargetGroupArnSuffix ? [s.alternateTargetGroupArnSuffix] : []),
      ];
      // One target group: the plain labels; two: each series names its group (ECS swaps which one is production).
      const series = (metricName: string, stat: string, label: string) =>
        groups.map((g) => [
          "AWS/ApplicationELB",
          metricName,
          "TargetGroup",
          g,
          "LoadBalancer",
          lb,
          { stat, label: groups.length > 1 ? `${label} ${targetGroupLabel(g)}` : label },
        ]);
      metric(0, 8, "Traffic and errors", [
        ...series("RequestCount", "Sum", "requests"),
        ...series("HTTPCode_Target_5XX_Count", "Sum", "target 5xx"),
        ...series("HTTPCode_Target_4XX_Count", "Sum", "target 4xx"),
      ]);
      metric(8, 8, "Latency (s)", [
        ...series("TargetResponseTime", "p50", "p50"),
        ...series("TargetResponseTime", "p99", "p99"),
      ]);
      metric(16, 8, "Targets", [
        ...series("HealthyHostCount", "Minimum", "healthy"),
        ...series("UnHealthyHostCount", "Maximum", "unhealthy"),
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
      widgets.push({
        type: "text",
        x: 0,
        y,
        width: 8,
        height: 6,
        properties: { markdown: "Task counts need Container Insights (`berth:cluster.containerInsights`)." },
      });
    }
    metric(
      8,
      8,
      "CPU utilization (%)",
      [
        ["AWS/ECS", "CPUUtilization", ...ecs, { stat: "Average", label: "average" }],
        ["AWS/ECS", "CPUUtilization", ...ecs, { stat: "Maximum", label: "maximum" }],
      ],
      { yAxis: { left: { min: 0, max: 100 } } },
    );
    metric(
      16,
      8,
      "Memory utilization (%)",
      [
        ["AWS/ECS", "MemoryUtilization", ...ecs, { stat: "Average", label: "average" }],
        ["AWS/ECS", "MemoryUtilization", ...ecs, { stat: "Maximum", label: "maximum" }],
      ],
      { yAxis: { left: { min: 0, max: 100 } } },
    );
    y += 6;
  }
  return { widgets };
}

interface StackDashboardArgs {
  /** The account and region the widgets read. */
  aws: AwsSettings;
  /** Dashboards `<project>-<stack>`, `<project>-<stack>-2`, ... */
  project: string;
  stack: string;
  clusterName: pulumi.Input<string>;
  eventsLogGroupName: pulumi.Input<string>;
  services: {
    name: string;
    alarmNames: string[];
    targetGroupArnSuffix?: pulumi.Input<string>;
    alternateTargetGroupArnSuffix?: pulumi.Input<string>;
    loadBalancerArnSuffix?: pulumi.Input<string>;
  }[];
  containerInsights: boolean;
}

export class StackDashboard extends pulumi.ComponentResource {
  /** The first dashboard, `<project>-<stack>`. */
  readonly dashboard: aws.cloudwatch.Dashboard;
  /** Every dashboard of the stack, in page order (`<project>-<stack>`, `<project>-<stack>-2`, ...). */
  readonly dashboards: aws.cloudwatch.Dashboard[];

  constructor(name: string, args: StackDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:observability:Dashboard", name, {}, opts);
    const { region, accountId } = args.aws;
    const base = `${args.project}-${args.stack}`;
    const pages = dashboardPages(
      args.services.map((s) => ({
        ...s,
        routed: s.targetGroupArnSuffix !== undefined && s.loadBalancerArnSuffix !== undefined,
      })),
    );
    this.dashboards = pages.map((page, i) => {
      const services = pulumi.all(
        page.map((s) =>
          pulumi
            .all([s.targetGroupArnSuffix, s.alternateTargetGroupArnSuffix, s.loadBalancerArnSuffix])
            .apply(([tg, alt, lb]) => ({
              name: s.name,
              alarmNames: s.alarmNames,
              targetGroupArnSuffix: tg,
              alternateTargetGroupArnSuffix: alt,
              loadBalancerArnSuffix: lb,
            })),
        ),
      );
      // Logical names `<name>`, `<name>-2`, ...: the first is the dashboard a one-page stack always had.
      return new aws.cloudwatch.Dashboard(
        dashboardName(name, i),
        {
          dashboardName: dashboardName(base, i),
          dashboardBody: pulumi
            .all([args.clusterName, args.eventsLogGroupName, services])
            .apply(([clusterName, eventsLogGroupName, svcs]) =>
              JSON.stringify(
                renderDashboardBody({
                  region,
                  accountId,
                  clusterName,
                  eventsLogGroupName,
                  services: svcs,
                  containerInsights: args.containerInsights,
                }),
              ),
            ),
        },
        { parent: this },
      );
    });
    this.dashboard = this.dashboards[0]!;
    this.registerOutputs({ dashboardNames: this.dashboards.map((d) => d.dashboardName) });
  }
}
