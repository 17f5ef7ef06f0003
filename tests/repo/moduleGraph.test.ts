// The layering of the repository, checked on its import graph (tests/repo/moduleGraph.ts):
//   (a) no import cycle in infra/, policy/, offline/, bench/ or scripts/;
//   (b) the deployed programs, infra/index.ts (the Pulumi program) and policy/index.ts (the CrossGuard pack), reach no
//       module under tests/ or offline/: the offline tooling (mock runtime, evaluator, plan) never ships;
//   (c) bench/ reaches nothing under tests/;
//   (d) policy/ reaches nothing under infra/ or tests/: the pack owns its security lists (policy/securityLists.ts),
//       which the program may import, not the other way.
// Each assertion runs on the real tree and, to show it can fail, on an in-memory repository that breaks it.
// (a) follows the imports that load a module at run time (findCycles: a type-only import is erased); (b)-(d) follow
// every import, type-only ones included: the deployed sources do not depend on the tooling or the tests at all.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildModuleGraph,
  findCycles,
  forbiddenChains,
  importsOf,
  resolveRelative,
  under,
  type FileReader,
  type ModuleGraph,
} from "./moduleGraph";

const ROOT = path.resolve(__dirname, "..", "..");
const FOLDERS = ["infra", "policy", "offline", "bench", "scripts", "tests"];
const ACYCLIC = under("infra", "policy", "offline", "bench", "scripts");

interface LayerRule {
  readonly name: string;
  readonly entries: (files: readonly string[]) => string[];
  readonly forbidden: (file: string) => boolean;
  readonly forbiddenDescription: string;
}

const RULES: readonly LayerRule[] = [
  {
    name: "(b) the deployed Pulumi program",
    entries: () => ["infra/index.ts"],
    forbidden: under("tests", "offline"),
    forbiddenDescription: "tests/ or offline/",
  },
  {
    name: "(b) the deployed CrossGuard pack",
    entries: () => ["policy/index.ts"],
    forbidden: under("tests", "offline"),
    forbiddenDescription: "tests/ or offline/",
  },
  {
    name: "(c) bench/",
    entries: (files) => files.filter(under("bench")),
    forbidden: under("tests"),
    forbiddenDescription: "tests/",
  },
  {
    name: "(d) policy/",
    entries: (files) => files.filter(under("policy")),
    forbidden: under("infra", "tests"),
    forbiddenDescription: "infra/ or tests/",
  },
];

function assertResolved(graph: ModuleGraph): void {
  assert.deepEqual(
    graph.unresolved,
    [],
    `relative imports that resolve to no file:\n  ${graph.unresolved.join("\n  ")}`,
  );
}

function assertAcyclic(graph: ModuleGraph, options: { includeTypeOnly?: boolean } = {}): void {
  const shown = findCycles(graph, ACYCLIC, options).map(
    ({ path: cycle, component }) =>
      `${[...cycle, cycle[0]].join(" -> ")}` +
      (component.length > cycle.length ? ` (one of the cycles among ${component.join(", ")})` : ""),
  );
  assert.deepEqual(shown, [], `import cycles:\n  ${shown.join("\n  ")}`);
}

function assertLayer(graph: ModuleGraph, files: readonly string[], rule: LayerRule): void {
  const entries = rule.entries(files);
  assert.ok(entries.length > 0, `${rule.name}: no entry module`);
  const chains = entries.flatMap((entry) => forbiddenChains(graph, entry, rule.forbidden));
  const shown = [...new Set(chains.map((chain) => chain.join(" -> ")))];
  assert.deepEqual(
    shown,
    [],
    `${rule.name} imports modules under ${rule.forbiddenDescription}; import chains:\n  ${shown.join("\n  ")}`,
  );
}

// --- the real tree ------------------------------------------------------------------------------------------------

function repositoryFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!["node_modules", "bin", "obj"].includes(entry.name)) walk(rel);
      } else if (/\.(m|c)?tsx?$/.test(entry.name)) {
        files.push(rel);
      }
    }
  };
  for (const folder of FOLDERS) if (fs.existsSync(path.join(ROOT, folder))) walk(folder);
  return files.sort();
}

const diskReader: FileReader = (file) => {
  try {
    const full = path.join(ROOT, file);
    return fs.statSync(full).isFile() ? fs.readFileSync(full, "utf8") : undefined;
  } catch {
    return undefined;
  }
};

describe("the repository's module graph", () => {
  const files = repositoryFiles();
  const graph = buildModuleGraph(files, diskReader);

  test("is the graph of the whole tree: every TypeScript file, and every relative import resolves", () => {
    assert.ok(files.includes("infra/index.ts") && files.includes("policy/index.ts"), files.join(", "));
    assert.ok(files.some(under("offline")) && files.some(under("tests")), "offline/ and tests/ are scanned");
    assertResolved(graph);
    // Not vacuous: the program's graph reaches its modules through the folders' imports.
    const program = buildModuleGraph(["infra/index.ts"], diskReader);
    assert.ok(program.edges.size > 10, `infra/index.ts reaches ${program.edges.size} modules`);
    assert.ok(program.edges.has("infra/awsStack.ts"), [...program.edges.keys()].join(", "));
  });

  test("(a) has no import cycle (of imports that load a module) in infra/, policy/, offline/, bench/ or scripts/", () => {
    assertAcyclic(graph);
  });

  test("(a) has no import cycle even counting `import type` (readers name the stack kinds from a leaf module)", () => {
    assertAcyclic(graph, { includeTypeOnly: true });
  });

  for (const rule of RULES) {
    test(`${rule.name} reaches no module under ${rule.forbiddenDescription}`, () => {
      assertLayer(graph, files, rule);
    });
  }
});

// --- each assertion fails on a repository that breaks it ---------------------------------------------------------

const memoryReader =
  (tree: Record<string, string>): FileReader =>
  (file) =>
    tree[file];

const rule = (name: string): LayerRule => RULES.find((r) => r.name === name)!;

describe("the module-graph assertions fail on a broken repository", () => {
  test("(a) a cycle is found and printed, across files and folders, including a self-import", () => {
    const tree = {
      "infra/index.ts": `import { a } from "./a";\nexport const x = a;`,
      "infra/a.ts": `export { b as a } from "./config";`,
      "infra/config/index.ts": `import "../../offline/plan.js";\nexport const b = 1;`,
      "offline/plan.ts": `const m = require("../infra/a");`,
      "scripts/self.ts": `import("./self");`,
      "infra/acyclic.ts": `import { x } from "./index";`,
    };
    const graph = buildModuleGraph(Object.keys(tree), memoryReader(tree));
    assertResolved(graph);
    assert.deepEqual(
      findCycles(graph, ACYCLIC).map((c) => c.path),
      [["infra/a.ts", "infra/config/index.ts", "offline/plan.ts"], ["scripts/self.ts"]],
    );
    assert.throws(
      () => assertAcyclic(graph),
      (e: Error) =>
        e.message.includes("infra/a.ts -> infra/config/index.ts -> offline/plan.ts -> infra/a.ts") &&
        e.message.includes("scripts/self.ts -> scripts/self.ts"),
    );
    // A cycle through tests/ only is outside (a): the test helpers may import each other.
    const testsOnly = { "tests/x.ts": `import "./y";`, "tests/y.ts": `import "./x";` };
    assertAcyclic(buildModuleGraph(Object.keys(testsOnly), memoryReader(testsOnly)));
  });

  test("(a) counts the imports that load a module: a cycle closed only by an `import type` is found on request", () => {
    // infra/config's pattern: the folder's index imports the readers, a reader takes the index's types.
    const barrel = {
      "infra/config/index.ts": `import { readNetwork } from "./network";\nexport type Environment = "prod";`,
      "infra/config/network.ts": `import type { Environment } from "./";\nexport const readNetwork = (e: Environment) => e;`,
    };
    const graph = buildModuleGraph(Object.keys(barrel), memoryReader(barrel));
    assertAcyclic(graph);
    assert.deepEqual(
      findCycles(graph, ACYCLIC, { includeTypeOnly: true }).map((c) => c.path),
      [["infra/config/index.ts", "infra/config/network.ts"]],
    );
    // The same cycle with a value import is a run-time cycle.
    const valued = { ...barrel, "infra/config/network.ts": `import { ENVIRONMENTS } from "./";` };
    assert.throws(
      () => assertAcyclic(buildModuleGraph(Object.keys(valued), memoryReader(valued))),
      /infra\/config\/index\.ts -> infra\/config\/network\.ts -> infra\/config\/index\.ts/,
    );
  });

  test("(b) the program reaching offline/ or tests/ fails with the import chain", () => {
    const tree = {
      "infra/index.ts": `import { stack } from "./awsStack";`,
      "infra/awsStack.ts": `import type { Mocks } from "../offline/mockRuntime";\nexport const stack = 1;`,
      "offline/mockRuntime.ts": `import { fixture } from "../tests/support";`,
      "tests/support/index.ts": `export const fixture = 1;`,
      "policy/index.ts": `export * from "./securityLists";`,
      "policy/securityLists.ts": `export const lists = await import("../tests/support/index.js");`,
    };
    const files = Object.keys(tree);
    const graph = buildModuleGraph(files, memoryReader(tree));
    assert.throws(
      () => assertLayer(graph, files, rule("(b) the deployed Pulumi program")),
      // The first forbidden module on the path is reported (offline/, not the tests/ module it imports), and a
      // type-only import counts: the program's sources do not depend on the offline tooling at all.
      (e: Error) =>
        e.message.includes("\n  infra/index.ts -> infra/awsStack.ts -> offline/mockRuntime.ts\n") &&
        !e.message.includes("offline/mockRuntime.ts -> tests/"),
    );
    assert.throws(
      () => assertLayer(graph, files, rule("(b) the deployed CrossGuard pack")),
      (e: Error) => e.message.includes("policy/index.ts -> policy/securityLists.ts -> tests/support/index.ts"),
    );
    // Without the forbidden imports the same rules hold.
    const clean = { ...tree, "infra/awsStack.ts": `export const stack = 1;`, "policy/securityLists.ts": `export {};` };
    const cleanGraph = buildModuleGraph(files, memoryReader(clean));
    assertLayer(cleanGraph, files, rule("(b) the deployed Pulumi program"));
    assertLayer(cleanGraph, files, rule("(b) the deployed CrossGuard pack"));
  });

  test("(c) bench/ importing tests/ (directly or through another module) fails", () => {
    const tree = {
      "bench/image.ts": `import { hardenedRunArgs } from "../offline/hardenedRunArgs.js";`,
      "offline/hardenedRunArgs.ts": `import { constants } from "../tests/support/constants";`,
      "tests/support/constants.ts": `export const constants = {};`,
    };
    const files = Object.keys(tree);
    assert.throws(
      () => assertLayer(buildModuleGraph(files, memoryReader(tree)), files, rule("(c) bench/")),
      (e: Error) => e.message.includes("bench/image.ts -> offline/hardenedRunArgs.ts -> tests/support/constants.ts"),
    );
  });

  test("(d) policy/ importing infra/ or tests/ fails; the program importing policy/securityLists.ts does not", () => {
    const tree = {
      "policy/index.ts": `import { rules } from "./rules";`,
      "policy/rules.ts": `import { ports } from "../infra/config";`,
      "policy/securityLists.ts": `export const ports = [];`,
      "infra/config/index.ts": `import { ports } from "../../policy/securityLists";\nexport { ports };`,
    };
    const files = Object.keys(tree);
    assert.throws(
      () => assertLayer(buildModuleGraph(files, memoryReader(tree)), files, rule("(d) policy/")),
      (e: Error) => e.message.includes("policy/rules.ts -> infra/config/index.ts"),
    );
    const fixed = { ...tree, "policy/rules.ts": `import { ports } from "./securityLists";` };
    assertLayer(buildModuleGraph(files, memoryReader(fixed)), files, rule("(d) policy/"));
  });

  test("an import that resolves to no file is reported, not silently dropped from the graph", () => {
    const tree = { "infra/index.ts": `import { gone } from "./moved/away";\nimport * as aws from "@pulumi/aws";` };
    const graph = buildModuleGraph(Object.keys(tree), memoryReader(tree));
    assert.deepEqual(graph.unresolved, ["infra/index.ts: ./moved/away"]);
    assert.throws(() => assertResolved(graph), /infra\/index\.ts: \.\/moved\/away/);
  });
});

describe("imports and their resolution", () => {
  test("every import form is found, type-only ones flagged; comments and strings are not imports", () => {
    const text = [
      `import a from "./a";`,
      `import type { B } from "./b";`,
      `import { type C, type D } from "./cd";`,
      `import { type E, f } from "./ef";`,
      `import "./side-effect";`,
      `export * from "./star";`,
      `export type { G } from "./g";`,
      `import h = require("./h");`,
      `const i = require("./i");`,
      `const j = import("./j");`,
      `let k: typeof import("./k");`,
      `// import { no } from "./comment";`,
      `const s = 'import x from "./string"';`,
      `const dynamic = import(name);`,
      `import * as pulumi from "@pulumi/pulumi";`,
    ].join("\n");
    assert.deepEqual(importsOf("x.ts", text), [
      { specifier: "./a", typeOnly: false },
      { specifier: "./b", typeOnly: true },
      { specifier: "./cd", typeOnly: true },
      { specifier: "./ef", typeOnly: false },
      { specifier: "./side-effect", typeOnly: false },
      { specifier: "./star", typeOnly: false },
      { specifier: "./g", typeOnly: true },
      { specifier: "./h", typeOnly: false },
      { specifier: "./i", typeOnly: false },
      { specifier: "./j", typeOnly: false },
      { specifier: "./k", typeOnly: true },
      { specifier: "@pulumi/pulumi", typeOnly: false },
    ]);
  });

  test("relative specifiers resolve as TypeScript's nodenext resolution does for .ts sources", () => {
    const present = new Set([
      "infra/config/index.ts",
      "infra/config/delivery.ts",
      "infra/network.ts",
      "infra/network/index.ts",
      "offline/podman.ts",
      "policy/config/prod.json",
    ]);
    const exists = (f: string): boolean => present.has(f);
    assert.equal(resolveRelative("infra/index.ts", "./config", exists), "infra/config/index.ts");
    assert.equal(resolveRelative("infra/config/local.ts", "./", exists), "infra/config/index.ts");
    assert.equal(resolveRelative("infra/config/local.ts", ".", exists), "infra/config/index.ts");
    assert.equal(resolveRelative("infra/config/local.ts", "./delivery", exists), "infra/config/delivery.ts");
    assert.equal(resolveRelative("tests/local/x.test.ts", "../../offline/podman.js", exists), "offline/podman.ts");
    assert.equal(resolveRelative("policy/index.ts", "./config/prod.json", exists), "policy/config/prod.json");
    // A file x.ts is found before a folder x/ with an index.
    assert.equal(resolveRelative("infra/index.ts", "./network", exists), "infra/network.ts");
    assert.equal(resolveRelative("infra/index.ts", "./network/", exists), "infra/network/index.ts");
    assert.equal(resolveRelative("infra/index.ts", "./missing", exists), undefined);
    assert.equal(
      resolveRelative("infra/index.ts", "../../outside", () => true),
      undefined,
    );
  });
});
