/**
 * The policy pack compiled to JavaScript once per content, for offline/analyzerClient.ts to start.
 *
 * `run-policy-pack` (node_modules/@pulumi/pulumi/cmd/run-policy-pack/run.js) registers ts-node with `typeCheck: true`
 * before it loads the pack: every start of `policy/index.ts` type-checks the whole pack and the @pulumi/* type
 * declarations it imports (about 0.7 s warm, 10 s on a cold machine), on every `scripts/plan` and in every test file
 * that starts the pack. Type errors are the typecheck's job (tests/typecheck.test.ts covers `policy/`); the pack's
 * behaviour is its JavaScript. So the pack's TypeScript is transpiled once (TypeScript's `transpileModule`, with
 * policy/tsconfig.json's compiler options, the ones run.js hands ts-node) into
 * `node_modules/.cache/berth-policy-pack/<hash>/`, named by the hash of every file the pack is built from and the
 * compiler's version: an edit to any rule gives a new folder, an unchanged pack reuses the old one. That folder is a
 * JavaScript pack as the CLI runs one (PulumiPolicy.yaml runtime nodejs, package.json `main: index.js`):
 * `run-policy-pack` loads it with plain `require`, ts-node compiles nothing. Node resolves `@pulumi/policy` from it
 * through the repository's node_modules (the folder is inside it), the same copy `policy/` resolves.
 * Inline source maps name the `policy/*.ts` files, so a rule's stack trace points at its TypeScript line
 * (run-policy-pack loads source-map-support).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

/** Bumped when the layout of a compiled pack changes (the hash then changes too). */
const FORMAT = "1";

/** The files a pack is built from: its TypeScript (any depth, outside node_modules) and its three project files. */
export function packSourceFiles(packDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(path.relative(packDir, full));
    }
  };
  walk(packDir);
  for (const f of ["PulumiPolicy.yaml", "package.json", "tsconfig.json"])
    if (fs.existsSync(path.join(packDir, f))) files.push(f);
  return files.sort();
}

function typescriptVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the version only: the compiler loads on a miss
  return (require("typescript/package.json") as { version: string }).version;
}

/** The hash naming a compiled pack: the compiler's version and every source file's path and content. */
function packHash(packDir: string): string {
  const hash = createHash("sha256").update(`berth-policy-pack ${FORMAT} typescript ${typescriptVersion()}\n`);
  for (const f of packSourceFiles(packDir)) {
    const content = fs.readFileSync(path.join(packDir, f));
    hash.update(`${f}\u0000${content.length}\u0000`).update(content);
  }
  return hash.digest("hex").slice(0, 24);
}

/** Where compiled packs are kept: inside the repository's node_modules, so the pack resolves its dependencies. */
function defaultPackCacheRoot(packDir: string): string {
  return path.join(path.dirname(packDir), "node_modules", ".cache", "berth-policy-pack");
}

/**
 * The compiled pack for the pack in `packDir`: reused when a folder with its hash exists, else transpiled into a
 * fresh folder renamed into place (a concurrent start of another process sees a whole pack or none).
 */
export function compiledPolicyPack(packDir: string, cacheRoot = defaultPackCacheRoot(packDir)): string {
  const out = path.join(cacheRoot, packHash(packDir));
  if (fs.existsSync(path.join(out, "PulumiPolicy.yaml"))) return out;
  fs.mkdirSync(cacheRoot, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cacheRoot, ".building-"));
  try {
    writeCompiledPack(packDir, staging);
    try {
      fs.renameSync(staging, out);
    } catch (e) {
      // Another process renamed the same pack into place first: its folder is as good as ours.
      if (!fs.existsSync(path.join(out, "PulumiPolicy.yaml"))) throw e;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return out;
}

function writeCompiledPack(packDir: string, out: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a pack must be compiled
  const ts = require("typescript") as typeof import("typescript");
  const tsconfigFile = path.join(packDir, "tsconfig.json");
  const tsconfig = fs.existsSync(tsconfigFile)
    ? (ts.parseConfigFileTextToJson(tsconfigFile, fs.readFileSync(tsconfigFile, "utf8")).config ?? {})
    : {};
  const converted = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions ?? {}, packDir, tsconfigFile);
  if (converted.errors.length)
    throw new Error(
      `${tsconfigFile}: ${converted.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`,
    );
  const compilerOptions = {
    // run.js's defaults for what tsconfig.json leaves unset (its `module: nodenext` is what tsconfig overrides).
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    ...converted.options,
    inlineSourceMap: true,
    inlineSources: false,
    sourceMap: false,
    declaration: false,
    noEmit: false,
  };
  for (const f of packSourceFiles(packDir)) {
    const source = path.join(packDir, f);
    const target = path.join(out, f);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (f.endsWith(".ts")) {
      const result = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        compilerOptions,
        fileName: source,
        reportDiagnostics: true,
      });
      const syntaxErrors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (syntaxErrors.length)
        throw new Error(
          `${source}: ${syntaxErrors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`,
        );
      fs.writeFileSync(target.replace(/\.ts$/, ".js"), result.outputText);
    } else if (f === "PulumiPolicy.yaml") {
      // A JavaScript pack: the same project without the `typescript` runtime option.
      const project = parseYaml(fs.readFileSync(source, "utf8")) as { runtime?: { options?: Record<string, unknown> } };
      if (project.runtime?.options) {
        delete project.runtime.options.typescript;
        if (Object.keys(project.runtime.options).length === 0) delete project.runtime.options;
      }
      fs.writeFileSync(target, stringifyYaml(project));
    } else if (f === "package.json") {
      const pkg = JSON.parse(fs.readFileSync(source, "utf8")) as { main?: string };
      pkg.main = (pkg.main ?? "index.js").replace(/\.ts$/, ".js");
      fs.writeFileSync(target, JSON.stringify(pkg, null, 2));
    }
  }
}
