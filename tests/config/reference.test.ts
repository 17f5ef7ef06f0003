// The settings declarations (infra/config/declare.ts, BERTH) are the one source of the defaults, the reference pages
// (docs/reference/), Pulumi.yaml's note block, the offline plan's hardening map and the opt-out warnings.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { BERTH, HARDENING_SETTINGS, loadSettings } from "../../infra/config";
import { CLUSTER, LOAD_BALANCER } from "../../infra/config/network";
import { walk, type Field, type Fields } from "../../infra/config/declare";
import { berthRules } from "../../policy/rules";
import { PAGES, renderAll, renderPage } from "../../offline/reference";
import { fixtureStackConfig } from "../support/fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const SHA = "0123456789abcdef0123456789abcdef01234567";
const GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });
const staging = () =>
  loadSettings({ ...fixtureStackConfig("staging"), "berth:imageSha": SHA }, { stack: "staging", git: GIT });

test("the committed reference pages and Pulumi.yaml's generated block equal their rendering (node --import tsx offline/reference.ts)", () => {
  const files = renderAll(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
  assert.equal(files.size, PAGES.length + 1);
  for (const [file, content] of files)
    assert.equal(fs.readFileSync(path.join(ROOT, file), "utf8"), content, `${file} is out of date`);
});

test("every declared key is on exactly one reference page", () => {
  const seen = new Map<string, number>();
  for (const page of PAGES) for (const key of page.keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  for (const key of Object.keys(BERTH)) assert.equal(seen.get(key), 1, `berth:${key}`);
});

test("a default is one edit: changing a declaration's default changes the reading and the rendered page", () => {
  const page = PAGES.find((p) => p.keys.includes("cluster"))!;
  const before = renderPage(page);
  assert.equal(staging().cluster!.fargateSpot, false);
  const field = CLUSTER.fargateSpot as { default: unknown };
  field.default = true;
  try {
    assert.equal(staging().cluster!.fargateSpot, true, "the reader takes the declared default");
    const after = renderPage(page);
    assert.notEqual(after, before);
    assert.match(after, /\| `berth:cluster\.fargateSpot` \| boolean \| `true` \|/);
  } finally {
    field.default = false;
  }
  // A per-environment default: prod's is read in prod and rendered in the prod column.
  const lb = LOAD_BALANCER.deletionProtection as unknown as { default: { perEnvironment: Record<string, boolean> } };
  lb.default.perEnvironment.staging = true;
  try {
    assert.equal(staging().loadBalancer!.deletionProtection, true);
    assert.match(renderPage(page), /deletionProtection` \| boolean \| staging: `true`<br>prod: `true`/);
  } finally {
    lb.default.perEnvironment.staging = false;
  }
  assert.equal(renderPage(page), before);
});

test("every hardening declaration names an existing rule of policy/rules.ts, and has a warning", () => {
  const names = new Set(berthRules.map((r) => r.name));
  let count = 0;
  walk(BERTH as Fields, "berth", (f: Field, key) => {
    if (!f.hardening) return;
    count++;
    assert.ok(f.hardening.warning.length > 10, `${key} has a warning`);
    for (const rule of [f.hardening.rule, f.hardening.localRule])
      if (rule) assert.ok(names.has(rule), `${key}: ${rule} is a rule of policy/rules.ts`);
  });
  assert.equal(HARDENING_SETTINGS.length, count, "the offline plan's map lists every hardening declaration");
  assert.ok(count >= 22);
});

test("the offline plan's hardening map: a declared secure value keeps hardening on, the opt-out does not", () => {
  const byKey = new Map(HARDENING_SETTINGS.map((s) => [s.key, s]));
  const ro = byKey.get("berth:services.<service>.hardening.readonlyRootFilesystem")!;
  assert.equal(ro.secure(undefined), true);
  assert.equal(ro.secure("false"), false);
  assert.equal(ro.secure(true), true);
  assert.equal(ro.localRule, "berth-docker-readonly-root");
  const force = byKey.get("berth:ecr.forceDelete")!;
  assert.equal(force.secure(false), true);
  assert.equal(force.secure("true"), false);
  assert.equal(byKey.get("berth:cluster.containerInsights")!.secure("disabled"), false);
  assert.equal(byKey.get("berth:network.flowLogsTrafficType")!.secure("ACCEPT"), false);
  assert.equal(byKey.get("berth:network.flowLogsTrafficType")!.secure("REJECT"), true);
});
