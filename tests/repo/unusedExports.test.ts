/**
 * No export nobody imports: in the deployed program (infra/), the policy pack (policy/), the offline tooling
 * (offline/) and the benchmarks (bench/), every exported name is imported by another module (a test counts). A
 * name used only in its own file is not exported; a name nobody uses is deleted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { unusedExports } from "./exportUse";
import type { FileReader } from "./moduleGraph";

const ROOT = path.resolve(__dirname, "..", "..");
const CHECKED = ["infra", "policy", "offline", "bench"];
/** Modules whose exports are read by a tool, not imported: the Pulumi program (`export =`), the policy pack's entry. */
const ENTRY_POINTS = new Set(["infra/index.ts", "policy/index.ts"]);

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(path.join(ROOT, dir))) return [];
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return ["node_modules", "bin", "obj", "fixtures"].includes(e.name) ? [] : tsFiles(rel);
    return /\.ts$/.test(e.name) && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

const disk: FileReader = (file) => {
  try {
    return fs.readFileSync(path.join(ROOT, file), "utf8");
  } catch {
    return undefined;
  }
};

test("every export of infra/, policy/, offline/ and bench/ is imported by another module", () => {
  const files = [...CHECKED, "tests", "scripts"].flatMap(tsFiles);
  const modules = CHECKED.flatMap(tsFiles).filter((f) => !ENTRY_POINTS.has(f));
  assert.ok(modules.length > 50, `${modules.length} modules checked`);
  assert.deepEqual(unusedExports(files, modules, disk), []);
});

test("the check finds an unused export, follows re-exports through an index, and counts namespace and dynamic imports", () => {
  const repo: Record<string, string> = {
    "infra/a.ts":
      "export const used = 1;\nexport function unused() {}\nexport interface Shape {}\nconst local = 2;\nexport { local as renamed };",
    "infra/index.ts": 'export * from "./a";\nexport { helper as tool } from "./b";',
    "infra/b.ts": "export function helper() {}\nexport const dead = 0;",
    "infra/c.ts": "export const viaNamespace = 1;",
    "infra/d.ts": "export const viaDynamic = 1;",
    "tests/x.test.ts":
      'import { used, type Shape } from "../infra";\nimport { tool } from "../infra/index";\nimport * as c from "../infra/c";\nconst d = import("../infra/d");',
  };
  const read: FileReader = (f) => repo[f];
  const unused = unusedExports(Object.keys(repo), ["infra/a.ts", "infra/b.ts", "infra/c.ts", "infra/d.ts"], read);
  assert.deepEqual(unused.sort(), ["infra/a.ts: renamed", "infra/a.ts: unused", "infra/b.ts: dead"]);
});
