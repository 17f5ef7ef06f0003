/**
 * The pull request's cost change (offline/costDiff.ts): the base and head plans' estimates compared line by line,
 * rendered as the Markdown section the preview workflow adds to its comment.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CapturedResource } from "../../offline/mockRuntime";
import { estimateCost } from "../../offline/cost";
import { costSectionMarker, diffCost, parsePlanOutput, renderCostDiff } from "../../offline/costDiff";
import { REPO_ROOT } from "../../offline/mockRuntime";

const res = (type: string, name: string, inputs: Record<string, any> = {}): CapturedResource => ({
  type,
  name,
  inputs,
  state: inputs,
  custom: true,
});
const BASE = [res("aws:ec2/natGateway:NatGateway", "nat-a"), res("aws:kms/key:Key", "key")];
const plan = (resources: CapturedResource[]) => ({ stack: "staging", cost: estimateCost(resources, "eu-west-1") });

test("a NAT gateway added by the pull request is one added line, and the change is head total minus base total", () => {
  const base = plan(BASE);
  const head = plan([...BASE, res("aws:ec2/natGateway:NatGateway", "nat-b")]);
  const d = diffCost("staging", base, head);
  assert.equal(d.delta, Math.round((head.cost.total - base.cost.total) * 100) / 100);
  assert.ok(d.delta! > 0);
  assert.deepEqual(
    d.changes.map((c) => [c.key, c.base, c.head]),
    [["nat-b NAT gateway hours", undefined, head.cost.lines.find((l) => l.resource === "nat-b")!.monthly]],
  );
  const md = renderCostDiff(d);
  assert.ok(md.startsWith(costSectionMarker("staging")));
  assert.match(
    md,
    new RegExp(
      `\\$${base.cost.total.toFixed(2)} → \\$${head.cost.total.toFixed(2)}\\*\\* a month \\(\\+\\$${d.delta!.toFixed(2)}\\)`,
    ),
  );
  assert.match(md, /\| nat-b NAT gateway hours \| — \| \$\d+\.\d\d \| \+\$\d+\.\d\d \|/);
  assert.match(md, /An estimate: list prices of \d{4}-\d{2}-\d{2}.*Left out: traffic, data processed, requests/);
});

test("a removed resource is a negative line; an unchanged plan says no line changed", () => {
  const removed = diffCost("prod", plan(BASE), plan(BASE.slice(1)));
  assert.ok(removed.delta! < 0);
  assert.equal(removed.changes[0].key, "nat-a NAT gateway hours");
  assert.equal(removed.changes[0].head, undefined);
  assert.match(renderCostDiff(removed), /\| nat-a NAT gateway hours \| \$\d+\.\d\d \| — \| -\$\d+\.\d\d \|/);
  const same = diffCost("prod", plan(BASE), plan(BASE));
  assert.equal(same.delta, 0);
  assert.deepEqual(same.changes, []);
  assert.match(renderCostDiff(same), /\(\$0\.00\)[\s\S]*No cost line changed\./);
});

test("a base planned before the estimate existed, a failed plan and an unknown region are said, not thrown", () => {
  const noBase = renderCostDiff(diffCost("staging", { stack: "staging" }, plan(BASE)));
  assert.match(noBase, /\*\*\$\d+\.\d\d\*\* a month with this pull request \(base branch: no estimate in this plan/);
  const failed = renderCostDiff(
    diffCost("staging", plan(BASE), { error: "ConfigError: berth:services.web.cpu\nmore" }),
  );
  assert.match(failed, /No estimate for this pull request: the plan failed: ConfigError: berth:services\.web\.cpu\./);
  const region = renderCostDiff(diffCost("staging", plan(BASE), { cost: { error: 'no prices for region "xx-1"' } }));
  assert.match(region, /No estimate for this pull request: no prices for region "xx-1"/);
  assert.match(
    renderCostDiff(diffCost("staging", undefined, undefined)),
    /No estimate for this pull request: no plan output/,
  );
});

test("the command: reads two plan outputs (info lines before the JSON allowed, a missing base file allowed) and prints the section", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-costdiff-"));
  const headFile = path.join(dir, "head.json");
  fs.writeFileSync(
    headFile,
    `info: a line the SDK printed\n${JSON.stringify(plan([...BASE, res("aws:kms/key:Key", "key2")]))}\n`,
  );
  fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify(plan(BASE)));
  const run = (...args: string[]) =>
    execFileSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "offline", "costDiff.ts"), ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
  const out = run("--stack", "staging", path.join(dir, "base.json"), headFile);
  assert.match(out, /^<!-- berth-cost:staging -->/);
  assert.match(out, /\| key2 KMS customer-managed key \| — \| \$1\.00 \| \+\$1\.00 \|/);
  const noBase = run("--stack", "staging", path.join(dir, "absent.json"), headFile);
  assert.match(noBase, /base branch: no plan output/);
  fs.writeFileSync(path.join(dir, "garbage.json"), "Error: the plan crashed before printing JSON\n");
  const garbage = run("--stack", "staging", path.join(dir, "garbage.json"), headFile);
  assert.match(garbage, /base branch: the plan failed: unreadable plan output \(no JSON object in the plan output\)/);
  assert.throws(() => run("--stack", "staging", headFile), /usage/);
  assert.throws(() => parsePlanOutput("no json here"), /no JSON object/);
});
