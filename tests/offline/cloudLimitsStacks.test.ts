/**
 * Every fixture stack (staging, prod, local: tests/fixtures/stacks) and the valid configurations at their extremes (tests/support/extremeConfigs.ts)
 * pass the cloud limit checks on every resource they register. The sources of the limits are in
 * offline/cloudLimits.ts, one per check. They pass the providers' Check constraints too (offline/providerConstraints.ts,
 * facts read in the providers' sources: offline/providerSource/), and every type they register has facts. Each configuration runs the whole program under mocks (a fresh evaluation of
 * infra/index.ts each: tests/support captureProgram).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";

import { loadSettings } from "../../infra/config";
import { checkCloudLimits, renderCloudLimitProblem, type CloudLimitsResult } from "../../offline/cloudLimits";
import {
  checkProviderConstraints,
  renderProviderConstraintProblem,
  type ProviderConstraintsResult,
} from "../../offline/providerConstraints";
import { extremeCases, type ExtremeCase } from "../support/extremeConfigs";
import { availabilityZones, captureProgram, SHA, standInStackOutputs } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

type Result = CloudLimitsResult & {
  stack: string;
  error?: string;
  resources: number;
  constraints: ProviderConstraintsResult;
};

/** Each configuration captured in turn, with its zones and a stand-in source stack, and checked against the limits. */
async function runLimits(cases: ExtremeCase[]): Promise<Result[]> {
  const results: Result[] = [];
  for (const c of cases) {
    const captured = await captureProgram({
      stack: c.stack,
      config: c.config,
      secretKeys: c.secretKeys,
      stackOutputs: standInStackOutputs(c.stack, c.config, c.stackOutputs),
      invokes: availabilityZones(c.config, c.zones ?? 3),
    });
    const error = captured.error as Error | undefined;
    results.push({
      stack: c.stack,
      error: error?.message,
      resources: captured.resources.length,
      ...checkCloudLimits(captured.resources),
      constraints: checkProviderConstraints(captured.resources),
    });
  }
  return results;
}

const fixtures: ExtremeCase[] = ["staging", "prod", "local"].map((stack) => ({
  title: `the fixture ${stack} stack`,
  stack,
  zones: 3,
  secretKeys: stack === "staging" ? ["berth:ghcrToken"] : [],
  config: {
    ...fixtureStackConfig(stack),
    "berth:imageSha": SHA,
    ...(stack === "staging" ? { "berth:releaseTag": "v1.4.2", "berth:ghcrToken": "t" } : {}),
  },
}));
const extremes = extremeCases();
let results: Result[] = [];

before(async () => {
  results = await runLimits([...fixtures, ...extremes]);
});

for (const [i, c] of [...fixtures, ...extremes].entries()) {
  test(`${c.title}: every registered resource within the cloud limits`, () => {
    const r = results[i];
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.problems.map(renderCloudLimitProblem), []);
    assert.ok(r.checkedResources > 0 && r.checksRun > 0, "the checks ran");
    // Every custom cloud resource has at least one check (the tags check covers every AWS resource).
    if (c.stack !== "local")
      assert.ok(r.checkedResources >= 0.7 * r.resources, `${r.checkedResources} of ${r.resources} checked`);
  });
  test(`${c.title}: every registered resource passes the providers' Check constraints`, () => {
    const r = results[i];
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.constraints.problems.map(renderProviderConstraintProblem), []);
    if (c.stack !== "local") assert.ok(r.constraints.checked > 0 && r.constraints.resources > 0, "the constraints ran");
  });
}

test("every resource type the stacks and extreme configurations register has provider facts (offline/providerSource/)", () => {
  // aws, gcp, github, docker and docker-build types; providers (pulumi:providers:*), components and reads excluded.
  const missing = new Map<string, string[]>();
  for (const [i, c] of [...fixtures, ...extremes].entries())
    for (const type of results[i].constraints.withoutFacts) missing.set(type, [...(missing.get(type) ?? []), c.title]);
  assert.deepEqual(
    [...missing.keys()].sort().map((t) => `${t} (registered by ${missing.get(t)![0]})`),
    [],
    "types without an entry in PROVIDER_FACTS",
  );
});

test("the extreme configurations are valid settings, at the readers' limits (the most services, tags, routes)", () => {
  for (const c of extremes) {
    const settings = loadSettings(c.config, {
      stack: c.stack,
      git: () => assert.fail("git is not read when berth:imageSha is set"),
    });
    assert.ok(settings.services.length >= 2, c.title);
  }
  const sizes = extremes.map(
    (c) => loadSettings(c.config, { stack: c.stack, git: () => assert.fail() }).services.length,
  );
  assert.ok(Math.max(...sizes) > 100, `the largest configuration has ${Math.max(...sizes)} services`);
  const staging = results[fixtures.length];
  assert.ok(staging.resources > 1500, `${staging.resources} resources: 100 routed services registered`);
  assert.ok(staging.checksRun >= 20, `${staging.checksRun} checks ran on the staging extreme`);
});
