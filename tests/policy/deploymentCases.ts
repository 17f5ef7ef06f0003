/**
 * Passing and failing inputs of the deployment rules (policy/deploymentRules.ts), merged into tests/policy/rules.test.ts
 * (every rule of the pack has its cases there). Not a test file.
 *
 * ECS semantics encoded here (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html):
 * a ROLLING deployment may run maximumPercent and must keep minimumHealthyPercent of the desired count, 200/100 by
 * default, so it may start a whole new set of tasks at once; CANARY/LINEAR shift canaryPercent/stepPercent at a time.
 */
import { subject } from "./ruleHarness";

const SVC = "aws:ecs/service:Service";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const lb = [{ targetGroupArn: "arn:tg", containerName: "web", containerPort: 8080 }];
const canary = {
  launchType: "FARGATE",
  loadBalancers: lb,
  deploymentConfiguration: {
    strategy: "CANARY",
    bakeTimeInMinutes: "10",
    canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "5" },
  },
};
const rolling = (max?: number, min?: number) => ({
  launchType: "FARGATE",
  loadBalancers: lb,
  deploymentConfiguration: { strategy: "ROLLING" },
  deploymentMaximumPercent: max,
  deploymentMinimumHealthyPercent: min,
});

export const deploymentResourceCases = {
  "berth-ecs-progressive-deployment": {
    type: SVC,
    pass: [
      canary,
      {
        ...canary,
        deploymentConfiguration: {
          strategy: "LINEAR",
          linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "2" },
        },
      },
      // 50 % of the tasks at a time.
      rolling(150, 100),
      // A worker (no load balancer) has no traffic to shift: ECS refuses the traffic-shifting strategies for it.
      {
        launchType: "FARGATE",
        loadBalancers: [],
        deploymentConfiguration: { strategy: "ROLLING" },
        deploymentMaximumPercent: 200,
        deploymentMinimumHealthyPercent: 100,
      },
    ],
    fail: [
      [rolling(200, 100), "200"] as [Record<string, any>, string],
      // ECS's defaults when nothing is set: 200/100.
      [{ launchType: "FARGATE", loadBalancers: lb }, "ROLLING with maximumPercent 200"],
      [rolling(100, 0), "replace 100%"],
      [{ ...canary, deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: "10" } }, "BLUE_GREEN"],
      [
        { ...canary, deploymentConfiguration: { strategy: "CANARY", canaryConfiguration: { canaryPercent: 100 } } },
        "canaryPercent 100",
      ],
      [
        { ...canary, deploymentConfiguration: { strategy: "LINEAR", linearConfiguration: { stepPercent: 100 } } },
        "stepPercent 100",
      ],
    ] as [Record<string, any>, string][],
  },
};

const service = (name: string, alarms: Record<string, any> | undefined, routed = true) =>
  subject(SVC, { name, launchType: "FARGATE", loadBalancers: routed ? lb : [], alarms }, name);
const alarm = (name: string, props: Record<string, any> = {}) =>
  subject(ALARM, { name, namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", ...props }, name);
const errorRate = (name: string) =>
  alarm(name, {
    metricName: undefined,
    namespace: undefined,
    metricQueries: [
      { id: "errors", metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count" } },
      { id: "rate", expression: "errors" },
    ],
  });
const attached = (...names: string[]) => ({ alarmNames: names, enable: true, rollback: true });

export const deploymentStackCases = {
  "berth-ecs-deployment-alarms": {
    pass: [
      [
        service("web", attached("w-5xx", "w-hosts")),
        errorRate("w-5xx"),
        alarm("w-hosts"),
        service("worker", attached("k-cpu"), false),
        alarm("k-cpu", { namespace: "AWS/ECS", metricName: "CPUUtilization" }),
      ],
    ],
    fail: [
      [[service("web", undefined), errorRate("w-5xx")], "has no deployment alarms"],
      [[service("web", { alarmNames: [], enable: true, rollback: true })], "has no deployment alarms"],
      [[service("web", { ...attached("w-5xx"), rollback: false }), errorRate("w-5xx")], "alarms.rollback is not true"],
      [[service("web", { ...attached("w-5xx"), enable: false }), errorRate("w-5xx")], "alarms.enable is not true"],
      [[service("web", attached("w-5xx", "typo")), errorRate("w-5xx")], "typo that no MetricAlarm"],
      [[service("web", attached("w-hosts")), alarm("w-hosts")], "HTTPCode_Target_5XX_Count"],
    ] as [ReturnType<typeof subject>[], string][],
  },
};
