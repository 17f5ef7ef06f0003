/** Pulumi.yaml declares every key the program reads; every stack file validates against it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { loadSettings, SECRET_KEYS, STRUCTURED_KEYS } from "../../infra/config";
import { readStackConfig, REPO_ROOT } from "../../infra/offline/mockRuntime";
import { checkProjectConfig, checkStackConfig, keysReadByProgram, readProject } from "./projectSchema";
import { SHA } from "./fixtures";

const STACKS = ["staging", "prod", "local"].filter((s) => fs.existsSync(path.join(REPO_ROOT, `Pulumi.${s}.yaml`)));
const { doc: projectDoc } = readProject(REPO_ROOT);
const { schema, problems: projectProblems } = checkProjectConfig(projectDoc);
const structured = Object.keys(STRUCTURED_KEYS);
const noGit = () => {
  throw new Error("git is not read in these tests");
};

test("Pulumi.yaml: project berth, nodejs TypeScript program in infra/, a config schema Pulumi accepts", () => {
  assert.equal(projectDoc.name, "berth");
  assert.equal(projectDoc.runtime.name, "nodejs");
  assert.equal(projectDoc.runtime.options.typescript, true);
  assert.equal(projectDoc.main, "infra/index.ts");
  assert.deepEqual(projectProblems, []);
  for (const [key, decl] of Object.entries(schema.declarations)) assert.ok(decl.description && decl.description.length > 20, `${key} has a description`);
});

test("every top-level key the program reads is declared (Pulumi.yaml or STRUCTURED_KEYS), and nothing else is", () => {
  const read = keysReadByProgram(REPO_ROOT);
  assert.ok(read.size >= 15, `only ${read.size} keys found: the scan is broken`);
  const declared = new Set([...Object.keys(schema.declarations).map((k) => k.slice("berth:".length)), ...structured]);
  for (const key of read) assert.ok(declared.has(key), `berth:${key} is read by the program but not declared`);
  for (const secret of SECRET_KEYS) {
    assert.ok(schema.declarations[secret]?.secret, `${secret} is declared secret`);
  }
  for (const key of declared) {
    const isSecret = (SECRET_KEYS as readonly string[]).includes(`berth:${key}`);
    assert.ok(read.has(key) || isSecret, `berth:${key} is declared but the program never reads it`);
  }
  for (const key of structured) assert.ok(!schema.declarations[`berth:${key}`], `berth:${key} is structured: Pulumi cannot declare it`);
});

for (const stack of STACKS) {
  test(`Pulumi.${stack}.yaml validates against the project schema and loads without problems`, () => {
    const doc = parseYaml(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    assert.deepEqual(checkStackConfig(doc, schema, structured), []);
    const settings = loadSettings({ ...readStackConfig(stack), "berth:imageSha": SHA }, { stack, git: noGit });
    assert.equal(settings.environment, stack === "local" ? "local" : stack);
  });
}

test("defaults in Pulumi.yaml (injected by the CLI) equal the program's own defaults", () => {
  const withDefaults = Object.entries(schema.declarations).filter(([, d]) => d.default !== undefined);
  assert.ok(withDefaults.length >= 2, "githubRepository and imageName have stack-independent defaults");
  for (const stack of STACKS) {
    const base = { ...readStackConfig(stack), "berth:imageSha": SHA };
    for (const [key, decl] of withDefaults) {
      if (key in base) continue;
      const without = loadSettings(base, { stack, git: noGit });
      const withDefault = loadSettings({ ...base, [key]: String(decl.default) }, { stack, git: noGit });
      assert.deepEqual(withDefault, without, `${stack}: ${key} default ${JSON.stringify(decl.default)}`);
    }
  }
});

test("the checker catches what it should: undeclared key, wrong type, plain-text secret, object type, schema on a provider key", () => {
  const stackProblems = checkStackConfig(
    { config: { "berth:nope": 1, "berth:platform": 64, "berth:ghcrToken": "plain", "berth:services": "web", "aws:region": "eu-west-1" } },
    schema,
    structured,
  );
  assert.deepEqual(stackProblems.sort(), [
    "berth:ghcrToken: declared secret but given in plain text",
    "berth:nope: not declared in Pulumi.yaml nor in STRUCTURED_KEYS",
    "berth:platform: 64 is not a string",
    'berth:services: a structured key takes a mapping, got "web"',
  ]);
  const bad = checkProjectConfig({
    name: "berth",
    config: { services: { type: "object" }, list: { type: "array" }, "aws:region": { type: "string" }, size: { type: "integer", default: "big" } },
  });
  assert.equal(bad.problems.length, 4, bad.problems.join("\n"));
});
