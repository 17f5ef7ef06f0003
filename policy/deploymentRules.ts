/**
 * ECS deployments: how a new revision takes traffic, and the alarms that stop it. Advisory by default (every stack
 * sees the finding); prod's pack config (policy/config/prod.json) makes both mandatory.
 */
import type { Unwrap } from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { asArray, resourceRule, stackRule } from "./rule";

const ECS_SERVICE = "aws:ecs/service:Service";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

type Service = Unwrap<aws.ecs.ServiceArgs>;

/** ECS's defaults for a REPLICA service (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html). */
const DEFAULT_MAXIMUM_PERCENT = 200;
const DEFAULT_MINIMUM_HEALTHY_PERCENT = 100;

/**
 * Why a service's deployment moves all of its traffic (or all of its tasks) to the new revision in one step, or
 * undefined when it moves in steps. Decided here:
 * - CANARY and LINEAR shift production traffic in steps: progressive unless the first step is already 100 %.
 * - BLUE_GREEN moves 100 % of production traffic at once after the test traffic: all at once (a canary is blue/green
 *   with a first partial step; choose `canary` for that).
 * - ROLLING replaces up to (maximumPercent - minimumHealthyPercent) % of the desired count at a time: at 100 or more
 *   (ECS's default 200/100 included) the whole service is replaced in one step.
 */
function allAtOnceReason(svc: Service): string | undefined {
  const config = svc.deploymentConfiguration;
  const strategy = String(config?.strategy ?? "ROLLING");
  switch (strategy) {
    case "CANARY": {
      const percent = Number(config?.canaryConfiguration?.canaryPercent);
      return Number.isFinite(percent) && percent < 100
        ? undefined
        : `CANARY with canaryPercent ${config?.canaryConfiguration?.canaryPercent ?? "(unset)"}: the first step already moves all traffic.`;
    }
    case "LINEAR": {
      const step = Number(config?.linearConfiguration?.stepPercent);
      return Number.isFinite(step) && step < 100
        ? undefined
        : `LINEAR with stepPercent ${config?.linearConfiguration?.stepPercent ?? "(unset)"}: one step moves all traffic.`;
    }
    case "BLUE_GREEN":
      return "BLUE_GREEN moves 100% of production traffic to the new revision in one shift; use CANARY (berth deployment.strategy canary) or LINEAR.";
    case "ROLLING": {
      const max = Number(svc.deploymentMaximumPercent ?? DEFAULT_MAXIMUM_PERCENT);
      const min = Number(svc.deploymentMinimumHealthyPercent ?? DEFAULT_MINIMUM_HEALTHY_PERCENT);
      if (max - min < 100) return undefined;
      return `ROLLING with maximumPercent ${max} and minimumHealthyPercent ${min}: ECS may replace ${max - min}% of the desired count at once, the whole service in one step.`;
    }
    default:
      return `deploymentConfiguration.strategy ${JSON.stringify(strategy)} is not one ECS knows (ROLLING, CANARY, LINEAR, BLUE_GREEN).`;
  }
}

const routed = (svc: Service) => asArray(svc.loadBalancers).length > 0;

export const ecsProgressiveDeployment = resourceRule<Service>({
  name: "berth-ecs-progressive-deployment",
  summary:
    "Services behind a load balancer take a new revision progressively (canary, linear, or a rolling update in batches), not all at once.",
  controls: {
    other:
      "AWS ECS deployment strategies: canary and linear (ECS developer guide, deployment-type-canary / deployment-type-linear)",
  },
  resourceTypes: [ECS_SERVICE],
  enforcementLevel: "advisory",
  remediationSteps: "Set `berth:services.<name>.deployment.strategy` to canary (prod's default) or linear.",
  validate: (svc, _a, report) => {
    // A service without a load balancer has no traffic to shift: ECS refuses canary, linear and blue/green for it.
    if (!routed(svc)) return;
    const why = allAtOnceReason(svc);
    if (why) report(why);
  },
});

/** The metric names an alarm reads, directly or in its metric math queries. */
function alarmMetrics(alarm: PolicyResource): string[] {
  const direct = alarm.props.metricName ? [String(alarm.props.metricName)] : [];
  return [
    ...direct,
    ...asArray(alarm.props.metricQueries as Record<string, any>[])
      .map((q) => q?.metric?.metricName)
      .filter((m): m is string => typeof m === "string"),
  ];
}

export const ecsDeploymentAlarms = stackRule({
  name: "berth-ecs-deployment-alarms",
  summary:
    "Every ECS service attaches CloudWatch alarms of the stack to its deployment with rollback (a routed service's include the target 5xx rate).",
  controls: { other: "AWS ECS: CloudWatch alarms detect deployment failures (deployment-alarm-failure.html)" },
  resourceTypes: [ECS_SERVICE, METRIC_ALARM],
  enforcementLevel: "advisory",
  remediationSteps:
    "Leave `berth:alarms.enabled` and `berth:alarms.services.<name>.enabled` and `.rollback` unset or true.",
  validate: (args, report) => {
    // Joined on alarm names: inputs the program sets explicitly, known in a first preview (no ARN needed).
    const alarms = new Map<string, PolicyResource>();
    for (const r of args.resources)
      if (r.type === METRIC_ALARM && typeof r.props.name === "string") alarms.set(r.props.name, r);
    for (const svc of args.resources.filter((r) => r.type === ECS_SERVICE)) {
      const label = `ECS service ${JSON.stringify(svc.props.name ?? svc.name)}`;
      const a = svc.props.alarms as Service["alarms"] | undefined;
      const names = asArray(a?.alarmNames).map(String);
      if (!a || names.length === 0) {
        report(
          `${label} has no deployment alarms: a revision that serves errors stays until someone notices.`,
          svc.urn,
        );
        continue;
      }
      if (a.enable !== true)
        report(`${label}: alarms.enable is not true: ECS ignores its alarms during deployments.`, svc.urn);
      if (a.rollback !== true)
        report(
          `${label}: alarms.rollback is not true: an alarm fails the deployment but leaves the bad revision running.`,
          svc.urn,
        );
      const missing = names.filter((n) => !alarms.has(n));
      if (missing.length)
        report(
          `${label} attaches alarm(s) ${missing.join(", ")} that no MetricAlarm of the stack is named: ECS would watch nothing.`,
          svc.urn,
        );
      const attached = names.map((n) => alarms.get(n)).filter((x): x is PolicyResource => x !== undefined);
      if (
        routed(svc.props as Service) &&
        missing.length === 0 &&
        !attached.some((x) => alarmMetrics(x).includes("HTTPCode_Target_5XX_Count"))
      ) {
        report(
          `${label} is behind a load balancer but none of its deployment alarms reads HTTPCode_Target_5XX_Count: a revision answering 5xx is not rolled back.`,
          svc.urn,
        );
      }
    }
  },
});

export const deploymentRules = [ecsProgressiveDeployment, ecsDeploymentAlarms];
