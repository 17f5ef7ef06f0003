/**
 * Runs the pack's rules on resources outside the Pulumi engine, the way the engine would: per-rule enforcement
 * from the pack config (`{ "<rule>": "advisory" }`, `{ "<rule>": { "enforcementLevel": ..., ...settings } }`,
 * `{ "all": ... }`, as `pulumi preview --policy-pack-config` reads it), `getConfig()` with schema defaults,
 * `validateResource` for each resource, `validateStack` once with every resource.
 * Used by the offline plan (scripts/plan.ts) and the tests; never constructs a PolicyPack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { describeControls } from "./rule";
import { berthRules, type BerthRule } from "./rules";

export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

/** A resource as the policy sees it: its type, logical name, URN and properties (inputs; for stack rules, with outputs). */
export interface PolicySubject {
  type: string;
  name: string;
  urn: string;
  props: Record<string, any>;
}

export interface Violation {
  rule: string;
  enforcementLevel: EnforcementLevel;
  /** Absent for a stack-wide violation. */
  resource?: { type: string; name: string; urn: string };
  message: string;
  control: string;
}

export interface Evaluation {
  violations: Violation[];
  /** The enforcement level each rule ran with (after the pack config). */
  levels: Record<string, EnforcementLevel>;
  /** Rules whose level differs from their default in this pack config: what a stack opted out of (or into). */
  changedLevels: { rule: string; from: EnforcementLevel; to: EnforcementLevel }[];
  /** Rules that threw (a rule bug, or a value it could not read): reported, never silently passed. */
  errors: { rule: string; resource?: string; error: string }[];
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Reads and checks a pack config file; unknown rule names and levels are errors (a typo must not disable nothing). */
export function readPackConfig(file: string, rules: BerthRule[] = berthRules): PackConfig {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  return checkPackConfig(raw, path.relative(process.cwd(), file) || file, rules);
}

export function checkPackConfig(raw: unknown, source: string, rules: BerthRule[] = berthRules): PackConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${source}: a policy pack config must be a JSON object of rule name -> level or settings.`);
  const names = new Set(["all", ...rules.map((r) => r.name)]);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!names.has(key)) problems.push(`${key}: not a rule of the pack (rules: ${[...names].join(", ")})`);
    const level = typeof value === "string" ? value : (value as { enforcementLevel?: unknown } | null)?.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) problems.push(`${key}: enforcement level ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`);
  }
  if (problems.length) throw new Error(`${source}:\n  ${problems.join("\n  ")}`);
  return raw as PackConfig;
}

export function enforcementLevelOf(rule: BerthRule, config: PackConfig): EnforcementLevel {
  const levelIn = (entry: PackConfig[string] | undefined) => (typeof entry === "string" ? entry : entry?.enforcementLevel);
  return levelIn(config[rule.name]) ?? levelIn(config["all"]) ?? rule.enforcementLevel;
}

/** The rule's settings: schema defaults overridden by the pack config entry (without `enforcementLevel`). */
export function ruleConfigOf(rule: BerthRule, config: PackConfig): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(rule.configSchema?.properties ?? {})) {
    if ((schema as { default?: unknown }).default !== undefined) defaults[key] = (schema as { default?: unknown }).default;
  }
  const entry = config[rule.name];
  const { enforcementLevel: _level, ...settings } = typeof entry === "object" && entry ? entry : {};
  return { ...defaults, ...settings };
}

class NotApplicable extends Error {}

function toPolicyResource(s: PolicySubject): PolicyResource {
  return {
    type: s.type,
    name: s.name,
    urn: s.urn,
    props: s.props,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  } as unknown as PolicyResource;
}

export function evaluateRules(
  inputs: PolicySubject[],
  opts: { config?: PackConfig; rules?: BerthRule[]; /** Stack rules see outputs too; defaults to `inputs`. */ stackResources?: PolicySubject[] } = {},
): Evaluation {
  const config = opts.config ?? {};
  const rules = opts.rules ?? berthRules;
  const out: Evaluation = { violations: [], levels: {}, changedLevels: [], errors: [] };
  const stackTags = new Map<string, string>();
  for (const rule of rules) {
    const level = enforcementLevelOf(rule, config);
    out.levels[rule.name] = level;
    if (level !== rule.enforcementLevel) out.changedLevels.push({ rule: rule.name, from: rule.enforcementLevel, to: level });
    if (level === "disabled") continue;
    const effective: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    const settings = ruleConfigOf(rule, config);
    const notApplicable = (reason?: string): never => {
      throw new NotApplicable(reason);
    };
    const add = (message: string, resource?: PolicySubject) =>
      out.violations.push({ rule: rule.name, enforcementLevel: effective, resource: resource && { type: resource.type, name: resource.name, urn: resource.urn }, message, control: describeControls(rule.controls) });
    if (rule.kind === "resource") {
      for (const r of inputs) {
        if (!rule.resourceTypes.includes(r.type)) continue;
        const args = { type: r.type, name: r.name, urn: r.urn, props: r.props, opts: toPolicyResource(r).opts, stackTags, getConfig: () => settings, notApplicable, isType: () => false, asType: () => undefined } as unknown as ResourceValidationArgs;
        try {
          rule.validateResource(args, (message) => add(message, r));
        } catch (e) {
          if (!(e instanceof NotApplicable)) out.errors.push({ rule: rule.name, resource: r.urn, error: String((e as Error)?.message ?? e) });
        }
      }
    } else {
      const subjects = opts.stackResources ?? inputs;
      const byUrn = new Map(subjects.map((s) => [s.urn, s]));
      const args = { resources: subjects.map(toPolicyResource), stackTags, getConfig: () => settings, notApplicable } as unknown as StackValidationArgs;
      try {
        void rule.validateStack(args, (message, urn) => add(message, urn ? byUrn.get(urn) : undefined));
      } catch (e) {
        if (!(e instanceof NotApplicable)) out.errors.push({ rule: rule.name, error: String((e as Error)?.message ?? e) });
      }
    }
  }
  return out;
}

/** The pack config file the plan and `pulumi preview --policy-pack-config` use for a stack, if there is one. */
export function packConfigFileFor(stack: string, root = path.resolve(__dirname, "..")): string | undefined {
  const file = path.join(root, "policy", "config", `${stack}.json`);
  return fs.existsSync(file) ? file : undefined;
}
