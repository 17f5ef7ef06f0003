// A stack whose services need more than one dashboard: the staging extreme of tests/support/extremeConfigs.ts (100 routed
// services, canary by default) through the whole program under mocks. CloudWatch allows 0 to 500 widgets per dashboard
// and 1 to 100 alarm ARNs per alarm status widget
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html): the
// services in their settings order fill `<project>-<stack>`, then `<project>-<stack>-2`; the first keeps the logical
// name and dashboard name a one-page stack has, so growing past a page updates it in place instead of replacing it.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedResource, type CapturedStack } from "../../offline/mockRuntime";
import { loadSettings, type Settings } from "../../infra/config";
import { keySettings } from "../../offline/offlinePlan";
import { extremeCases } from "../support/extremeConfigs";

const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const extreme = extremeCases()[0]!;
let captured: CapturedStack;
let settings: Settings;
let dashboards: CapturedResource[];
const bodyOf = (d: CapturedResource) =>
  JSON.parse(d.inputs.dashboardBody) as { widgets: { type: string; properties: Record<string, any> }[] };

before(async () => {
  settings = loadSettings(extreme.config, {
    stack: extreme.stack,
    git: () => assert.fail("git is not read when berth:imageSha is set"),
  });
  const region = extreme.config["aws:region"] ?? "eu-west-1";
  const zones = extreme.zones ?? 3;
  captured = await captureStack({
    stack: extreme.stack,
    config: extreme.config,
    secretKeys: extreme.secretKeys,
    invokes: {
      "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        names: Array.from({ length: zones }, (_, z) => `${region}${String.fromCharCode(97 + z)}`),
        zoneIds: Array.from({ length: zones }, (_, z) => `az${z + 1}`),
        id: region,
      }),
    },
  });
  if (captured.error) throw captured.error;
  dashboards = captured.resources.filter((r) => r.type === DASHBOARD);
});

test("100 routed services: two dashboards, `<base>` (logical name `dashboard`, as a one-page stack has) and `<base>-2`", () => {
  assert.ok(settings.services.filter((s) => s.route).length >= 100);
  const base = `${settings.project}-${settings.stack}`;
  assert.deepEqual(
    dashboards.map((d) => [d.name, d.inputs.dashboardName]),
    [
      ["dashboard", base],
      ["dashboard-2", `${base}-2`],
    ],
  );
  const component = captured.resources.find((r) => r.type === "berth:observability:Dashboard");
  for (const d of dashboards) assert.equal(d.parentUrn, component!.urn);
});

test("each dashboard within 500 widgets, each alarm widget within 100 alarms; every service's row once, in settings order", () => {
  const headings: string[] = [];
  for (const d of dashboards) {
    const body = bodyOf(d);
    assert.ok(body.widgets.length <= 500, `${d.inputs.dashboardName}: ${body.widgets.length} widgets`);
    for (const w of body.widgets.filter((x) => x.type === "alarm"))
      assert.ok(
        w.properties.alarms.length >= 1 && w.properties.alarms.length <= 100,
        `${w.properties.alarms.length} alarms`,
      );
    assert.equal(body.widgets.filter((w) => w.type === "log").length, 1, "the deployment markers on every page");
    headings.push(
      ...body.widgets
        .filter((w) => w.type === "text" && /^### /.test(w.properties.markdown))
        .map((w) => w.properties.markdown.slice(4)),
    );
  }
  assert.deepEqual(
    headings,
    settings.services.map((s) => s.name),
  );
});

test("every MetricAlarm of the stack is on exactly one dashboard, with the services of its row", () => {
  const alarmNames = captured.resources
    .filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
    .map((r) => r.inputs.name as string);
  assert.ok(alarmNames.length >= 400);
  const shown = dashboards.flatMap((d) => {
    const body = bodyOf(d);
    const services = new Set(
      body.widgets
        .filter((w) => w.type === "text" && /^### /.test(w.properties.markdown))
        .map((w) => w.properties.markdown.slice(4)),
    );
    const arns: string[] = body.widgets.filter((w) => w.type === "alarm").flatMap((w) => w.properties.alarms);
    return arns.map((arn) => {
      const name = arn.split(":alarm:")[1]!;
      assert.ok(
        [...services].some((s) => name.startsWith(`${settings.project}-${settings.stack}-${s}-`)),
        `${name} on the page of its service`,
      );
      return name;
    });
  });
  assert.deepEqual([...shown].sort(), [...alarmNames].sort());
});

test("the plan prints one line per dashboard: its name and widget count", () => {
  for (const d of dashboards)
    assert.equal(
      keySettings(DASHBOARD, d.inputs),
      `name=${d.inputs.dashboardName} widgets=${bodyOf(d).widgets.length}`,
    );
});
