/**
 * Alarms and notifications (`berth:alarms`, `berth:notifications`): the thresholds of the alarms every service gets
 * by default and attaches to its ECS deployment (infra/observability/), and who hears about them.
 *
 *   berth:alarms:
 *     errorRatePercent: 5          # stack-wide defaults of every service...
 *     services:
 *       web: { p99LatencyMs: 800 } # ...overridden per service (the same keys, plus `enabled`)
 *   berth:notifications:
 *     emails: [oncall@example.com]
 *     httpsEndpoints: [https://hooks.example.com/berth]
 *
 * All defaults live here. Every alarm evaluates one-minute periods, so `evaluationPeriods` is also the number of
 * minutes a breach must last: short enough that ECS sees the alarm inside a deployment's bake time (in prod a bake
 * time shorter than it is refused, naming the bake time's key).
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./environment";
import { shiftsTraffic, type ServiceSettings } from "./services";
import { boolean, defaultIn, integer, section, sections, stringList, type Fields, type Infer } from "./declare";

/** One service's alarms (the stack-wide values with the service's overrides applied), as ALARM_THRESHOLDS declares them. */
export type ServiceAlarmSettings = Infer<typeof ALARM_THRESHOLDS>;

export interface AlarmSettings {
  /** By service name: every service of `berth:services` has an entry. */
  services: Record<string, ServiceAlarmSettings>;
}

export type NotificationSettings = Infer<typeof NOTIFICATIONS>;

/** Keys that only make sense behind the load balancer: refused for a service with no `route`. */
const ROUTED_ONLY_ALARM_KEYS = ["errorRatePercent", "errorRateMinRequests", "p99LatencyMs", "unhealthyHosts"] as const;
/** Keys of the worker alarms: refused for a routed service (it scales on CPU and memory instead). */
const WORKER_ONLY_ALARM_KEYS = ["cpuPercent", "memoryPercent"] as const;

/** A plain address `local@domain.tld` (SNS refuses what is not one). */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The thresholds of `berth:alarms` (stack-wide) and `berth:alarms.services.<name>` (the same keys, per service). */
const ALARM_THRESHOLDS = {
  enabled: boolean({ default: true, doc: "The service's alarms are created and attached to its deployment." }),
  rollback: boolean({
    default: true,
    doc: "ECS rolls a deployment back when one of the alarms goes to ALARM during it (false: ECS only marks it FAILED).",
  }),
  errorRatePercent: integer({
    default: 5,
    min: 1,
    max: 100,
    doc: "Routed services: target 5xx responses as a percentage of requests, per minute.",
  }),
  errorRateMinRequests: integer({
    default: 10,
    min: 1,
    max: 1_000_000,
    doc: "Routed services: minutes with fewer requests do not count for the error rate.",
  }),
  p99LatencyMs: integer({
    default: 2000,
    min: 10,
    max: 120_000,
    allowed:
      "an integer from 10 to 120000 (milliseconds; the ALB's idle timeout caps a response at 4000 s, Berth at 2 minutes)",
    doc: "Routed services: p99 TargetResponseTime in milliseconds.",
  }),
  unhealthyHosts: integer({
    default: 0,
    min: 0,
    max: 1000,
    doc: "Routed services: the alarm fires when more targets than this are unhealthy.",
  }),
  cpuPercent: integer({ default: 90, min: 10, max: 100, doc: "Workers: average CPU utilization of the tasks." }),
  memoryPercent: integer({ default: 90, min: 10, max: 100, doc: "Workers: average memory utilization of the tasks." }),
  // ECS watches the alarms only while a deployment runs and during its bake time: a breach that must last longer
  // than ten minutes would outlast a short bake and never roll back
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html).
  evaluationPeriods: integer({
    default: 3,
    min: 1,
    max: 10,
    allowed:
      "an integer from 1 to 10 (one-minute periods; ECS only watches the alarms during a deployment and its bake time)",
    doc: "Consecutive one-minute periods a threshold must be breached (in prod, at most the bake times).",
  }),
} as const;

/** `berth:alarms`. */
export const ALARMS = {
  ...ALARM_THRESHOLDS,
  services: sections(section(ALARM_THRESHOLDS, { doc: "Overrides of one service." }), {
    itemName: "<name>",
    doc: "Per-service overrides of the stack-wide thresholds (a service of berth:services).",
  }),
} as const;

/** `berth:notifications`. */
export const NOTIFICATIONS = {
  emails: stringList({
    default: [],
    pattern: EMAIL,
    allowed: "a list of email addresses (local@domain.tld)",
    doc: "Email subscriptions of the stack's SNS topic (each confirmed from the email SNS sends).",
  }),
  httpsEndpoints: stringList({
    default: [],
    allowed: "a list of https:// URLs",
    doc: "HTTPS endpoint subscriptions (SNS posts a SubscriptionConfirmation the endpoint must confirm).",
  }),
} as const;

export const ALARM_DEFAULTS = Object.fromEntries(
  Object.entries(ALARM_THRESHOLDS as Fields).map(([k, f]) => [
    k,
    defaultIn("default" in f ? f.default : undefined, "staging"),
  ]),
) as unknown as ServiceAlarmSettings;

function readThresholds(s: ConfigSection, base: ServiceAlarmSettings): ServiceAlarmSettings {
  const out = {} as Record<string, unknown>;
  for (const key of Object.keys(ALARM_THRESHOLDS) as (keyof ServiceAlarmSettings)[])
    out[key] = s.get(key, ALARM_THRESHOLDS, { default: base[key] });
  return out as unknown as ServiceAlarmSettings;
}

/**
 * The bake times of a prod service that must outlast its alarms' evaluation window, with their settings keys. ECS
 * watches a deployment's alarms only while the deployment runs, including its bake time
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html; the blue/green workflow's
 * monitoring phase, blue-green-deployment-how-it-works.html), and an alarm fires only after `evaluationPeriods`
 * breaching one-minute periods. So:
 * - `bakeTimeMinutes` (canary, linear, blueGreen): both revisions run after all production traffic moved; an alarm
 *   that needs longer cannot roll back before ECS stops the old revision and the deployment completes.
 * - `canaryBakeTimeMinutes` (canary): the canary step is the only time the new revision serves a small share; an
 *   alarm that needs longer fires only after 100 % moved, and the canary protected nothing.
 * Linear steps are not bound: the alarm still fires while later steps shift, before the final bake ends.
 * Staging is exempt: its defaults have no waits on purpose (a fast pipeline); its alarms still fail a deployment
 * that breaches while it runs. `evaluationPeriods` minutes is a floor: metric publication adds a minute or two.
 */
function bakeTimesWatchingAlarms(service: ServiceSettings): { key: string; minutes: number; what: string }[] {
  const d = service.deployment;
  if (!service.route || !shiftsTraffic(d)) return [];
  const key = `berth:services.${service.name}.deployment`;
  const out = [
    {
      key: `${key}.bakeTimeMinutes`,
      minutes: d.bakeTimeMinutes,
      what: "the bake time after all production traffic moved",
    },
  ];
  if (d.canary)
    out.push({
      key: `${key}.canaryBakeTimeMinutes`,
      minutes: d.canary.bakeTimeMinutes,
      what: `the canary step (${d.canary.percent}% of production traffic)`,
    });
  return out;
}

/**
 * Reads `berth:alarms`: the stack-wide thresholds, then `services.<name>` overrides. An override for a service that
 * is not declared, or a threshold of an alarm the service does not get (a load balancer alarm on a worker), is refused.
 * In prod, a bake time shorter than the service's alarm evaluation window is refused (bakeTimesWatchingAlarms).
 */
export function readAlarmSettings(
  a: ConfigSection,
  services: readonly ServiceSettings[],
  environment: Environment,
): AlarmSettings {
  const stackWide = readThresholds(a, ALARM_DEFAULTS);
  const overrides = new Map(a.sections("services"));
  const names = services.map((s) => s.name);
  for (const [name, section] of overrides) {
    if (!names.includes(name))
      a.problems.add(section.path, name, `a service of berth:services (${names.join(", ") || "none declared"})`);
  }
  const out: Record<string, ServiceAlarmSettings> = {};
  for (const service of services) {
    const section = overrides.get(service.name);
    if (!section) {
      out[service.name] = stackWide;
      continue;
    }
    const wrong = service.route ? WORKER_ONLY_ALARM_KEYS : ROUTED_ONLY_ALARM_KEYS;
    for (const key of wrong) {
      if (section.has(key)) {
        section.problems.add(
          section.keyPath(key),
          section.value(key),
          service.route
            ? `unset: ${service.name} is behind the load balancer and scales on CPU and memory; its alarms are the target group's 5xx rate, p99 latency, unhealthy hosts and running tasks`
            : `unset: ${service.name} has no route (no load balancer), so it has no target group alarms`,
        );
      }
    }
    out[service.name] = readThresholds(section, stackWide);
    section.done();
  }
  if (environment === "prod") {
    for (const service of services) {
      const alarms = out[service.name]!;
      if (!alarms.enabled) continue;
      const periodsKey = overrides.get(service.name)?.has("evaluationPeriods")
        ? `berth:alarms.services.${service.name}.evaluationPeriods`
        : "berth:alarms.evaluationPeriods";
      for (const bake of bakeTimesWatchingAlarms(service)) {
        // A bake time out of ECS's range is already refused (and read as its default): one problem per key.
        if (bake.minutes >= alarms.evaluationPeriods || a.problems.list.some((p) => p.key === bake.key)) continue;
        a.problems.add(
          bake.key,
          bake.minutes,
          `at least ${alarms.evaluationPeriods} minutes in prod: ${service.name}'s alarms fire after ${alarms.evaluationPeriods} breaching one-minute periods (${periodsKey}) and ECS watches them only while the deployment runs, so ${bake.what} must last that long for an alarm to roll it back; or lower ${periodsKey}`,
        );
      }
    }
  }
  a.done();
  return { services: out };
}

export function readNotificationSettings(n: ConfigSection): NotificationSettings {
  const emails = n.get("emails", NOTIFICATIONS);
  const httpsEndpoints = n.get("httpsEndpoints", NOTIFICATIONS);
  for (const url of httpsEndpoints) {
    let ok: boolean;
    try {
      ok = new URL(url).protocol === "https:";
    } catch {
      ok = false;
    }
    if (!ok)
      n.problems.add(
        n.keyPath("httpsEndpoints"),
        url,
        "an https:// URL (SNS HTTPS subscriptions; plain http is refused so alarm payloads are not sent in clear text)",
      );
  }
  for (const [key, list] of [
    ["emails", emails],
    ["httpsEndpoints", httpsEndpoints],
  ] as const) {
    const dup = list.find((v, i) => list.indexOf(v) !== i);
    if (dup)
      n.problems.add(n.keyPath(key), dup, "each endpoint once (SNS keeps one subscription per endpoint and protocol)");
  }
  n.done();
  return { emails, httpsEndpoints };
}
