// The `applies` of each top-level declaration is what the program does: an aws-only key is refused in the local
// stack, a local-only key in the aws stacks, each problem naming the key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BERTH, ConfigError, loadSettings } from "../../infra/config";

import type { Fields } from "../../infra/config/declare";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });

function problemKeys(stack: string, key: string, value: unknown): string[] {
  const config: Record<string, string> = { ...fixtureStackConfig(stack), "berth:imageSha": SHA };
  config[`berth:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  try {
    loadSettings(config, { stack, git: GIT });
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => p.key);
  }
}

const sample = (kind: string) => (kind === "section" || kind === "stringMap" ? {} : kind === "oneOf" ? "x" : "1");

test("every key declared for aws stacks only is refused in the local stack, naming it", () => {
  // berth:ghcrToken is a secret read with getSecret (SECRET_KEYS), never part of the settings the reader sees.
  const awsOnly = Object.entries(BERTH as Fields).filter(([k, f]) => f.applies === "aws" && k !== "ghcrToken");
  assert.ok(awsOnly.length >= 15);
  for (const [key, f] of awsOnly)
    assert.ok(problemKeys("local", key, sample(f.kind)).includes(`berth:${key}`), `berth:${key} in the local stack`);
});

test("every key declared for the local stack only is refused in staging and prod, naming it", () => {
  const localOnly = Object.entries(BERTH as Fields).filter(([, f]) => f.applies === "local");
  assert.deepEqual(
    localOnly.map(([k]) => k),
    ["local"],
  );
  for (const stack of ["staging", "prod"])
    assert.ok(problemKeys(stack, "local", { registryPort: 5001 }).includes("berth:local"), stack);
});
