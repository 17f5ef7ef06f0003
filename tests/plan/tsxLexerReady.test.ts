/**
 * offline/tsxLexerReady.mjs (preloaded by scripts/plan) waits for tsx's WebAssembly lexer by awaiting the `init` of
 * the lexer module tsx's CommonJS hook requires. If a tsx upgrade renames or reshapes that module, the preload waits
 * for nothing and the plan silently loads slower: these tests fail instead.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const dist = path.join(path.dirname(require.resolve("tsx/package.json")), "dist");

test("tsx's CommonJS hook lexes with the one lexer-*.cjs module, which exports an init promise and parse", async () => {
  const lexers = fs.readdirSync(dist).filter((f) => /^lexer-.*\.cjs$/.test(f));
  assert.equal(lexers.length, 1, `one lexer module in ${dist}: ${lexers.join(", ")}`);
  const hooks = fs.readdirSync(dist).filter((f) => /^register-.*\.cjs$/.test(f));
  assert.ok(
    hooks.some((f) => fs.readFileSync(path.join(dist, f), "utf8").includes(`require("./${lexers[0]}")`)),
    `tsx's register-*.cjs requires ./${lexers[0]}`,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module tsx itself requires
  const lexer = require(path.join(dist, lexers[0])) as { init: Promise<unknown>; parse: (code: string) => unknown[] };
  assert.ok(lexer.init instanceof Promise);
  await lexer.init;
  // parse(...)[3] is what tsx's isESM reads: true for ES module syntax, false for CommonJS.
  assert.equal(lexer.parse('export const a = 1;\nimport "b";')[3], true);
  assert.equal(lexer.parse('"use strict";\nexports.a = require("b");')[3], false);
});

test("scripts/plan preloads it after tsx, and the preload lets a TypeScript entry run", () => {
  assert.match(
    fs.readFileSync(path.join(ROOT, "scripts", "plan"), "utf8"),
    /--import tsx .*--import "\$root\/offline\/tsxLexerReady\.mjs" offline\/plan\.ts/,
  );
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      "./offline/tsxLexerReady.mjs",
      "-e",
      'require("./offline/mockRuntime.ts"); console.log("ran")',
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "ran");
});
