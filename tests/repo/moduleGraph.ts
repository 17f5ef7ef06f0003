// The import graph of the repository's TypeScript, built from the source text alone (no compilation, no loading):
// every `import ... from`, `export ... from`, side-effect `import "..."`, `import x = require(...)`, `require(...)`
// and `import(...)` whose specifier is a string literal. Relative specifiers are resolved the way TypeScript resolves
// them under "moduleResolution": "nodenext" for this repository's files (https://www.typescriptlang.org/docs/handbook/
// modules/reference.html#relative-file-path-resolution): "./x" is x.ts, x.tsx, x.d.ts or x/index.ts; "./x.js" is
// x.ts (a .js specifier names its TypeScript source); "./x.json" is the file itself. Bare specifiers (packages,
// node: builtins) are outside the repository and are not followed.
//
// Paths are repository-relative with "/" separators. The file system is a parameter (`read`), so a test can hand
// the functions an in-memory repository and show that each check fails on a bad graph.
import * as path from "node:path";
import ts from "typescript";

/** Reads a repository-relative file; undefined when there is no such file. */
export type FileReader = (file: string) => string | undefined;

export interface ImportEdge {
  /** The specifier as written. */
  readonly specifier: string;
  /** The resolved repository-relative file. */
  readonly target: string;
  /** `import type`, `export type`, or `typeof import(...)`: erased from the emitted JavaScript. */
  readonly typeOnly: boolean;
}

export interface ModuleGraph {
  /** Every file reached from the entries, with its relative imports. */
  readonly edges: ReadonlyMap<string, readonly ImportEdge[]>;
  /** Relative specifiers that resolve to no file: "importer: specifier". */
  readonly unresolved: readonly string[];
}

interface RawImport {
  specifier: string;
  typeOnly: boolean;
}

/** The module specifiers a TypeScript source imports, from its syntax tree (comments and strings are not imports). */
export function importsOf(file: string, text: string): RawImport[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: RawImport[] = [];
  const literal = (node: ts.Node | undefined): string | undefined =>
    node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      ? node.text
      : undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      const clause = node.importClause;
      // `import { type A, type B } from` is type-only too when every named binding is.
      const allTypeNames =
        clause !== undefined &&
        clause.name === undefined &&
        clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly);
      if (specifier !== undefined) found.push({ specifier, typeOnly: clause?.isTypeOnly === true || allTypeNames });
    } else if (ts.isExportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      if (specifier !== undefined) found.push({ specifier, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const specifier = literal(node.moduleReference.expression);
      if (specifier !== undefined) found.push({ specifier, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node)) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const specifier = literal(node.arguments[0]);
      if ((isRequire || isDynamicImport) && specifier !== undefined) found.push({ specifier, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const specifier = literal(node.argument.literal);
      if (specifier !== undefined) found.push({ specifier, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isRelative = (specifier: string): boolean =>
  specifier === "." || specifier === ".." || specifier.startsWith("./") || specifier.startsWith("../");

/** The repository file a relative specifier names, or undefined. */
export function resolveRelative(
  importer: string,
  specifier: string,
  exists: (file: string) => boolean,
): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier));
  const candidates: string[] = [];
  const jsExtension = /\.(m|c)?js$/.exec(base);
  if (jsExtension !== null) {
    const stem = base.slice(0, -jsExtension[0].length);
    const tsExtension = { "": ".ts", m: ".mts", c: ".cts" }[jsExtension[1] ?? ""];
    candidates.push(`${stem}${tsExtension}`, `${stem}.tsx`, `${stem}.d${tsExtension}`);
  }
  if (/\.(json|ts|mts|cts|tsx)$/.test(base)) candidates.push(base);
  // "./" and "." name a folder (its index); "./x" is the file x.ts before the folder x/.
  const dir = base.replace(/\/$/, "");
  if (!specifier.endsWith("/") && specifier !== "." && specifier !== "..") {
    candidates.push(`${dir}.ts`, `${dir}.tsx`, `${dir}.d.ts`);
  }
  candidates.push(`${dir}/index.ts`, `${dir}/index.tsx`, `${dir}/index.d.ts`);
  return candidates.find((c) => !c.startsWith("../") && exists(c));
}

/** The graph of every module reachable from the entries. */
export function buildModuleGraph(entries: readonly string[], read: FileReader): ModuleGraph {
  const texts = new Map<string, string | undefined>();
  const readCached = (file: string): string | undefined => {
    if (!texts.has(file)) texts.set(file, read(file));
    return texts.get(file);
  };
  const edges = new Map<string, ImportEdge[]>();
  const unresolved: string[] = [];
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (edges.has(file)) continue;
    const text = readCached(file);
    if (text === undefined) throw new Error(`moduleGraph: no such entry or module: ${file}`);
    const out: ImportEdge[] = [];
    edges.set(file, out);
    // JSON modules have no imports.
    if (file.endsWith(".json")) continue;
    for (const { specifier, typeOnly } of importsOf(file, text)) {
      if (!isRelative(specifier)) continue;
      const target = resolveRelative(file, specifier, (f) => readCached(f) !== undefined);
      if (target === undefined) {
        unresolved.push(`${file}: ${specifier}`);
        continue;
      }
      out.push({ specifier, target, typeOnly });
      if (!edges.has(target)) queue.push(target);
    }
  }
  return { edges, unresolved };
}

export interface Cycle {
  /** One concrete cycle: each file imports the next, the last imports the first (which is first in sort order). */
  readonly path: readonly string[];
  /** Every module of the strongly connected component the cycle lies in (sorted): all of them must be untangled. */
  readonly component: readonly string[];
}

/**
 * The import cycles among the modules accepted by `within`: Tarjan's strongly connected components, one concrete
 * cycle per component. By default over the imports that load a module at run time: a type-only import is erased
 * from the emitted JavaScript (https://www.typescriptlang.org/docs/handbook/release-notes/typescript-3-8.html#type-only-imports-and-export),
 * so it orders no module evaluation; `includeTypeOnly` counts them too. (An import without `type` whose bindings
 * are all types is elided as well, but is counted: the check errs on the side of reporting.)
 */
export function findCycles(
  graph: ModuleGraph,
  within: (file: string) => boolean = () => true,
  { includeTypeOnly = false }: { includeTypeOnly?: boolean } = {},
): Cycle[] {
  const successors = (file: string): string[] =>
    [
      ...new Set((graph.edges.get(file) ?? []).filter((e) => includeTypeOnly || !e.typeOnly).map((e) => e.target)),
    ].filter(within);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const strongConnect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of successors(v)) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || successors(v).includes(v)) components.push(component);
    }
  };
  for (const file of [...graph.edges.keys()].filter(within).sort()) if (!index.has(file)) strongConnect(file);
  // One cycle through each component: the shortest path from its first file back to it, inside the component.
  const cycles = components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of successors(v).filter((s) => members.has(s))) {
        if (w === start) {
          const cycle = [v];
          while (cycle[0] !== start) cycle.unshift(previous.get(cycle[0]!)!);
          return { path: cycle, component: [...component].sort() };
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    throw new Error(`moduleGraph: no cycle through ${start} in its component`); // unreachable: a component is cyclic
  });
  return cycles.sort((x, y) => (x.path[0]! < y.path[0]! ? -1 : 1));
}

/**
 * For each module reachable from `entry` that `forbidden` rejects, the shortest import chain from the entry to it.
 */
export function forbiddenChains(graph: ModuleGraph, entry: string, forbidden: (file: string) => boolean): string[][] {
  const previous = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  const chains: string[][] = [];
  while (queue.length > 0) {
    const v = queue.shift()!;
    if (forbidden(v)) {
      const chain = [v];
      for (let p = previous.get(v); p !== undefined; p = previous.get(p)) chain.unshift(p);
      chains.push(chain);
      continue; // the first forbidden module on a path is the one to report
    }
    for (const { target } of graph.edges.get(v) ?? []) {
      if (!previous.has(target)) {
        previous.set(target, v);
        queue.push(target);
      }
    }
  }
  return chains;
}

/** The direct imports from a module `from` accepts to a module `to` accepts, as "importer -> target (specifier)". */
export function forbiddenEdges(
  graph: ModuleGraph,
  from: (file: string) => boolean,
  to: (file: string) => boolean,
): string[] {
  const found: string[] = [];
  for (const [file, out] of graph.edges) {
    if (!from(file)) continue;
    for (const edge of out) if (to(edge.target)) found.push(`${file} -> ${edge.target} ("${edge.specifier}")`);
  }
  return found.sort();
}

/** Files under one of the repository-relative folders, e.g. `under("tests", "offline")`. */
export const under =
  (...folders: string[]) =>
  (file: string): boolean =>
    folders.some((folder) => file.startsWith(`${folder}/`));
