/**
 * What a test hands the program: a committed stack's configuration (Pulumi.<stack>.yaml) with edits, the settings it
 * yields, the outputs of the stacks it reads through a StackReference, and invoke answers. Not a test file.
 */
import assert from "node:assert/strict";
import { loadSettings, ConfigError, type AwsStackSettings, type Settings } from "../../infra/config";
import type { ConfigProblem } from "../../infra/config/problems";

import { DIGEST, PROD_ACCOUNT, REGION, SHA, STAGING_DIGEST, STAGING_SHA, STAGING_STACK } from "./constants";
import { fixtureStackConfig } from "./fixtures";

export type ServicesMap = Record<string, Record<string, unknown>>;
/** An edit of `berth:services`: change the map in place, or return a new one. */
export type ServicesEdit = (services: ServicesMap) => ServicesMap | void;
/** `berth:<key>` values to set (strings as they are, anything else as JSON) or, as `undefined`, to remove. */
export type ConfigOverrides = Record<string, unknown>;

/**
 * The stack file's flat config map (as the Pulumi runtime gives it) with the pinned commit, `overrides` applied and
 * then `berth:services` passed through `edit`: `stackConfig(stack, overrides)` or `stackConfig(stack, edit, overrides)`.
 */
export function stackConfig(stack: string, overrides?: ConfigOverrides): Record<string, string>;
export function stackConfig(stack: string, edit?: ServicesEdit, overrides?: ConfigOverrides): Record<string, string>;
export function stackConfig(
  stack: string,
  editOrOverrides?: ServicesEdit | ConfigOverrides,
  extra: ConfigOverrides = {},
): Record<string, string> {
  const edit = typeof editOrOverrides === "function" ? editOrOverrides : undefined;
  const overrides = typeof editOrOverrides === "function" ? extra : { ...editOrOverrides, ...extra };
  const config: Record<string, string> = { ...fixtureStackConfig(stack), "berth:imageSha": SHA };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete config[key];
    else config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  if (edit) {
    const services = JSON.parse(config["berth:services"] ?? "{}") as ServicesMap;
    config["berth:services"] = JSON.stringify(edit(services) ?? services);
  }
  return config;
}

/** The prod stack as its stack file declares it, with the pinned commit and `overrides`. */
export function prodConfig(overrides: ConfigOverrides = {}): Record<string, string> {
  return stackConfig("prod", overrides);
}

/** A clean checkout at SHA: what `readGitState` would report. */
export const CLEAN_GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });

export function settingsFor(stack: "staging" | "prod", edit?: ServicesEdit, overrides: ConfigOverrides = {}): Settings {
  return loadSettings(stackConfig(stack, edit, overrides), { stack, git: CLEAN_GIT });
}

/** The problems `loadSettings` reports for this edit (fails when it does not throw a ConfigError). */
export function problemsFor(
  stack: "staging" | "prod",
  edit: ServicesEdit,
  overrides: ConfigOverrides = {},
): ConfigProblem[] {
  try {
    settingsFor(stack, edit, overrides);
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

/** Staging's outputs as prod's StackReference reads them (by STAGING_STACK): its commit, digest and digest history. */
export function stagingOutputs(ranDigests: string[] = [STAGING_DIGEST]) {
  return { [STAGING_STACK]: { sourceSha: STAGING_SHA, imageDigest: STAGING_DIGEST, ranDigests } };
}

/** The same outputs under any stack name the program asks for (prod promotes what staging runs). */
export function anyStackOutputs(outputs: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return new Proxy({}, { get: () => outputs }) as Record<string, Record<string, unknown>>;
}

/** What staging exports when it ran SHA as a digest of its own (`cd…`): the source stack of most prod captures. */
export const STAGING_RAN_SHA = {
  sourceSha: SHA,
  imageDigest: `sha256:${"cd".repeat(32)}`,
  ranDigests: [`sha256:${"cd".repeat(32)}`],
};

/** `aws.ecr.getImage` in prod's repository: the replicated image for a tag or a digest. */
export function ecrGetImage(images: { sha: string; digest: string }[]) {
  return {
    "aws:ecr/getImage:getImage": (i: Record<string, any>) => {
      const image = images.find((m) => m.sha === i.imageTag || m.digest === i.imageDigest);
      if (!image) throw new Error(`offline: no image ${i.imageTag ?? i.imageDigest} in ${i.repositoryName}`);
      return {
        id: image.digest,
        imageDigest: image.digest,
        imageTags: [image.sha],
        imageTag: i.imageTag,
        repositoryName: i.repositoryName,
        registryId: PROD_ACCOUNT,
        imagePushedAt: 0,
        imageSizeInBytes: 1,
        imageUri: `x@${image.digest}`,
        region: REGION,
      };
    },
  };
}

/** `getAvailabilityZones` answering `zones` zones of the config's region (the extreme configurations need 6). */
export function availabilityZones(config: Record<string, string>, zones: number) {
  const region = config["aws:region"] ?? REGION;
  return {
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
      names: Array.from({ length: zones }, (_, z) => `${region}${String.fromCharCode(97 + z)}`),
      zoneIds: Array.from({ length: zones }, (_, z) => `az${z + 1}`),
      id: region,
    }),
  };
}

/**
 * Any other stack read through a StackReference ran a stand-in digest of this commit; a stack's reference to itself
 * sees none (a first `up`). What the cloud limit checks and the deploy permission checks give the extremes.
 */
export function standInStackOutputs(
  stack: string,
  config: Record<string, string>,
  given: Record<string, Record<string, unknown>> = {},
): Record<string, Record<string, unknown>> {
  const standIn = { sourceSha: config["berth:imageSha"], imageDigest: DIGEST, ranDigests: [DIGEST] };
  return new Proxy(
    {},
    { get: (_, name) => (String(name).endsWith(`/${stack}`) ? undefined : (given[String(name)] ?? standIn)) },
  ) as Record<string, Record<string, unknown>>;
}

/**
 * The committed staging or prod stack's settings, narrowed to an aws stack: what a component test gives a component
 * its sections from (built at SHA; git is never read).
 */
export function awsStackSettings(stack: "staging" | "prod"): AwsStackSettings {
  const config = { ...fixtureStackConfig(stack), "berth:imageSha": SHA };
  const settings = loadSettings(config, { stack, git: () => assert.fail("no git") });
  return settings.target === "aws" ? settings : assert.fail(`${stack} is no aws stack`);
}
