/**
 * The committed Pulumi.<stack>.yaml files are the user's data: a team replaces their values, renames the services
 * and adds its own. So the suite checks them only with rules that hold for any valid values (each file loads without
 * a problem and its offline plan passes: no mandatory policy violation, no cloud-limit or provider-constraint
 * problem), and no other test reads them (every other test builds from tests/fixtures/stacks). The CLI's config
 * pre-flight of the same files is tests/config/projectSchema.test.ts.
 *
 * The second half proves it: the committed files, rewritten with another team's values (accounts, region, GitHub
 * owner and repository, GCP projects, certificate, reviewers, e-mail), their services renamed and a third one added,
 * pass the same checks; and compose.yaml, the one file generated from them, follows by its regeneration command.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { loadSettings } from "../../infra/config";
import { readStackConfig, REPO_ROOT } from "../../offline/mockRuntime";
import { renderStackCompose } from "../../offline/compose";
import { runPlans } from "../plan/planRunner";
import { SHA } from "../support/constants";

const GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });

/** Every stack file at the repository root (whatever stacks the user keeps). */
const COMMITTED = fs
  .readdirSync(REPO_ROOT)
  .map((f) => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

/** The offline plan of each stack in `dir`, as JSON; each must exit 0 (no mandatory violation, no limit problem). */
async function planAll(dir: string, stacks: string[]) {
  const runs = await runPlans(stacks.map((s) => [s, "--image-sha", SHA, "--json", "--stack-dir", dir]));
  runs.forEach((run, i) => {
    const why = run.json
      ? JSON.stringify({ error: run.json.error, exitCode: run.json.exitCode })
      : run.stdout.slice(-2000);
    assert.equal(run.code, 0, `${stacks[i]} in ${dir}: the plan fails: ${why}\n${run.stderr.slice(-2000)}`);
    assert.ok(run.json, `${stacks[i]}: the plan printed JSON`);
    assert.ok(run.json.resources > 0, `${stacks[i]}: the plan registered resources`);
  });
  return runs.map((r) => r.json);
}

test("the repository keeps its stack files at the root: staging, prod and local at least", () => {
  for (const s of ["staging", "prod", "local"]) assert.ok(COMMITTED.includes(s), `Pulumi.${s}.yaml`);
});

for (const stack of COMMITTED) {
  test(`Pulumi.${stack}.yaml (the user's data) loads without a problem`, () => {
    assert.doesNotThrow(() => loadSettings({ ...readStackConfig(stack), "berth:imageSha": SHA }, { stack, git: GIT }));
  });
}

test("every committed stack file plans offline with no mandatory violation and within the cloud's limits", async () => {
  await planAll(REPO_ROOT, COMMITTED);
});

type Tree = Record<string, any>;

/** Another team's values for every placeholder of the templates, and its own service names (and one more service). */
export function anotherTeam(stack: string, config: Tree): Tree {
  const c = structuredClone(config);
  const account = stack === "prod" ? "444455556666" : "111122223333";
  const otherAccount = stack === "prod" ? "111122223333" : "444455556666";
  const region = "us-east-2";
  if (c["aws:region"] !== undefined) c["aws:region"] = region;
  if (c["berth:awsAccountId"] !== undefined) c["berth:awsAccountId"] = account;
  if (c["berth:gcpProject"] !== undefined) c["berth:gcpProject"] = `acme-${stack}-7731`;
  if (c["berth:githubOwner"] !== undefined) c["berth:githubOwner"] = "acme-platform";
  c["berth:githubRepository"] = "storefront";
  const lb = c["berth:loadBalancer"];
  if (lb?.certificateArn)
    lb.certificateArn = `arn:aws:acm:${region}:${account}:certificate/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f`;
  const ecr = c["berth:ecr"];
  for (const r of ecr?.replicateTo ?? []) Object.assign(r, { accountId: otherAccount, region });
  if (ecr?.acceptReplicationFrom) ecr.acceptReplicationFrom = otherAccount;
  if (c["berth:promotion"]?.fromStack) c["berth:promotion"].fromStack = "acme/storefront/staging";
  const delivery = c["berth:delivery"];
  if (Array.isArray(delivery?.requiredReviewers)) delivery.requiredReviewers = ["acme-platform/release-leads=9876543"];
  if (delivery?.githubOwnerId !== undefined) delivery.githubOwnerId = 31337001;
  if (delivery?.githubRepositoryId !== undefined) delivery.githubRepositoryId = 771234567;
  if (Array.isArray(c["berth:notifications"]?.emails)) c["berth:notifications"].emails = ["platform@acme.test"];
  // Services renamed (the first becomes `api`, the second `jobs`), and a third, routed one added.
  const services = c["berth:services"];
  if (services) {
    const [first, second, ...rest] = Object.entries(services);
    const renamed: Tree = {};
    if (first) renamed.api = first[1];
    if (second) renamed.jobs = second[1];
    for (const [name, value] of rest) renamed[name] = value;
    renamed.admin = { route: { pathPatterns: ["/admin/*"], priority: 20 } };
    c["berth:services"] = renamed;
  }
  return c;
}

test("another team's values, renamed services and a third service in the committed stack files: they load and plan; compose.yaml follows by its regeneration command", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-own-values-"));
  try {
    for (const stack of COMMITTED) {
      const doc = parseYaml(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) ?? {};
      doc.config = anotherTeam(stack, doc.config ?? {});
      fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringifyYaml(doc));
    }
    for (const stack of COMMITTED) {
      const settings = loadSettings({ ...readStackConfig(stack, dir), "berth:imageSha": SHA }, { stack, git: GIT });
      const names = settings.services.map((s) => s.name);
      assert.ok(names.includes("admin"), `${stack}: the third service is read (${names.join(", ")})`);
      assert.ok(!names.includes("web") && !names.includes("worker"), `${stack}: the old names are gone`);
    }
    const plans = await planAll(dir, COMMITTED);
    assert.ok(plans.every((p) => p.resources > 0));
    const compose = renderStackCompose("staging", dir);
    assert.match(compose, /^ {2}admin:$/m, "the regenerated compose file has the new service");
    assert.doesNotMatch(compose, /^ {2}web:$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Tests that may read the committed stack files (the rules above, the CLI pre-flight, compose.yaml's drift check). */
const MAY_READ_COMMITTED = new Set([
  "tests/config/committedStacks.test.ts",
  "tests/config/projectSchema.test.ts",
  "tests/config/projectSchema.ts",
  "tests/local/localRun.test.ts",
]);

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "fixtures" ? [] : testFiles(p);
    return /\.ts$/.test(e.name) ? [p] : [];
  });
}

/** A test reads a committed stack file when it calls readStackConfig with the default root or joins a root with a stack file name. */
export function readsCommittedStackFile(source: string): boolean {
  const defaultRoot = /readStackConfig\(\s*[^,()]+\)/.test(source);
  const joined = /path\.join\(\s*(REPO_ROOT|ROOT)\s*,\s*[`"']Pulumi\.(\$\{[^}]+\}|staging|prod|local)\.yaml/.test(
    source,
  );
  return defaultRoot || joined;
}

test("no other test reads a committed Pulumi.<stack>.yaml: they build from tests/fixtures/stacks", () => {
  const offenders = testFiles(path.join(REPO_ROOT, "tests"))
    .map((f) => path.relative(REPO_ROOT, f))
    .filter((f) => !MAY_READ_COMMITTED.has(f) && f !== "tests/support/fixtures.ts")
    .filter((f) => readsCommittedStackFile(fs.readFileSync(path.join(REPO_ROOT, f), "utf8")));
  assert.deepEqual(offenders, []);
});

test("the check above sees both ways of reading a committed stack file, and not the fixtures", () => {
  assert.ok(readsCommittedStackFile(`const c = readStackConfig("staging");`));
  assert.ok(readsCommittedStackFile("fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`))"));
  assert.ok(readsCommittedStackFile(`fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"))`));
  assert.ok(!readsCommittedStackFile(`const c = fixtureStackConfig("staging");`));
  assert.ok(!readsCommittedStackFile(`readStackConfig("staging", FIXTURE_STACK_DIR)`));
  assert.ok(!readsCommittedStackFile("path.join(FIXTURE_STACK_DIR, `Pulumi.${stack}.yaml`)"));
});
