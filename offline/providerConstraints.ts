/**
 * The providers' Check constraints, which mocks never enforce, checked on the resources a stack registers (as
 * `captureStack` records them). A mock accepts `period` next to `metricQueries` on a CloudWatch alarm; the bridged
 * provider refuses it before any API call, so every `pulumi preview` fails. The constraints are data, derived from the
 * providers' own source at the version Berth's packages wrap (offline/providerSource/: `PROVIDER_FACTS`, `SOURCES`).
 *
 * Semantics follow terraform-plugin-sdk's `schemaMap.validate` (hashicorp/terraform-plugin-sdk
 * helper/schema/schema.go: validateConflictingAttributes, validateExactlyOneAttribute, validateAtLeastOneAttribute,
 * validateRequiredWithAttribute, validateList):
 * - an input is "set" when it is present in the configuration (`ResourceConfig.Get` ok): not undefined, not null.
 *   An empty list counts: the SDK keeps an empty list attribute in the configuration. (hcl2shim
 *   `ConfigValueFromHCL2Block` drops an empty list of nested *blocks*; the facts do not say which lists are blocks, so
 *   the check errs towards refusing an empty block list next to a conflicting input.)
 * - unknown values (outputs a preview does not know yet) are skipped, as the SDK skips them: a ConflictsWith whose own
 *   value is not wholly known is not checked, an unknown conflicting input does not conflict, an unknown value counts
 *   as specified for AtLeastOneOf, RequiredWith and Required, and ExactlyOneOf fails on "none" only when none is unknown;
 *   value checks (oneOf, range, length, pattern) skip unknown values.
 * - paths use `[]` for each element of a list; paths of one constraint sharing a prefix ending in `[]` resolve inside
 *   the same element (offline/providerSource/facts.ts).
 * Reads (`get` functions, StackReferences) are not checked: the engine does not call Check for them.
 */
import type { CapturedResource } from "./mockRuntime";
import {
  constraintPaths,
  PROVIDER_FACTS,
  SOURCES,
  type Constraint,
  type ProviderResourceFacts,
  type ProviderSource,
  type SourcedConstraint,
} from "./providerSource";

/** The packages whose resource types must all have facts (offline/providerSource/). */
const FACT_PACKAGES = ["aws", "gcp", "github", "docker", "docker-build"] as const;

export interface ProviderConstraintProblem {
  /** `<type> <name>` of the resource. */
  resource: string;
  /** The input, with list indexes: `metricQueries[2].metric.period`. */
  path: string;
  value: unknown;
  /** What the provider requires, in words: `conflicts with metricQueries (set)`. */
  rule: string;
  kind: Constraint["kind"];
  /** `<repository>@<commit> <file> <schema key or function> (<package> <version>)`. */
  source: string;
}

export interface ProviderConstraintsResult {
  problems: ProviderConstraintProblem[];
  /** Constraints evaluated (one per constraint and resource of its type). */
  checked: number;
  /** Resources of a type with facts. */
  resources: number;
  /** Registered custom resource types of FACT_PACKAGES with no entry in the facts, sorted. */
  withoutFacts: string[];
  /** The sources of the facts that were used, one per package. */
  sources: ProviderSource[];
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The wire form of an unknown (@pulumi/pulumi runtime/rpc.js `unknownValue`). */
const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN_SENTINEL) return true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the marker a preview's mocks put in place of an unknown
  const output = require("@pulumi/pulumi/output") as { isUnknown(v: unknown): boolean };
  return output.isUnknown(v);
}

/** A secret in wire form is its value for the provider's checks. */
function unwrap(v: unknown): unknown {
  if (v && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE_SIG)
    return unwrap((v as Record<string, unknown>).value);
  return v;
}

function whollyKnown(v: unknown): boolean {
  const u = unwrap(v);
  if (isUnknown(u)) return false;
  if (Array.isArray(u)) return u.every(whollyKnown);
  if (u && typeof u === "object") return Object.values(u).every(whollyKnown);
  return true;
}

type Leaf = { state: "absent" } | { state: "unknown"; at: string } | { state: "value"; value: unknown; at: string };

function segments(path: string): string[] {
  return path
    .split(".")
    .flatMap((s) => (s.endsWith("[]") ? [s.slice(0, -2), "[]"] : [s]))
    .filter((s) => s !== "");
}

/** The values at `segs` under `root` (one per list element crossed), each absent, unknown or a value. */
function lookup(root: unknown, segs: string[], at: string): Leaf[] {
  const v = unwrap(root);
  if (v === undefined || v === null) return [{ state: "absent" }];
  if (isUnknown(v)) return [{ state: "unknown", at }];
  if (segs.length === 0) return [{ state: "value", value: v, at }];
  const [head, ...rest] = segs;
  if (head === "[]") {
    const items = Array.isArray(v) ? v : [v];
    if (items.length === 0) return [{ state: "absent" }];
    return items.flatMap((item, i) => lookup(item, rest, `${at}[${i}]`));
  }
  if (typeof v !== "object" || Array.isArray(v)) return [{ state: "absent" }];
  return lookup((v as Record<string, unknown>)[head], rest, at ? `${at}.${head}` : head);
}

const isSet = (l: Leaf) => l.state !== "absent";
const known = (ls: Leaf[]) => ls.filter((l): l is Extract<Leaf, { state: "value" }> => l.state === "value");

/** The longest prefix (in segments) all paths share that ends in `[]`: the element they resolve in together. */
function sharedElement(paths: string[]): string[] {
  const all = paths.map(segments);
  let end = 0;
  for (let i = 0; i < Math.min(...all.map((s) => s.length)); i++) {
    if (!all.every((s) => s[i] === all[0][i])) break;
    if (all[0][i] === "[]") end = i + 1;
  }
  return all[0].slice(0, end);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

interface Finding {
  path: string;
  value: unknown;
  rule: string;
}

/** The problems of one constraint inside one scope (the resource's inputs, or one list element). */
function evaluate(c: Constraint, scope: unknown, at: string, rel: (p: string) => string[]): Finding[] {
  const leaves = (p: string) => lookup(scope, rel(p), at);
  const label = (p: string) => p;
  switch (c.kind) {
    case "conflictsWith": {
      const out: Finding[] = [];
      for (const own of known(leaves(c.path))) {
        if (!whollyKnown(own.value)) continue;
        for (const w of c.with) {
          const other = leaves(w).filter((l) => l.state === "value");
          if (other.length > 0)
            out.push({ path: own.at, value: own.value, rule: `conflicts with ${label(w)} (set at ${other[0]!.at})` });
        }
      }
      return out;
    }
    case "exactlyOneOf": {
      const all = c.paths.map((p) => ({ p, ls: leaves(p) }));
      const specified = all.filter((x) => x.ls.some((l) => l.state === "value"));
      const unknown = all.filter((x) => x.ls.some((l) => l.state === "unknown"));
      if (specified.length === 0 && unknown.length === 0)
        return [{ path: at || "(inputs)", value: undefined, rule: `exactly one of ${c.paths.join(", ")} must be set` }];
      if (specified.length > 1)
        return [
          {
            path: at || "(inputs)",
            value: Object.fromEntries(specified.map((x) => [x.p, known(x.ls)[0]?.value])),
            rule: `only one of ${c.paths.join(", ")} can be set; ${specified.map((x) => x.p).join(", ")} are`,
          },
        ];
      return [];
    }
    case "atLeastOneOf":
      return c.paths.some((p) => leaves(p).some(isSet))
        ? []
        : [{ path: at || "(inputs)", value: undefined, rule: `at least one of ${c.paths.join(", ")} must be set` }];
    case "requiredWith": {
      const own = leaves(c.path).filter(isSet);
      if (own.length === 0) return [];
      const missing = c.with.filter((w) => !leaves(w).some(isSet));
      return missing.length === 0
        ? []
        : [
            {
              path: (own[0] as { at: string }).at,
              value: known(own)[0]?.value,
              rule: `requires ${missing.join(", ")} to be set too`,
            },
          ];
    }
    case "required": {
      const segs = rel(c.path);
      const key = segs[segs.length - 1]!;
      const out: Finding[] = [];
      for (const parent of known(lookup(scope, segs.slice(0, -1), at))) {
        const p = unwrap(parent.value);
        if (!p || typeof p !== "object" || Array.isArray(p)) continue;
        const v = unwrap((p as Record<string, unknown>)[key]);
        if (v === undefined || v === null)
          out.push({ path: parent.at ? `${parent.at}.${key}` : key, value: v, rule: "is required in this block" });
      }
      return out;
    }
    case "oneOf":
      return known(leaves(c.path))
        .filter((l) => whollyKnown(l.value))
        .filter((l) => {
          const v = unwrap(l.value);
          return !c.values.some((a) =>
            c.ignoreCase && typeof a === "string" && typeof v === "string"
              ? a.toLowerCase() === v.toLowerCase()
              : a === v,
          );
        })
        .map((l) => ({ path: l.at, value: l.value, rule: `must be one of ${c.values.map(show).join(", ")}` }));
    case "range":
      return known(leaves(c.path)).flatMap((l) => {
        const v = unwrap(l.value);
        const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
        if (Number.isNaN(n)) return [];
        return (c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)
          ? [{ path: l.at, value: v, rule: `must be in [${c.min ?? "-inf"}, ${c.max ?? "inf"}]` }]
          : [];
      });
    case "length":
      return known(leaves(c.path)).flatMap((l) => {
        const v = unwrap(l.value);
        if ((typeof v !== "string" && !Array.isArray(v)) || !whollyKnown(v)) return [];
        const n = v.length;
        return (c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)
          ? [{ path: l.at, value: v, rule: `length ${n} is outside [${c.min ?? 0}, ${c.max ?? "inf"}]` }]
          : [];
      });
    case "pattern": {
      const re = new RegExp(c.pattern);
      return known(leaves(c.path)).flatMap((l) => {
        const v = unwrap(l.value);
        return typeof v === "string" && !re.test(v)
          ? [{ path: l.at, value: v, rule: `must match /${c.pattern}/` }]
          : [];
      });
    }
  }
}

/** The problems of one constraint on one resource's inputs. */
export function checkConstraint(c: Constraint, inputs: Record<string, unknown>): Finding[] {
  const shared = sharedElement(constraintPaths(c));
  const rel = (p: string) => segments(p).slice(shared.length);
  if (shared.length === 0) return evaluate(c, inputs, "", rel);
  // Every element the shared prefix reaches, each a scope of its own.
  const scopes: { value: unknown; at: string }[] = [];
  const walk = (v: unknown, segs: string[], at: string) => {
    const u = unwrap(v);
    if (u === undefined || u === null || isUnknown(u)) return;
    if (segs.length === 0) return void scopes.push({ value: u, at });
    const [head, ...rest] = segs;
    if (head === "[]") (Array.isArray(u) ? u : [u]).forEach((item, i) => walk(item, rest, `${at}[${i}]`));
    else if (typeof u === "object" && !Array.isArray(u))
      walk((u as Record<string, unknown>)[head!], rest, at ? `${at}.${head}` : head!);
  };
  walk(inputs, shared, "");
  return scopes.flatMap((s) => evaluate(c, s.value, s.at, rel));
}

function packageOf(type: string): string {
  return type.split(":")[0]!;
}

function describeSource(f: SourcedConstraint, source: ProviderSource | undefined): string {
  if (!source) return `${f.source} (no provider source recorded in offline/providerSource/sources.ts)`;
  return `${source.repository}@${source.commit.slice(0, 12)} ${f.source} (${source.package} ${source.packageVersion})`;
}

/** Checks every registered custom resource against the facts of its type. */
export function checkProviderConstraints(
  resources: readonly CapturedResource[],
  facts: readonly ProviderResourceFacts[] = PROVIDER_FACTS,
  sources: Record<string, ProviderSource> = SOURCES,
): ProviderConstraintsResult {
  const byType = new Map(facts.map((f) => [f.type, f]));
  const result: ProviderConstraintsResult = { problems: [], checked: 0, resources: 0, withoutFacts: [], sources: [] };
  const without = new Set<string>();
  const used = new Set<string>();
  for (const r of resources) {
    if (!r.custom || r.id || r.type.startsWith("pulumi:")) continue; // a read has an id (mocks: `getImportid()` is "" otherwise)
    const f = byType.get(r.type);
    if (!f) {
      if ((FACT_PACKAGES as readonly string[]).includes(packageOf(r.type))) without.add(r.type);
      continue;
    }
    result.resources++;
    used.add(packageOf(r.type));
    const source = sources[packageOf(r.type)];
    for (const c of f.constraints) {
      result.checked++;
      for (const found of checkConstraint(c, r.inputs))
        result.problems.push({
          resource: `${r.type} ${r.name}`,
          path: found.path,
          value: found.value,
          rule: found.rule,
          kind: c.kind,
          source: describeSource(c, source),
        });
    }
  }
  result.withoutFacts = [...without].sort();
  result.sources = [...used]
    .sort()
    .map((p) => sources[p])
    .filter((s): s is ProviderSource => s !== undefined);
  return result;
}

export function renderProviderConstraintProblem(p: ProviderConstraintProblem): string {
  return `${p.resource}: ${p.path} = ${show(p.value)} ${p.rule} [${p.source}]`;
}

/** `provider constraints: N checked on M resources (<package> <version>, <repository>@<commit>)`. */
export function renderProviderConstraintsSummary(r: ProviderConstraintsResult): string {
  const from = r.sources.map((s) => `${s.package} ${s.packageVersion}, ${s.repository}@${s.commit}`);
  return `provider constraints: ${r.checked} checked on ${r.resources} resources (${from.join("; ") || "no facts"})`;
}
