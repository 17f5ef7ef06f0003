/**
 * A small checker of stack files against the project config schema in Pulumi.yaml, following Pulumi's own rules
 * (sdk/go/common/workspace/project.json: types string/integer/boolean/array, `items` for arrays, schemas only for
 * the project's own keys, defaults of the declared type) plus STRUCTURED_KEYS for the mapping-valued keys Pulumi's
 * schema cannot declare. Not a test file: the tests import it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export const PULUMI_TYPES = ["string", "integer", "boolean", "array"] as const;
type Declaration = { type: (typeof PULUMI_TYPES)[number]; items?: { type: string }; description?: string; secret?: boolean; default?: unknown };

export interface ProjectSchema {
  project: string;
  declarations: Record<string, Declaration>;
  /** Plain values (`aws:region: eu-west-1`) given at project level. */
  values: Record<string, unknown>;
}

export function readProject(root: string): { doc: any; text: string } {
  const text = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
  return { doc: parseYaml(text), text };
}

/** Validates the `config` block of Pulumi.yaml as the Pulumi CLI would; returns problems. */
export function checkProjectConfig(doc: any): { schema: ProjectSchema; problems: string[] } {
  const problems: string[] = [];
  const project = String(doc?.name ?? "");
  const declarations: Record<string, Declaration> = {};
  const values: Record<string, unknown> = {};
  for (const [rawKey, entry] of Object.entries((doc?.config ?? {}) as Record<string, unknown>)) {
    const namespaced = rawKey.includes(":");
    const ownKey = !namespaced || rawKey.startsWith(`${project}:`);
    const key = namespaced ? rawKey : `${project}:${rawKey}`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      values[key] = entry;
      continue;
    }
    const e = entry as Record<string, unknown>;
    if ("value" in e && Object.keys(e).length === 1) {
      values[key] = e.value;
      continue;
    }
    if (!ownKey) {
      problems.push(`${rawKey}: a schema is only valid for the project's own keys (give other namespaces a value)`);
      continue;
    }
    for (const field of Object.keys(e)) {
      if (!["type", "items", "description", "secret", "default"].includes(field)) problems.push(`${rawKey}: unknown field ${field}`);
    }
    if (!PULUMI_TYPES.includes(e.type as any)) {
      problems.push(`${rawKey}: type ${JSON.stringify(e.type)} is not one of ${PULUMI_TYPES.join(", ")}`);
      continue;
    }
    if (e.type === "array" && (typeof e.items !== "object" || e.items === null)) problems.push(`${rawKey}: an array needs items`);
    if (e.description !== undefined && typeof e.description !== "string") problems.push(`${rawKey}: description must be a string`);
    if (e.secret !== undefined && typeof e.secret !== "boolean") problems.push(`${rawKey}: secret must be a boolean`);
    const decl = e as unknown as Declaration;
    if (e.default !== undefined && !valueMatches(decl, e.default)) problems.push(`${rawKey}: default ${JSON.stringify(e.default)} is not a ${e.type}`);
    declarations[key] = decl;
  }
  return { schema: { project, declarations, values }, problems };
}

function valueMatches(decl: Pick<Declaration, "type" | "items">, value: unknown): boolean {
  switch (decl.type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value) && value.every((v) => valueMatches({ type: decl.items?.type as Declaration["type"] }, v));
  }
}

/** Checks one stack file's `config` against the project schema and the structured keys; returns problems. */
export function checkStackConfig(stackDoc: any, schema: ProjectSchema, structuredKeys: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [rawKey, value] of Object.entries((stackDoc?.config ?? {}) as Record<string, unknown>)) {
    const key = rawKey.includes(":") ? rawKey : `${schema.project}:${rawKey}`;
    const [namespace, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    if (namespace !== schema.project) continue; // provider configuration (aws:region): the providers' schemas
    const decl = schema.declarations[key];
    const isSecure = value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in (value as object);
    if (decl) {
      if (decl.secret && !isSecure) problems.push(`${key}: declared secret but given in plain text`);
      if (!isSecure && !valueMatches(decl, value)) problems.push(`${key}: ${JSON.stringify(value)} is not a ${decl.type}`);
      continue;
    }
    if (structuredKeys.includes(name)) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) problems.push(`${key}: a structured key takes a mapping, got ${JSON.stringify(value)}`);
      continue;
    }
    problems.push(`${key}: not declared in Pulumi.yaml nor in STRUCTURED_KEYS`);
  }
  return problems;
}

/** The top-level keys the program reads: every `berth.<read>("key"` in infra/config.ts and infra/config/*.ts. */
export function keysReadByProgram(root: string): Set<string> {
  const files = [path.join(root, "infra", "config.ts"), ...fs.readdirSync(path.join(root, "infra", "config")).map((f) => path.join(root, "infra", "config", f))];
  const keys = new Set<string>();
  for (const file of files) {
    if (!file.endsWith(".ts")) continue;
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bberth\.(?:string|requiredString|oneOf|integer|boolean|stringList|stringMap|section|sections|sectionList|value|has)\(\s*"([A-Za-z0-9_]+)"/g)) {
      keys.add(m[1]);
    }
  }
  return keys;
}
