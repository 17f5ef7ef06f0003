/**
 * Pulumi.yaml's `config:` block against every way a stack is run. The Pulumi CLI checks it before the engine starts
 * (pulumi/pulumi pkg/workspace/config.go `mergeConfig`, via `ValidateStackConfigAndApplyProjectConfig` in
 * pkg/cmd/pulumi/operations/up.go, preview.go, refresh.go, destroy.go) and refuses the stack when
 *   1. a key declared in the project's namespace with neither `default:` nor `value:` is not set on the stack,
 *   2. a stack value does not match the declared `type:`,
 *   3. a key declared `secret: true` has a value that is not encrypted (a `default:` never is).
 * The model of that check is tests/config/projectSchema.ts (each function names the CLI function it follows); the
 * first tests below pin the model to the CLI's own test cases (pkg/workspace/config_project_test.go) and messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  BERTH,
  loadSettings,
  ConfigError,
  PROJECT,
  SECRET_KEYS,
  STACK_SCOPED_KEYS,
  STRUCTURED_KEYS,
} from "../../infra/config";
import type { GitState } from "../../infra/config";
import { captureStack, REPO_ROOT } from "../../offline/mockRuntime";
import { FIXTURE_STACK_DIR } from "../support/fixtures";
import {
  configSet,
  configSetAll,
  documentedCommandFiles,
  evaluateExpression,
  loadProject,
  mergeConfig,
  readmeRuns,
  readStackFile,
  runtimeConfig,
  stackConfigFromYaml,
  workflowRuns,
  type StackRun,
} from "./projectSchema";
import { OLD_SHA, SHA } from "../support";

const projectDoc = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
const { project, problems: projectProblems } = loadProject(projectDoc);
const COMMITTED_STACKS = ["staging", "prod", "local"];
const GIT: GitState = { head: SHA, tagsAtHead: [], dirty: false };
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** Loads a test project and stack (the shape of config_project_test.go's loadProjectFromText/loadProjectStackFromText). */
function cli(projectYaml: string, stackYaml: string, stackName = "dev") {
  const loaded = loadProject(parseYaml(projectYaml));
  assert.deepEqual(loaded.problems, []);
  // config.Base64Crypter, as the CLI's test uses
  const decrypt = (ciphertext: string) => Buffer.from(ciphertext, "base64").toString("utf8");
  return mergeConfig(
    stackName,
    loaded.project,
    stackConfigFromYaml(parseYaml(stackYaml), loaded.project.name),
    true,
    decrypt,
  );
}

// --- the model against the CLI's own cases (pulumi/pulumi pkg/workspace/config_project_test.go) --------------------

test("model, rule 1 (TestStackConfigErrorsWhenMissing*StackValue*ForConfigTypeWithNoDefault): every unset project key without default is reported, sorted, in one message", () => {
  const one = cli(
    "name: test\nruntime: dotnet\nconfig:\n  values:\n    type: array\n    items:\n      type: string\n",
    "config: {}\n",
  );
  assert.equal(one.error, "Stack 'dev' is missing configuration value 'values'");
  const two = cli(
    "name: test\nruntime: dotnet\nconfig:\n  values: {type: array, items: {type: string}}\n  another: {type: string}\n",
    "config: {}\n",
  );
  assert.equal(two.error, "Stack 'dev' is missing configuration values 'another' and 'values'");
  const three = cli(
    "name: test\nruntime: dotnet\nconfig:\n  values: {type: array, items: {type: string}}\n  world: {type: string}\n  hello: {type: string}\n",
    "config: {}\n",
  );
  assert.equal(three.error, "Stack 'dev' is missing configuration values 'hello', 'values' and 'world'");
});

test("model, rule 1 details: bare and `<project>:` keys are the same key; other namespaces, defaults and values are never missing", () => {
  const projectYaml =
    "name: test\nruntime: nodejs\nconfig:\n  test:size: {type: string}\n  count: {type: integer}\n  region: {type: string, default: eu-west-1}\n  zone: {value: a}\n  aws:region: {value: us-west-2}\n";
  assert.equal(
    cli(projectYaml, "config:\n  size: t3\n  test:count: 2\n").error,
    undefined,
    "stack keys get the project namespace (loaders.go stackConfigNamespacedWithProject)",
  );
  const merged = cli(projectYaml, "config:\n  test:size: t3\n  test:count: 2\n");
  assert.equal(merged.config.get("test:region")?.text, "eu-west-1", "a default is injected into the stack's config");
  assert.equal(merged.config.get("test:zone")?.text, "a", "a project-level value too");
  assert.equal(merged.config.get("aws:region")?.text, "us-west-2");
  assert.equal(
    cli(projectYaml, "config:\n  test:size: t3\n").error,
    "Stack 'dev' is missing configuration value 'count'",
    "the message names the key as Pulumi.yaml writes it",
  );
  assert.equal(
    cli(projectYaml, "config:\n  test:count: 2\n").error,
    "Stack 'dev' is missing configuration value 'test:size'",
  );
  const empty = "name: test\nruntime: nodejs\n";
  assert.equal(
    cli(empty, "config:\n  test:anything: 1\n  test:other: [1]\n").error,
    undefined,
    "keys set on the stack but not declared are not checked by the CLI",
  );
});

test("model, rule 2 (TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped, TestStackConfigIntegerTypeIsCorrectlyValidated): a value of another type is refused", () => {
  const arrays = cli(
    "name: test\nruntime: dotnet\nconfig:\n  values:\n    type: array\n    items:\n      type: string\n    default: [value]\n",
    "config:\n  test:values: someValue\n",
  );
  assert.equal(arrays.error, "Stack 'dev' with configuration key 'values' must be of type 'array<string>'");
  const integer = "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: integer\n";
  assert.equal(cli(integer, "config:\n  test:importantNumber: 20\n").error, undefined);
  assert.equal(
    cli(integer, "config:\n  test:importantNumber: hello\n").error,
    "Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'",
  );
});

test("model, rule 2 details: stack values are checked as their text (a YAML number is a valid string), lists item by item", () => {
  const p =
    "name: test\nruntime: nodejs\nconfig:\n  s: {type: string}\n  b: {type: boolean}\n  n: {type: integer}\n  l: {type: array, items: {type: integer}}\n";
  assert.equal(cli(p, "config:\n  test:s: 42\n  test:b: true\n  test:n: '7'\n  test:l: [1, 2]\n").error, undefined);
  assert.equal(
    cli(p, 'config:\n  test:s: "x"\n  test:b: "yes"\n  test:n: 7\n  test:l: [1]\n').error,
    "Stack 'dev' with configuration key 'b' must be of type 'boolean'",
  );
  assert.equal(
    cli(p, "config:\n  test:s: x\n  test:b: false\n  test:n: 1.5\n  test:l: [1]\n").error,
    "Stack 'dev' with configuration key 'n' must be of type 'integer'",
  );
  assert.equal(
    cli(p, "config:\n  test:s: x\n  test:b: false\n  test:n: 1\n  test:l: [1, a]\n").error,
    "Stack 'dev' with configuration key 'l' must be of type 'array<integer>'",
  );
  assert.equal(
    cli(p, "config:\n  test:s: {a: 1}\n  test:b: false\n  test:n: 1\n  test:l: [1]\n").error,
    "Stack 'dev' with configuration key 's' must be of type 'string'",
    "a mapping is not a string",
  );
  assert.equal(
    cli("name: test\nruntime: nodejs\nconfig:\n  u: {secret: true}\n", "config:\n  test:u: plain\n").error,
    undefined,
    "an untyped declaration is not validated at all",
  );
});

test("model, rule 3 (TestStackConfigSecretIsCorrectlyValidated): a plain value of a `secret: true` key is refused; a default of one refuses every stack that does not set it", () => {
  const p = "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: integer\n    secret: true\n";
  assert.equal(cli(p, "config:\n  test:importantNumber:\n    secure: MjA=\n").error, undefined);
  assert.equal(
    cli(p, "config:\n  test:importantNumber: 20\n").error,
    "Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret",
  );
  const withDefault = "name: test\nruntime: nodejs\nconfig:\n  token: {type: string, secret: true, default: none}\n";
  assert.equal(
    cli(withDefault, "config: {}\n").error,
    "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    "the injected default is a plain value (createConfigValue)",
  );
  const stack = new Map();
  configSet(stack, "test", { key: "token", value: "s3cr3t", secret: true });
  assert.equal(
    mergeConfig("dev", loadProject(parseYaml(withDefault)).project, stack).error,
    undefined,
    "`pulumi config set --secret` stores it encrypted",
  );
});

test("model: Pulumi.yaml itself (project.go Project.Validate, project.json): types only on project keys, defaults of the declared type, items for arrays", () => {
  const bad = loadProject(
    parseYaml(
      "name: berth\nconfig:\n  list: {type: array}\n  aws:region: {type: string}\n  gcp:zone: {default: a}\n  size: {type: integer, default: big}\n  both: {default: 1, value: 2}\n  shape: {type: map}\n",
    ),
  );
  assert.deepEqual(bad.problems.sort(), [
    '#/config/shape/type: value must be one of "string", "integer", "boolean", "array", "object"',
    "Configuration key 'aws:region' is not namespaced by the project and should not define a type",
    "Configuration key 'gcp:zone' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?",
    "The configuration key 'list' declares an array but does not specify the underlying type via the 'items' attribute",
    "The default value specified for configuration key 'size' is not of the expected type 'integer'",
    "project config 'both' cannot have both a 'default' and 'value' attribute",
  ]);
  assert.deepEqual(
    loadProject(parseYaml("name: berth\nconfig:\n  size: t3\n  aws:region: us-west-2\n")).project.config,
    {
      size: {
        type: undefined,
        description: undefined,
        items: undefined,
        default: "t3",
        value: undefined,
        secret: false,
      },
      "aws:region": {
        type: undefined,
        description: undefined,
        items: undefined,
        default: undefined,
        value: "us-west-2",
        secret: false,
      },
    },
    "shorthand values: a default for project keys, a value for others (RewriteShorthandConfigValues)",
  );
});

test("model: pulumi/actions config-map is `pulumi config set-all` (secret: true encrypts; plain texts are untyped strings)", () => {
  const stack = new Map();
  configSetAll(stack, "berth", [
    { pair: "berth:imageSha=abc=def", secret: false },
    { pair: "ghcrToken=t0k", secret: true },
  ]);
  assert.deepEqual(Object.fromEntries(stack), {
    "berth:imageSha": { text: "abc=def", secure: false, object: false },
    "berth:ghcrToken": { text: "t0k", secure: true, object: false },
  });
  const nested = new Map();
  configSet(nested, "berth", { key: "local.hostPorts.worker", value: "8081", path: true });
  assert.deepEqual(
    JSON.parse(nested.get("berth:local").text),
    { hostPorts: { worker: 8081 } },
    "--path coerces the leaf (object.go coerce)",
  );
  assert.equal(
    evaluateExpression("matrix.stack == 'STAGING' && format('{{\"a\": \"{0}\"}}', secrets.T) || '{}'", {
      matrix: { stack: "staging" },
      secrets: { T: "x" },
    }),
    '{"a": "x"}',
  );
  assert.equal(evaluateExpression("matrix.stack == 'staging' && 'yes' || '{}'", { matrix: { stack: "prod" } }), "{}");
});

// --- this repository -----------------------------------------------------------------------------------------------

test("Pulumi.yaml: project berth, nodejs TypeScript program in infra/, a config block the CLI loads", () => {
  assert.equal(projectDoc.name, PROJECT);
  assert.equal(projectDoc.runtime.name, "nodejs");
  assert.equal(projectDoc.runtime.options.typescript, true);
  assert.equal(projectDoc.main, "infra/index.ts");
  assert.deepEqual(projectProblems, []);
  for (const [key, decl] of Object.entries(project.config))
    assert.ok(decl.description && decl.description.length > 20, `${key} has a description`);
});

/** What a stack run hands the program, checked by the program's own reader (nothing registered). */
function programAccepts(r: StackRun, merged: Map<string, any>): void {
  const { config, secretKeys } = runtimeConfig(merged);
  try {
    loadSettings(config, { stack: r.stack, git: () => GIT, isSecret: (k) => secretKeys.includes(k) });
  } catch (e) {
    assert.fail(
      `${r.source}: the program refuses the config the CLI hands it:\n${e instanceof ConfigError ? e.message : e}`,
    );
  }
}

function assertRunsStart(runs: StackRun[]): void {
  for (const r of runs) {
    if (r.project !== undefined) assert.equal(r.project, PROJECT, `${r.source}: a stack of project ${r.project}`);
    assert.deepEqual(r.warnings, [], r.source);
    const merged = mergeConfig(r.stack, project, r.config, r.validates);
    assert.equal(
      merged.error,
      undefined,
      `${r.source}: \`pulumi ${r.command}\` stops with "validating stack config: ${merged.error}"`,
    );
    programAccepts(r, merged.config);
  }
}

for (const stack of COMMITTED_STACKS) {
  test(`Pulumi.${stack}.yaml as committed: \`pulumi up/preview -s ${stack}\` passes the CLI's config check (missing keys, types, secrets), and the program accepts what it gets`, () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)));
    const config = readStackFile(REPO_ROOT, stack, PROJECT);
    assertRunsStart([
      { source: `Pulumi.${stack}.yaml`, command: "up", stack, config, validates: true, warnings: [] },
      { source: `Pulumi.${stack}.yaml`, command: "preview", stack, config, validates: true, warnings: [] },
    ]);
  });
}

/** GitHub contexts of a run (docs.github.com/en/actions/reference/workflows-and-actions/contexts). */
const CONTEXTS = {
  github: {
    sha: SHA,
    run_id: "1",
    actor: "octocat",
    repository: "example-org/berth",
    event: { pull_request: { number: 1, head: { repo: { full_name: "example-org/berth" } } } },
  },
  vars: new Proxy({} as Record<string, string>, {
    get: (_t, k) => (k === "PULUMI_ORGANIZATION" ? "example-org" : `var-${String(k)}`),
  }),
  secrets: new Proxy({} as Record<string, string>, { get: (_t, k) => `secret-${String(k)}` }),
  needs: new Proxy({} as Record<string, unknown>, {
    get: () => ({ outputs: { digest: DIGEST, "ghcr-image": `ghcr.io/example-org/berth@${DIGEST}` } }),
  }),
  steps: new Proxy({} as Record<string, unknown>, {
    get: () => ({ outputs: new Proxy({}, { get: () => "step-output" }) }),
  }),
};
const WORKFLOWS = fs.readdirSync(path.join(REPO_ROOT, ".github", "workflows")).filter((f) => /\.ya?ml$/.test(f));

test("every pulumi/actions step of .github/workflows/*.yml (matrix expanded, config-map applied with set-all, earlier `pulumi config set` run steps applied) passes the CLI's config check", () => {
  const runs = WORKFLOWS.flatMap((f) =>
    workflowRuns(REPO_ROOT, path.join(".github", "workflows", f), PROJECT, CONTEXTS),
  );
  const seen = runs.map((r) => `${r.command} ${r.stack}`).sort();
  assert.deepEqual(
    seen,
    ["preview prod", "preview staging", "up prod", "up staging"],
    "the scan finds every stack the workflows run",
  );
  const stagingUp = runs.find((r) => r.command === "up" && r.stack === "staging")!;
  assert.equal(stagingUp.config.get("berth:imageSha")?.text, SHA, "the config-map is applied");
  assert.equal(stagingUp.config.get("berth:ghcrToken")?.secure, true);
  const prodUp = runs.find((r) => r.command === "up" && r.stack === "prod")!;
  assert.equal(
    JSON.parse(prodUp.config.get("berth:promotion")!.text).digest,
    DIGEST,
    "the run step's `pulumi config set --path promotion.digest` is applied",
  );
  assertRunsStart(runs);
});

/** The README's placeholders, filled with values of the right shape. */
function placeholder(text: string): string | string[] {
  if (text === "stack") return COMMITTED_STACKS; // "`pulumi up -s <stack>`": each of them
  if (/64 hex/.test(text)) return "ab".repeat(32);
  if (/sha/i.test(text)) return OLD_SHA;
  if (/token/i.test(text)) return "ghp_placeholder";
  if (/^org$/.test(text)) return "example-org";
  return text.replace(/[^A-Za-z0-9._-]+/g, "-");
}

test("every `pulumi up/preview/refresh/destroy` of README.md, CONTRIBUTING.md, docs/ and examples/, after the `pulumi config set/rm` before it in the same block, passes the CLI's config check", () => {
  const files = documentedCommandFiles(REPO_ROOT);
  for (const doc of ["README.md", "docs/local.md", "docs/bootstrap.md", "docs/runbooks.md", "docs/policy.md"])
    assert.ok(files.includes(doc), `${doc} is scanned (scanned: ${files.join(", ")})`);
  // The documents are written for the sample's stacks (their service names): replayed on the fixtures, not the user's files.
  const runs = readmeRuns(REPO_ROOT, PROJECT, placeholder, files, FIXTURE_STACK_DIR);
  const stacks = new Set(runs.map((r) => `${r.command} ${r.stack}`));
  for (const expected of ["up local", "preview local", "destroy local", "up staging", "preview staging", "up prod"]) {
    assert.ok(stacks.has(expected), `the docs scan finds \`pulumi ${expected}\` (found: ${[...stacks].join(", ")})`);
  }
  // The walk-through and the runbooks moved out of README.md: their commands are still replayed, from their page.
  for (const [doc, command] of [
    ["README.md", "up local"],
    ["docs/bootstrap.md", "up prod"],
    ["docs/runbooks.md", "up prod"],
  ])
    assert.ok(
      runs.some((r) => r.source.startsWith(`${doc}:`) && `${r.command} ${r.stack}` === command),
      `\`pulumi ${command}\` of ${doc} is replayed`,
    );
  const rollback = runs.find((r) => r.stack === "local" && r.config.has("berth:deploySha"));
  assert.ok(rollback, "the local rollback commands (`pulumi config set berth:deploySha ... -s local`) are replayed");
  assertRunsStart(runs);
});

// --- the project schema and the program agree -------------------------------------------------------------------

test("every top-level key the declarations name is in exactly one place: Pulumi.yaml (set on every stack or defaulted), STRUCTURED_KEYS or STACK_SCOPED_KEYS", () => {
  // The declarations (infra/config, BERTH) are the keys the program reads: loadSettings refuses any other.
  const read = new Set(Object.keys(BERTH));
  assert.ok(read.size >= 15, `only ${read.size} keys declared`);
  const declared = Object.keys(project.config).map((k) => (k.includes(":") ? k.slice(k.indexOf(":") + 1) : k));
  const places = [declared, Object.keys(STRUCTURED_KEYS), Object.keys(STACK_SCOPED_KEYS)];
  const secrets = SECRET_KEYS.map((k) => k.slice(PROJECT.length + 1));
  for (const key of new Set([...read, ...secrets])) {
    assert.equal(
      places.filter((p) => p.includes(key)).length,
      1,
      `berth:${key}: in ${places.map((p) => p.includes(key)).join("/")} of Pulumi.yaml/STRUCTURED_KEYS/STACK_SCOPED_KEYS`,
    );
  }
  for (const key of places.flat())
    assert.ok(read.has(key) || secrets.includes(key), `berth:${key} is listed but the program never reads it`);
  for (const [key, description] of Object.entries({ ...STRUCTURED_KEYS, ...STACK_SCOPED_KEYS }))
    assert.ok(description.length > 20, `${key} is described`);
});

test("defaults in Pulumi.yaml (injected by the CLI into every stack) equal the program's own defaults", () => {
  const withDefaults = Object.entries(project.config).filter(([, d]) => d.default !== undefined);
  assert.ok(withDefaults.length >= 2, "githubRepository and imageName have stack-independent defaults");
  for (const stack of COMMITTED_STACKS) {
    const base = { ...runtimeConfig(readStackFile(REPO_ROOT, stack, PROJECT)).config, "berth:imageSha": SHA };
    for (const [key, decl] of withDefaults) {
      const full = key.includes(":") ? key : `${PROJECT}:${key}`;
      if (full in base) continue;
      const without = loadSettings(base, { stack, git: () => GIT });
      const withDefault = loadSettings({ ...base, [full]: String(decl.default) }, { stack, git: () => GIT });
      assert.deepEqual(withDefault, without, `${stack}: ${key} default ${JSON.stringify(decl.default)}`);
    }
  }
});

test("berth:ghcrToken is not declared in Pulumi.yaml (prod, local and laptop runs leave it unset), so the program refuses it in plain text, as the CLI's `secret: true` would", () => {
  const staging = runtimeConfig(readStackFile(FIXTURE_STACK_DIR, "staging", PROJECT)).config;
  const config = { ...staging, "berth:imageSha": SHA, "berth:ghcrToken": "ghp_plain" };
  assert.throws(
    () => loadSettings(config, { stack: "staging", git: () => GIT, isSecret: () => false }),
    (e: Error) =>
      /berth:ghcrToken: got "\(value hidden\)"; allowed: .*pulumi config set --secret berth:ghcrToken/.test(
        e.message,
      ) && !e.message.includes("ghp_plain"),
  );
  assert.doesNotThrow(() =>
    loadSettings(config, { stack: "staging", git: () => GIT, isSecret: (k) => k === "berth:ghcrToken" }),
  );
});

test("the program (infra/index.ts under mocks) refuses a plain-text berth:ghcrToken before registering anything", async () => {
  const config = {
    ...runtimeConfig(readStackFile(FIXTURE_STACK_DIR, "staging", PROJECT)).config,
    "berth:imageSha": SHA,
    "berth:ghcrToken": "ghp_plain",
  };
  const stack = await captureStack({ stack: "staging", config, secretKeys: [] });
  assert.ok(stack.error instanceof Error, "the program fails");
  assert.match((stack.error as Error).message, /berth:ghcrToken: got "\(value hidden\)"; allowed: an encrypted value/);
  assert.equal(stack.resources.filter((r) => r.custom).length, 0, "nothing registered");
});
