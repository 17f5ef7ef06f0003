/**
 * offline/compiledPolicyPack.ts: the pack is transpiled to a JavaScript pack once per content, and that is the pack
 * offline/analyzerClient.ts starts by default. The folder must follow the pack's content (an edited rule is never
 * served from a stale copy), be a JavaScript pack as the CLI runs one, and serve exactly the rules policy/ declares.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { compiledPolicyPack, packSourceFiles } from "../../offline/compiledPolicyPack";
import { PACK_DIR, PolicyAnalyzer } from "../../offline/analyzerClient";
import { berthRules, POLICY_PACK_NAME } from "../../policy/rules";

/** A copy of policy/ in a temporary folder, with its own cache root (transpiling needs no dependencies). */
const temporary: string[] = [];
after(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function packCopy(): { packDir: string; cacheRoot: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "berth-pack-"));
  temporary.push(root);
  const packDir = path.join(root, "policy");
  fs.cpSync(PACK_DIR, packDir, { recursive: true });
  return { packDir, cacheRoot: path.join(root, "cache") };
}

test("an unchanged pack reuses its compiled folder; any edit to a rule gives a new one with the edit in it", () => {
  const { packDir, cacheRoot } = packCopy();
  const first = compiledPolicyPack(packDir, cacheRoot);
  const builtAt = fs.statSync(path.join(first, "index.js")).mtimeMs;
  assert.equal(compiledPolicyPack(packDir, cacheRoot), first);
  assert.equal(fs.statSync(path.join(first, "index.js")).mtimeMs, builtAt, "an unchanged pack is not rebuilt");

  const rules = path.join(packDir, "ecrRules.ts");
  fs.appendFileSync(rules, '\nexport const EDITED_FOR_THE_TEST = "edited";\n');
  const second = compiledPolicyPack(packDir, cacheRoot);
  assert.notEqual(second, first);
  assert.match(fs.readFileSync(path.join(second, "ecrRules.js"), "utf8"), /EDITED_FOR_THE_TEST = "edited"/);
  assert.doesNotMatch(fs.readFileSync(path.join(first, "ecrRules.js"), "utf8"), /EDITED_FOR_THE_TEST/);

  // A rule file in a subfolder is part of the pack too.
  fs.mkdirSync(path.join(packDir, "extra"));
  fs.writeFileSync(path.join(packDir, "extra", "more.ts"), "export const MORE = 1;\n");
  assert.ok(packSourceFiles(packDir).includes(path.join("extra", "more.ts")));
  const third = compiledPolicyPack(packDir, cacheRoot);
  assert.notEqual(third, second);
  assert.ok(fs.existsSync(path.join(third, "extra", "more.js")));
});

test("the compiled folder is a JavaScript pack: no typescript runtime option, main index.js, one .js per .ts", () => {
  const { packDir, cacheRoot } = packCopy();
  const out = compiledPolicyPack(packDir, cacheRoot);
  const project = parseYaml(fs.readFileSync(path.join(out, "PulumiPolicy.yaml"), "utf8"));
  const source = parseYaml(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8"));
  assert.equal(source.runtime.options.typescript, true, "policy/PulumiPolicy.yaml declares a TypeScript pack");
  assert.deepEqual(project.runtime, { name: "nodejs" });
  assert.equal(project.description, source.description);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8")).main, "index.js");
  for (const f of packSourceFiles(packDir).filter((x) => x.endsWith(".ts"))) {
    const js = fs.readFileSync(path.join(out, f.replace(/\.ts$/, ".js")), "utf8");
    assert.match(js, /^"use strict";/, `${f}: CommonJS as tsconfig's module: commonjs`);
    // The inline source map names the TypeScript file, so a rule's stack trace points at policy/<file>.ts.
    const map = JSON.parse(
      Buffer.from(/sourceMappingURL=data:application\/json;base64,(\S+)/.exec(js)![1], "base64").toString(),
    );
    assert.deepEqual(
      map.sources.map((s: string) => path.basename(s)),
      [path.basename(f)],
    );
  }
});

test("a syntax error in a rule file stops the build naming the file, and leaves no half-built pack", () => {
  const { packDir, cacheRoot } = packCopy();
  fs.appendFileSync(path.join(packDir, "albRules.ts"), "\nexport const broken = ;\n");
  assert.throws(() => compiledPolicyPack(packDir, cacheRoot), /albRules\.ts: Expression expected/);
  assert.deepEqual(fs.readdirSync(cacheRoot), []);
});

test("the pack the analyzer client starts by default is the compiled one, and it serves every rule of policy/", async () => {
  const analyzer = await PolicyAnalyzer.start({ stack: "compiled-pack-test" });
  const compiled = compiledPolicyPack(PACK_DIR);
  try {
    // run-policy-pack <engine address> <pack folder>, as the language host runs it.
    const args = (analyzer as unknown as { child: { spawnargs: string[] } }).child.spawnargs;
    assert.equal(args.at(-1), compiled);
    const info = await analyzer.info();
    assert.equal(info.name, POLICY_PACK_NAME);
    assert.deepEqual(info.policies.map((p) => p.name).sort(), berthRules.map((r) => r.name).sort());
  } finally {
    analyzer.close();
  }
  assert.match(compiled, /node_modules[/\\]\.cache[/\\]berth-policy-pack[/\\][0-9a-f]{24}$/);
  assert.ok(fs.existsSync(path.join(compiled, "index.js")));
});
