/**
 * Switching off any one hardening setting in a stack's config makes the offline plan exit non-zero and name the rule;
 * opting the stack out of that rule in its pack config makes it pass again, and the plan shows the opt-out.
 * (offline/plan.ts runs directly with this Node: the scripts/plan launcher only runs scripts/bootstrap first.)
 * Each case is a separate `offline/plan.ts` process (mock state is per process), with --config-override.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IMAGE_SHA, mandatoryRules, runPlan, runPlans, type PlanRun } from "./planRunner";

/** [stack, setting switched off, the rule that must then fail]. */
const SWITCHED_OFF: [string, string, string][] = [
  ["staging", "berth:ecr.scanOnPush=false", "berth-ecr-scan-on-push"],
  ["staging", "berth:services.web.hardening.readonlyRootFilesystem=false", "berth-ecs-readonly-root"],
  ["staging", "berth:services.web.hardening.nonRootUser=false", "berth-ecs-non-root-user"],
  ["staging", "berth:services.worker.hardening.nonBlockingLogs=false", "berth-ecs-awslogs-non-blocking"],
  ["staging", "berth:loadBalancer.dropInvalidHeaderFields=false", "berth-alb-drop-invalid-headers"],
  ["staging", "berth:cluster.containerInsights=disabled", "berth-ecs-container-insights"],
  ["staging", "berth:network.flowLogs=false", "berth-vpc-flow-logs"],
  ["staging", "berth:artifactRegistry.vulnerabilityScanning=false", "berth-ar-vulnerability-scanning"],
  ["prod", "berth:loadBalancer.deletionProtection=false", "berth-alb-deletion-protection"],
];

const common = ["--image-sha", IMAGE_SHA, "--json"];

/** The unchanged stacks, planned once for both tests below. */
const baselines = runPlans([
  ["staging", ...common],
  ["prod", ...common],
]).then(([staging, prod]) => ({ staging, prod }) as Record<string, PlanRun>);

test("each switched-off hardening setting fails the plan with exit 1, naming the rule (baseline: that rule passes)", async () => {
  const baseline = await baselines;
  const runs = await runPlans(SWITCHED_OFF.map(([s, kv]) => [s, ...common, "--config-override", kv]));
  for (const s of Object.keys(baseline))
    assert.ok(baseline[s].json, `baseline ${s} printed no JSON: ${baseline[s].stderr}`);
  SWITCHED_OFF.forEach(([stack, kv, rule], i) => {
    const run = runs[i];
    assert.ok(run.json, `${stack} ${kv}: no JSON output (exit ${run.code}): ${run.stderr.slice(0, 2000)}`);
    assert.equal(run.json.error, undefined, `${stack} ${kv}: the program failed: ${run.json.error}`);
    assert.equal(run.code, 1, `${stack} ${kv}: expected exit 1`);
    assert.ok(
      mandatoryRules(run).includes(rule),
      `${stack} ${kv}: ${rule} not among mandatory violations ${JSON.stringify(mandatoryRules(run))}`,
    );
    assert.ok(!mandatoryRules(baseline[stack]).includes(rule), `${stack}: ${rule} fails even without ${kv}`);
    const key = kv.split("=")[0];
    assert.ok(
      run.json.switchedOff.some((s: any) => s.key === key && s.rule === rule),
      `${kv} not listed as switched off with ${rule}`,
    );
  });
});

test("the unchanged staging and prod stacks pass the plan (exit 0)", async () => {
  const { staging, prod } = await baselines;
  for (const [name, run] of [
    ["staging", staging],
    ["prod", prod],
  ] as const) {
    assert.ok(run.json, `${name}: ${run.stderr.slice(0, 2000)}`);
    assert.deepEqual(mandatoryRules(run), [], `${name}: mandatory violations`);
    assert.equal(run.code, 0, `${name}: exit code`);
    assert.deepEqual(run.json.switchedOff, []);
    assert.ok(
      run.json.checkedResources >= 30,
      `${name}: the pack looked at only ${run.json.checkedResources} resources`,
    );
  }
});

test("the text plan says it is offline, highlights the switched-off setting and prints the violation with its control", async () => {
  const run = await runPlan([
    "staging",
    "--image-sha",
    IMAGE_SHA,
    "-c",
    "berth:services.web.hardening.readonlyRootFilesystem=false",
  ]);
  assert.equal(run.code, 1);
  assert.match(
    run.stdout,
    /^OFFLINE: the program ran under Pulumi mocks\. No cloud account, no Pulumi CLI, no credentials/m,
  );
  assert.match(run.stdout, /synthesised placeholders/);
  assert.match(
    run.stdout,
    />>> berth:services\.web\.hardening\.readonlyRootFilesystem = false {2}-> {2}rule berth-ecs-readonly-root \(mandatory\): the plan fails/,
  );
  assert.match(
    run.stdout,
    /MANDATORY berth-ecs-readonly-root {2}web \(aws:ecs\/taskDefinition:TaskDefinition\) {2}\[FSBP ECS\.5; Checkov CKV_AWS_336/,
  );
  assert.match(run.stdout, /readonlyRoot=OFF/);
  assert.match(run.stdout, /✗ VIOLATION/);
  assert.match(run.stdout, /^Result: FAILED \(exit 1/m);
});

test("opting the stack out of the rule in its pack config (advisory / disabled) passes that rule, and the plan shows the opt-out", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-plan-"));
  const advisory = path.join(dir, "advisory.json");
  const disabled = path.join(dir, "disabled.json");
  fs.writeFileSync(advisory, JSON.stringify({ "berth-ecs-readonly-root": { enforcementLevel: "advisory" } }));
  fs.writeFileSync(disabled, JSON.stringify({ "berth-ecs-readonly-root": "disabled" }));
  const off = ["-c", "berth:services.web.hardening.readonlyRootFilesystem=false", "--image-sha", IMAGE_SHA];
  const [adv, dis, advJson] = await runPlans([
    ["staging", ...off, "--policy-config", advisory],
    ["staging", ...off, "--policy-config", disabled],
    ["staging", ...off, "--policy-config", advisory, "--json"],
  ]);
  assert.doesNotMatch(adv.stdout, /MANDATORY berth-ecs-readonly-root/);
  assert.match(adv.stdout, /ADVISORY berth-ecs-readonly-root/);
  assert.match(
    adv.stdout,
    />>> berth-ecs-readonly-root: mandatory -> advisory {2}\(OPTED OUT of blocking: reported only\)/,
  );
  assert.match(adv.stdout, /rule berth-ecs-readonly-root \(advisory\): reported, not blocking/);
  assert.match(dis.stdout, />>> berth-ecs-readonly-root: mandatory -> disabled {2}\(OPTED OUT: not checked at all\)/);
  assert.doesNotMatch(dis.stdout, /berth-ecs-readonly-root {2}web/);
  assert.ok(!mandatoryRules(advJson).includes("berth-ecs-readonly-root"));
  assert.equal(advJson.json.evaluation.levels["berth-ecs-readonly-root"], "advisory");
});

test("bad configuration exits 2 naming the key; a misspelt pack config rule exits 64; --config FILE applies nested keys", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-plan-"));
  const typo = path.join(dir, "typo.json");
  fs.writeFileSync(typo, JSON.stringify({ "berth-ecs-readonly-rootfs": "disabled" }));
  const changes = path.join(dir, "changes.yaml");
  fs.writeFileSync(changes, "config:\n  berth:loadBalancer.dropInvalidHeaderFields: false\n");
  const [bad, badPack, file] = await runPlans([
    ["staging", "--image-sha", IMAGE_SHA, "-c", "berth:services.web.hardening.readonlyRootFilesystem=maybe"],
    ["staging", "--image-sha", IMAGE_SHA, "--policy-config", typo],
    ["staging", "--image-sha", IMAGE_SHA, "--config", changes, "--json"],
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stdout, /berth:services\.web\.hardening\.readonlyRootFilesystem/);
  assert.equal(badPack.code, 64);
  assert.match(badPack.stdout, /berth-ecs-readonly-rootfs: not a rule of the pack/);
  assert.equal(file.code, 1);
  assert.ok(mandatoryRules(file).includes("berth-alb-drop-invalid-headers"));
});

test("without a certificate the plan shows the program's warning and fails on HTTPS and the HTTP redirect", async () => {
  // `KEY=` (empty) unsets a key, as if it were not in the stack file.
  const run = await runPlan([
    "staging",
    "--image-sha",
    IMAGE_SHA,
    "-c",
    "berth:loadBalancer.certificateArn=",
    "--json",
  ]);
  assert.ok(run.json, run.stderr.slice(0, 2000));
  assert.equal(run.code, 1);
  assert.ok(
    run.json.warnings.some((w: string) => w.includes("certificateArn")),
    `warnings: ${JSON.stringify(run.json.warnings)}`,
  );
  assert.ok(mandatoryRules(run).includes("berth-alb-https"));
  assert.ok(mandatoryRules(run).includes("berth-alb-http-redirects"));
});
