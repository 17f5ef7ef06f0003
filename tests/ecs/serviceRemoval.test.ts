// Removing one service from the stack config removes exactly its resources: the staging stack with and without
// `worker`, each captured in its own process. Its deployment alarms go with it (they are the worker's). Everything
// else registers with the same inputs, except the ECR pull grant, which lists the remaining services' execution roles
// only, and the stack's dashboard, which has a row per service and shows every service's alarms.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../../offline/mockRuntime";
import { expectedServiceResources, FARGATE_SERVICE } from "./servicesStack";

interface Captured {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  urn?: string;
  parentUrn?: string;
}

function capture(stack: string, drop?: string): Captured[] {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "captureResources.ts"), stack, ...(drop ? [drop] : [])],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(out) as Captured[];
}

const key = (r: Captured) => `${r.type} ${r.name}`;
let full: Captured[];
let reduced: Captured[];

before(() => {
  full = capture("staging");
  reduced = capture("staging", "worker");
});

test("the full stack has both services; the reduced one only web", () => {
  assert.deepEqual(
    full
      .filter((r) => r.type === FARGATE_SERVICE)
      .map((r) => r.name)
      .sort(),
    ["web", "worker"],
  );
  assert.deepEqual(
    reduced.filter((r) => r.type === FARGATE_SERVICE).map((r) => r.name),
    ["web"],
  );
});

const SERVICE_ALARMS = "berth:observability:ServiceAlarms";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";

test("exactly the worker's resources are gone, its deployment alarms with them, nothing is added", () => {
  const reducedKeys = new Set(reduced.map(key));
  const fullKeys = new Set(full.map(key));
  const removed = full
    .map(key)
    .filter((k) => !reducedKeys.has(k))
    .sort();
  // A worker's alarms (issue 12: running tasks below desired, CPU and memory high), in its ServiceAlarms component.
  const workerAlarms = ["cpu-high", "memory-high", "running-tasks"].map(
    (kind) => `${METRIC_ALARM} worker-alarms-${kind}`,
  );
  assert.deepEqual(
    removed,
    [
      ...expectedServiceResources("worker"),
      `${FARGATE_SERVICE} worker`,
      `${SERVICE_ALARMS} worker-alarms`,
      ...workerAlarms,
    ].sort(),
  );
  assert.deepEqual(
    reduced.map(key).filter((k) => !fullKeys.has(k)),
    [],
  );
  // Those alarms are the worker's: children of worker-alarms, exactly the ones its ECS service attaches.
  const component = full.find((r) => key(r) === `${SERVICE_ALARMS} worker-alarms`)!;
  const children = full.filter((r) => r.parentUrn === component.urn);
  assert.deepEqual(children.map(key).sort(), workerAlarms.sort());
  const service = full.find((r) => key(r) === "aws:ecs/service:Service worker")!;
  assert.deepEqual(
    [...(service.inputs.alarms as { alarmNames: string[] }).alarmNames].sort(),
    children.map((a) => String(a.inputs.name)).sort(),
  );
  // web keeps its own.
  assert.ok(reducedKeys.has(`${SERVICE_ALARMS} web-alarms`));
});

/** The dashboard's widgets without their grid position (a removed row moves the rows below it up). */
function dashboardWidgets(resources: Captured[]): Record<string, unknown>[] {
  return resources
    .filter((r) => r.type === DASHBOARD)
    .flatMap((r) =>
      (JSON.parse(String(r.inputs.dashboardBody)).widgets as Record<string, unknown>[]).map(
        ({ x: _x, y: _y, ...w }) => w,
      ),
    );
}

test("every other resource keeps its inputs, except the ECR pull grant (the worker's execution role is no longer in it) and the dashboard (the worker's row and alarms leave it)", () => {
  const before = new Map(full.map((r) => [key(r), r]));
  const changed = reduced
    .filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(before.get(key(r))!.inputs))
    .map(key)
    .sort();
  const dashboards = reduced.filter((r) => r.type === DASHBOARD).map(key);
  assert.ok(dashboards.length > 0, "the stack has a dashboard");
  assert.deepEqual(changed, ["aws:ecr/repositoryPolicy:RepositoryPolicy pull", ...dashboards].sort());
  const grant = reduced.find((r) => key(r) === "aws:ecr/repositoryPolicy:RepositoryPolicy pull")!;
  const allow = JSON.parse(String(grant.inputs.policy)).Statement.find((s: any) => s.Effect === "Allow");
  const principals = (grantIn: Captured[]) =>
    JSON.parse(
      String(grantIn.find((r) => key(r) === "aws:ecr/repositoryPolicy:RepositoryPolicy pull")!.inputs.policy),
    ).Statement.find((s: any) => s.Effect === "Allow").Principal.AWS as string[];
  const gone = principals(full).filter((p) => !principals(reduced).includes(p));
  assert.deepEqual(gone, ["arn:aws:iam::111111111111:role/berth-staging-worker-execution"]);
  assert.ok(allow.Principal.AWS.includes("arn:aws:iam::111111111111:role/berth-staging-web-execution"));

  // The dashboard loses exactly what names the worker (its row, its alarms in the alarm widget); every other widget stays.
  const workerAlarmArns = full
    .filter((r) => r.type === METRIC_ALARM && r.name.startsWith("worker-alarms-"))
    .map((r) => `:alarm:${String(r.inputs.name)}`);
  assert.ok(
    dashboardWidgets(full).some((w) => JSON.stringify(w).includes("worker")),
    "the full dashboard shows the worker",
  );
  const withoutWorker = dashboardWidgets(full)
    .filter((w) => !(w.type !== "alarm" && JSON.stringify(w).includes("worker")))
    .map((w) => {
      if (w.type !== "alarm") return w;
      const props = w.properties as { alarms: string[] };
      return {
        ...w,
        properties: {
          ...props,
          alarms: props.alarms.filter((a) => !workerAlarmArns.some((suffix) => a.endsWith(suffix))),
        },
      };
    });
  assert.deepEqual(dashboardWidgets(reduced), withoutWorker);
  assert.ok(
    !JSON.stringify(dashboardWidgets(reduced)).includes("worker"),
    "nothing of the worker is left on the dashboard",
  );
});
