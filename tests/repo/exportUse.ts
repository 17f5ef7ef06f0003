// Which exported names of the repository's modules another module imports, from the syntax trees alone (as
// moduleGraph.ts reads imports). An export nobody imports is dead weight or a name kept "just in case"; one used only
// inside its own file should not be exported. Re-exports are followed to the module that declares the name:
// `export * from "./a"` in an index makes `import { X } from "./index"` a use of a's X, not of the index; `import * as
// ns`, `import("...")` and `require("...")` use every export of the target (conservative). Not a test file.
import ts from "typescript";
import { resolveRelative, type FileReader } from "./moduleGraph";

interface ModuleExports {
  /** Names the module declares and exports itself (`export function f`, `export { local }`, `export default`). */
  own: Set<string>;
  /** `export { a as b } from "./x"`: exported name -> [target file, name there]. */
  forwarded: Map<string, [string, string]>;
  /** `export * from "./x"`: the targets. */
  star: string[];
}

interface ModuleImports {
  /** `import { a } from "./x"`, `export { a } from "./x"`: [target, name]. */
  named: [string, string][];
  /** `import * as ns from "./x"`, dynamic imports, `require`: every export of the target. */
  whole: string[];
}

const isRelative = (s: string) => s.startsWith("./") || s.startsWith("../");

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function parse(file: string, text: string, resolve: (specifier: string) => string | undefined) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const exports: ModuleExports = { own: new Set(), forwarded: new Map(), star: [] };
  const imports: ModuleImports = { named: [], whole: [] };
  const target = (node: ts.Expression | undefined) =>
    node && ts.isStringLiteral(node) && isRelative(node.text) ? resolve(node.text) : undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const to = target(node.moduleSpecifier);
      const clause = node.importClause;
      if (to && clause) {
        if (clause.name) imports.named.push([to, "default"]);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) imports.whole.push(to);
        if (bindings && ts.isNamedImports(bindings))
          for (const e of bindings.elements) imports.named.push([to, (e.propertyName ?? e.name).text]);
      }
    } else if (ts.isExportDeclaration(node)) {
      const to = target(node.moduleSpecifier);
      if (node.exportClause && ts.isNamedExports(node.exportClause)) {
        for (const e of node.exportClause.elements) {
          const local = (e.propertyName ?? e.name).text;
          if (to) {
            exports.forwarded.set(e.name.text, [to, local]);
          } else exports.own.add(e.name.text);
        }
      } else if (node.exportClause && ts.isNamespaceExport(node.exportClause)) {
        if (to) imports.whole.push(to);
        exports.own.add(node.exportClause.name.text);
      } else if (to) exports.star.push(to);
    } else if (ts.isExportAssignment(node)) {
      exports.own.add("default");
    } else if (
      (ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isInterfaceDeclaration(node) ||
        ts.isTypeAliasDeclaration(node) ||
        ts.isEnumDeclaration(node)) &&
      hasExportModifier(node)
    ) {
      if (node.name) exports.own.add(node.name.text);
    } else if (ts.isVariableStatement(node) && hasExportModifier(node)) {
      for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) exports.own.add(d.name.text);
    } else if (ts.isCallExpression(node)) {
      const isDynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      const to = (isDynamic || isRequire) && node.arguments.length === 1 ? target(node.arguments[0]) : undefined;
      if (to) imports.whole.push(to);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal) && isRelative(arg.literal.text)) {
        const to = resolve(arg.literal.text);
        if (to) imports.whole.push(to);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { exports, imports };
}

/**
 * The exported names of `modules` (the files checked) that no file of `files` imports, as `file: name`. Every file
 * of `files` counts as an importer (tests included); a module's own uses do not count.
 */
export function unusedExports(files: readonly string[], modules: readonly string[], read: FileReader): string[] {
  const exists = (f: string) => read(f) !== undefined;
  const parsed = new Map(files.map((f) => [f, parse(f, read(f) ?? "", (s) => resolveRelative(f, s, exists))] as const));
  const used = new Set<string>();
  /** Marks the declaration behind `name` exported by `file` as used, following re-exports. */
  const use = (file: string, name: string, seen = new Set<string>()): boolean => {
    const key = `${file}: ${name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    const m = parsed.get(file)?.exports;
    if (!m) return false;
    if (m.own.has(name)) {
      used.add(key);
      return true;
    }
    const fwd = m.forwarded.get(name);
    if (fwd) return use(fwd[0], fwd[1], seen);
    return m.star.some((s) => name !== "default" && use(s, name, seen));
  };
  const useAll = (file: string, seen = new Set<string>()): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const m = parsed.get(file)?.exports;
    if (!m) return;
    for (const n of m.own) used.add(`${file}: ${n}`);
    for (const [, [to, n]] of m.forwarded) use(to, n);
    for (const s of m.star) useAll(s, seen);
  };
  for (const [file, { imports }] of parsed) {
    for (const [to, name] of imports.named) if (to !== file) use(to, name);
    for (const to of imports.whole) if (to !== file) useAll(to);
  }
  return modules.flatMap((file) =>
    [...(parsed.get(file)?.exports.own ?? [])].filter((n) => !used.has(`${file}: ${n}`)).map((n) => `${file}: ${n}`),
  );
}
