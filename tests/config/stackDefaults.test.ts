// Stack files carry only what differs from the defaults: a value equal to its declared default (for that stack's
// environment, or computed from other settings such as autoscaling.minCount = desiredCount) is a second copy of the
// default, which then no longer follows the declaration. Each leaf of Pulumi.<stack>.yaml is removed in turn and the
// stack loaded again: when the settings do not change, the stack file restates a default.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { loadSettings } from "../../infra/config";
import { flattenConfig } from "../../offline/mockRuntime";
import { FIXTURE_STACK_DIR } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });
/** Keys the Pulumi CLI needs on every stack (declared in Pulumi.yaml without a default: tests/config/projectSchema.test.ts). */
const CLI_REQUIRED = ["berth:environment", "berth:githubOwner"];

type Tree = Record<string, unknown>;
const isObject = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every leaf of the config block as a path of keys (arrays are leaves). */
function leaves(node: Tree, prefix: string[] = []): string[][] {
  return Object.entries(node).flatMap(([k, v]) => (isObject(v) ? leaves(v, [...prefix, k]) : [[...prefix, k]]));
}

/** A copy of `config` without the leaf at `p`, dropping mappings it leaves empty. */
function without(config: Tree, p: string[]): Tree {
  const copy = structuredClone(config);
  const stack: Tree[] = [copy];
  for (const k of p.slice(0, -1)) stack.push(stack.at(-1)![k] as Tree);
  delete stack.at(-1)![p.at(-1)!];
  for (let i = stack.length - 1; i > 0; i--) if (Object.keys(stack[i]!).length === 0) delete stack[i - 1]![p[i - 1]!];
  return copy;
}

function load(stack: string, config: Tree): unknown {
  try {
    return loadSettings({ ...flattenConfig(config), "berth:imageSha": SHA }, { stack, git: GIT });
  } catch (e) {
    return e;
  }
}

export function restatedDefaults(stack: string): string[] {
  const config = (parseYaml(fs.readFileSync(path.join(FIXTURE_STACK_DIR, `Pulumi.${stack}.yaml`), "utf8")).config ??
    {}) as Tree;
  const reference = load(stack, config);
  assert.ok(!(reference instanceof Error), `${stack} loads: ${String(reference)}`);
  return leaves(config)
    .filter((p) => !CLI_REQUIRED.includes(p[0]!))
    .filter((p) => {
      try {
        assert.deepEqual(load(stack, without(config, p)), reference);
        return true;
      } catch {
        return false;
      }
    })
    .map((p) => p.join("."));
}

for (const stack of ["staging", "prod", "local"]) {
  test(`the ${stack} fixture stack file restates no default (each value differs from what the program would use without it)`, () => {
    assert.deepEqual(restatedDefaults(stack), []);
  });
}

test("the check sees a restated default: a default written out is found, a real setting is not", () => {
  const config = structuredClone(
    parseYaml(fs.readFileSync(path.join(FIXTURE_STACK_DIR, "Pulumi.staging.yaml"), "utf8")).config,
  ) as Tree;
  config["berth:cluster"] = { containerInsights: "enhanced", fargateSpot: true };
  const reference = load("staging", config);
  assert.deepEqual(load("staging", without(config, ["berth:cluster", "containerInsights"])), reference);
  assert.notDeepEqual(load("staging", without(config, ["berth:cluster", "fargateSpot"])), reference);
});
