/**
 * Every committed stack (staging, prod, local) and the valid configurations at their extremes (tests/infra/extremeConfigs.ts)
 * pass the cloud limit checks on every resource they register. The sources of the limits are in
 * offline/cloudLimits.ts, one per check. Each configuration runs the whole program under mocks in a child process.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { readStackConfig } from "../../offline/mockRuntime";
import { loadSettings } from "../../infra/config";
import { renderCloudLimitProblem, type CloudLimitsResult } from "../../offline/cloudLimits";
import { extremeCases, type ExtremeCase } from "./extremeConfigs";
import { SHA } from "./fixtures";

type Result = CloudLimitsResult & { stack: string; error?: string; resources: number };

function runLimits(cases: ExtremeCase[]): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "cloudLimitsChild.ts")], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("LIMITS "));
      if (!line) return reject(new Error(`limits process exited ${code}: ${err.slice(0, 2000)}`));
      resolve(JSON.parse(line.slice("LIMITS ".length)));
    });
    child.stdin.end(JSON.stringify(cases));
  });
}

const committed: ExtremeCase[] = ["staging", "prod", "local"].map((stack) => ({
  title: `the committed ${stack} stack`,
  stack,
  zones: 3,
  secretKeys: stack === "staging" ? ["berth:ghcrToken"] : [],
  config: {
    ...readStackConfig(stack),
    "berth:imageSha": SHA,
    ...(stack === "staging" ? { "berth:releaseTag": "v1.4.2", "berth:ghcrToken": "t" } : {}),
  },
}));
const extremes = extremeCases();
let results: Result[] = [];

before(async () => {
  results = await runLimits([...committed, ...extremes]);
});

for (const [i, c] of [...committed, ...extremes].entries()) {
  test(`${c.title}: every registered resource within the cloud limits`, () => {
    const r = results[i];
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.problems.map(renderCloudLimitProblem), []);
    assert.ok(r.checkedResources > 0 && r.checksRun > 0, "the checks ran");
    // Every custom cloud resource has at least one check (the tags check covers every AWS resource).
    if (c.stack !== "local")
      assert.ok(r.checkedResources >= 0.7 * r.resources, `${r.checkedResources} of ${r.resources} checked`);
  });
}

test("the extreme configurations are valid settings, at the readers' limits (the most services, tags, routes)", () => {
  for (const c of extremes) {
    const settings = loadSettings(c.config, {
      stack: c.stack,
      git: () => assert.fail("git is not read when berth:imageSha is set"),
    });
    assert.ok(settings.services.length >= 3);
  }
  const staging = results[committed.length];
  assert.ok(staging.resources > 1500, `${staging.resources} resources: 100 routed services registered`);
  assert.ok(staging.checksRun >= 20, `${staging.checksRun} checks ran on the staging extreme`);
});
