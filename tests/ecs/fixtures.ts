// Shared inputs of the ECS tests: a stack's real configuration (Pulumi.<stack>.yaml), optionally with its services map
// edited, and the settings and container specs it yields. Not a test file (no `.test.ts`).
import assert from "node:assert/strict";
import { loadSettings, ConfigError, type Settings } from "../../infra/config";
import { readStackConfig } from "../../offline/mockRuntime";
import type { ConfigProblem } from "../../infra/config/problems";

export const SHA = "0123456789abcdef0123456789abcdef01234567";
export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const IMAGE_REF = (accountId = "111111111111", region = "eu-west-1") =>
  `${accountId}.dkr.ecr.${region}.amazonaws.com/berth@${DIGEST}`;
export const ECR_REPOSITORY_ARN = (accountId = "111111111111", region = "eu-west-1") =>
  `arn:aws:ecr:${region}:${accountId}:repository/berth`;

export type ServicesMap = Record<string, Record<string, unknown>>;

/** The stack's flat config map (as the Pulumi runtime gives it), with `berth:services` passed through `edit`. */
export function stackConfig(
  stack: "staging" | "prod",
  edit?: (services: ServicesMap) => ServicesMap | void,
  extra: Record<string, string> = {},
): Record<string, string> {
  const config: Record<string, string> = { ...readStackConfig(stack), "berth:imageSha": SHA, ...extra };
  if (edit) {
    const services = JSON.parse(config["berth:services"] ?? "{}") as ServicesMap;
    const edited = edit(services) ?? services;
    config["berth:services"] = JSON.stringify(edited);
  }
  return config;
}

const CLEAN_GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });

export function settingsFor(
  stack: "staging" | "prod",
  edit?: (services: ServicesMap) => ServicesMap | void,
  extra: Record<string, string> = {},
): Settings {
  return loadSettings(stackConfig(stack, edit, extra), { stack, git: CLEAN_GIT });
}

/** The problems `loadSettings` reports for this edit (fails when it does not throw a ConfigError). */
export function problemsFor(
  stack: "staging" | "prod",
  edit: (services: ServicesMap) => ServicesMap | void,
  extra: Record<string, string> = {},
): ConfigProblem[] {
  try {
    settingsFor(stack, edit, extra);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return [...e.problems];
  }
  assert.fail("expected a ConfigError, the configuration was accepted");
}

/** Asserts exactly one problem names `key`, and returns it. */
export function problemAt(problems: ConfigProblem[], key: string): ConfigProblem {
  const found = problems.filter((p) => p.key === key);
  assert.equal(
    found.length,
    1,
    `one problem at ${key}; got: ${problems.map((p) => `${p.key} (${p.allowed})`).join("; ")}`,
  );
  return found[0]!;
}

export function service(settings: Settings, name: string) {
  const s = settings.services.find((x) => x.name === name);
  assert.ok(s, `service ${name} declared`);
  return s;
}
