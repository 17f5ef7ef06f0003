/**
 * The GHCR login is the actor whose token it is: GitHub's "Working with the Container registry" docs log in to
 * ghcr.io with `username: ${{ github.actor }}` and the workflow's GITHUB_TOKEN
 * (https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry#authenticating-in-a-github-actions-workflow).
 * Every pulumi/actions step that hands the program `berth:ghcrToken` also hands it `berth:ghcrUser: github.actor`,
 * and the program logs in (docker-build `registries`, the release tagger) with that user; a laptop falls back to
 * the owner.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { captureStack, REPO_ROOT, type CapturedStack } from "../../offline/mockRuntime";
import { ConfigError, loadSettings } from "../../infra/config";
import { SHA, unsecret } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const ACTOR = "octo-dev";
let stack: CapturedStack;

before(async () => {
  stack = await captureStack({
    stack: "staging",
    config: {
      ...fixtureStackConfig("staging"),
      "berth:imageSha": SHA,
      "berth:ghcrToken": "ghp_offline",
      "berth:ghcrUser": ACTOR,
    },
    secretKeys: ["berth:ghcrToken"],
  });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("the image's GHCR login uses berth:ghcrUser (github.actor in CI), not the repository owner", () => {
  const image = stack.resources.find((r) => r.type === "docker-build:index:Image" && r.name === "image");
  assert.ok(image, "image registered");
  const ghcr = (unsecret(image.inputs.registries) as { address: string; username: string }[]).find(
    (r) => r.address === "ghcr.io",
  );
  assert.equal(ghcr?.username, ACTOR);
});

test("unset, the login user is the GitHub owner (a laptop's own token); a value that is no GitHub login is refused naming the key", () => {
  const base = { ...fixtureStackConfig("staging"), "berth:imageSha": SHA };
  const settings = loadSettings(base, { stack: "staging", git: () => assert.fail("git is not read") });
  assert.equal(settings.ghcr?.username, settings.github.owner);
  for (const bot of ["github-actions[bot]", "a", "x".repeat(39)]) {
    assert.equal(
      loadSettings({ ...base, "berth:ghcrUser": bot }, { stack: "staging", git: () => assert.fail() }).ghcr?.username,
      bot,
    );
  }
  for (const bad of ["", "-dev", "x".repeat(40), "dev user", 'a"b']) {
    assert.throws(
      () => loadSettings({ ...base, "berth:ghcrUser": bad }, { stack: "staging", git: () => assert.fail() }),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.key === "berth:ghcrUser"),
      JSON.stringify(bad),
    );
  }
});

test("every workflow step that passes berth:ghcrToken passes berth:ghcrUser as github.actor", () => {
  let steps = 0;
  for (const file of ["deploy.yml", "preview.yml"]) {
    const wf = parseYaml(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", file), "utf8"));
    for (const job of Object.values<any>(wf.jobs)) {
      for (const step of job.steps ?? []) {
        const map = String(step.with?.["config-map"] ?? "");
        if (!map.includes("berth:ghcrToken")) continue;
        steps++;
        const where = `${file} ${step.name ?? step.uses}`;
        if (map.includes('"berth:ghcrUser": {"value": "${{ github.actor }}"')) continue;
        // Inside a format() expression: the placeholder's argument must be github.actor.
        const placeholder = /"berth:ghcrUser": \{\{"value": "\{(\d)\}"/.exec(map);
        assert.ok(placeholder, `${where}: no berth:ghcrUser next to berth:ghcrToken`);
        const args = /format\('(?:[^']|'')*'((?:\s*,\s*[\w.]+)+)\)/
          .exec(map)?.[1]
          ?.split(",")
          .map((a) => a.trim())
          .filter(Boolean);
        assert.equal(args?.[Number(placeholder[1])], "github.actor", where);
      }
    }
  }
  assert.ok(steps >= 2, `found ${steps} steps passing the GHCR token`);
});
