/**
 * Runs the pack on a stack's resources the way `pulumi preview --policy-pack policy` does: through the real
 * `@pulumi/policy` analyzer, started from policy/index.ts by offline/analyzerClient.ts (one child process per
 * process, reused). This file only turns the engine-side exchange into Berth's `Evaluation`:
 *  - the pack config is reconciled and schema-checked as the CLI does, then sent with `Configure`;
 *  - every resource goes through `Remediate` then `Analyze` (CrossGuard calls every resource policy for every
 *    resource: a rule filters by type itself), then every resource once more through `AnalyzeStack`;
 *  - a policy that throws fails the call, as it fails the engine's step: reported in `errors`, never passed;
 *  - a policy that read a value preview cannot know yet is reported by the analyzer as an advisory "can't run
 *    policy ... during preview" (node_modules/@pulumi/policy/server.js, `UnknownValueError` from proxy.js):
 *    those are kept apart in `cannotJudge`, they judge nothing.
 * Berth adds one check the CLI does not make: a pack config naming a rule the pack lacks is refused.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel } from "@pulumi/policy";
import {
  PolicyAnalyzer,
  reconcilePackConfig,
  type AnalyzerInfo,
  type AnalyzerResource,
  type Diagnostic,
  type PolicyInfo,
} from "./analyzerClient";
import { describeControls } from "../policy/rule";
import { berthRules, POLICY_PACK_NAME, type BerthRule } from "../policy/rules";

export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** A resource as the policy sees it: its type, logical name, URN and properties (inputs; for stack rules, outputs). */
export interface PolicySubject {
  type: string;
  name: string;
  urn: string;
  props: Record<string, any>;
  parent?: string;
  dependencies?: string[];
  /** Input property -> URNs of the resources it was computed from (known in preview, unlike the values). */
  propertyDependencies?: Record<string, string[]>;
}

interface Violation {
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
  /** Rules that read a value unknown in this preview: the analyzer's advisory "can't run ... during preview". */
  cannotJudge: { rule: string; resource?: string; message: string }[];
  /** Properties a `remediate` rule rewrote before `Analyze` saw them. */
  remediations: { rule: string; resource: string }[];
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Reads and checks a pack config file; unknown rule names and levels are errors (a typo must not disable nothing). */
export function readPackConfig(file: string, rules: BerthRule[] = berthRules): PackConfig {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  return checkPackConfig(raw, path.relative(process.cwd(), file) || file, rules);
}

export function checkPackConfig(raw: unknown, source: string, rules: BerthRule[] = berthRules): PackConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Error(`${source}: a policy pack config must be a JSON object of rule name -> level or settings.`);
  const names = new Set(["all", ...rules.map((r) => r.name)]);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!names.has(key)) problems.push(`${key}: not a rule of the pack (rules: ${[...names].join(", ")})`);
    const level =
      typeof value === "string" ? value : (value as { enforcementLevel?: unknown } | null)?.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level as EnforcementLevel))
      problems.push(`${key}: enforcement level ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`);
  }
  if (problems.length) throw new Error(`${source}:\n  ${problems.join("\n  ")}`);
  return raw as PackConfig;
}

/** The policies as GetAnalyzerInfo describes them, from the rule table (for config checks without a server). */
function policyInfos(rules: BerthRule[] = berthRules): PolicyInfo[] {
  return rules.map((r) => ({
    name: r.name,
    kind: r.kind,
    description: r.description,
    enforcementLevel: r.enforcementLevel,
    configSchema: r.configSchema as PolicyInfo["configSchema"],
  }));
}

/** The level a rule runs at under this pack config, as the CLI reconciles it (`all`, then the rule's entry). */
export function enforcementLevelOf(rule: BerthRule, config: PackConfig): EnforcementLevel {
  return reconcilePackConfig(policyInfos([rule]), config).config[rule.name].enforcementLevel;
}

let shared: Promise<{ analyzer: PolicyAnalyzer; info: AnalyzerInfo }> | undefined;

/** The pack, started once per process from policy/index.ts, with what it reports about itself. */
export function packAnalyzer(): Promise<{ analyzer: PolicyAnalyzer; info: AnalyzerInfo }> {
  shared ??= (async () => {
    const analyzer = await PolicyAnalyzer.start({ stack: "offline" });
    const info = await analyzer.info();
    if (info.name !== POLICY_PACK_NAME)
      throw new Error(`the pack in policy/ calls itself ${info.name}, not ${POLICY_PACK_NAME}`);
    return { analyzer, info };
  })();
  return shared;
}

function ruleOfGrpcError(e: unknown): string {
  return /policy '([^']+)'/.exec(String((e as Error)?.message ?? e))?.[1] ?? "(unknown rule)";
}

function firstLine(e: unknown): string {
  // asGrpcError puts "Error validating resource with policy 'x' ...:\n" before the error's stack.
  const lines = String((e as Error)?.message ?? e)
    .replace(/^\d+ [A-Z_]+: /, "")
    .split("\n");
  return lines.slice(0, 2).join(": ").trim();
}

const toWireResource = (s: PolicySubject): AnalyzerResource => ({
  type: s.type,
  name: s.name,
  urn: s.urn,
  props: s.props,
  parent: s.parent,
  dependencies: s.dependencies,
  propertyDependencies: s.propertyDependencies,
});

export async function evaluateRules(
  inputs: PolicySubject[],
  opts: {
    config?: PackConfig;
    /** Only these rules run (the others are disabled in the config sent to the pack). */
    rules?: BerthRule[];
    /** What `AnalyzeStack` sees (outputs); defaults to `inputs`. */
    stackResources?: PolicySubject[];
  } = {},
): Promise<Evaluation> {
  const { analyzer, info } = await packAnalyzer();
  const reconciled = reconcilePackConfig(info.policies, opts.config ?? {});
  if (reconciled.errors.length) throw new Error(`policy pack config is invalid:\n  ${reconciled.errors.join("\n  ")}`);
  const config = reconciled.config;
  const only = opts.rules && new Set(opts.rules.map((r) => r.name));
  if (only)
    for (const name of Object.keys(config))
      if (!only.has(name)) config[name] = { ...config[name], enforcementLevel: "disabled" };
  const out: Evaluation = {
    violations: [],
    levels: {},
    changedLevels: [],
    errors: [],
    cannotJudge: [],
    remediations: [],
  };
  for (const p of info.policies) {
    if (only && !only.has(p.name)) continue;
    const level = config[p.name].enforcementLevel;
    out.levels[p.name] = level;
    if (level !== p.enforcementLevel) out.changedLevels.push({ rule: p.name, from: p.enforcementLevel, to: level });
  }
  const rulesByName = new Map(berthRules.map((r) => [r.name, r]));
  const stackSubjects = opts.stackResources ?? inputs;
  const byUrn = new Map([...inputs, ...stackSubjects].map((s) => [s.urn, s]));
  const record = (d: Diagnostic, resource?: PolicySubject) => {
    const where = resource && { type: resource.type, name: resource.name, urn: resource.urn };
    if (
      d.enforcementLevel === "advisory" &&
      /^can't run policy '[^']+' from policy pack '[^']+' during preview: /.test(d.message)
    ) {
      out.cannotJudge.push({
        rule: d.policyName,
        resource: resource?.urn,
        message: d.message.replace(/^can't run policy .* during preview: /, ""),
      });
      return;
    }
    const rule = rulesByName.get(d.policyName);
    out.violations.push({
      rule: d.policyName,
      enforcementLevel: d.enforcementLevel === "remediate" ? "mandatory" : d.enforcementLevel,
      resource: where,
      message: d.message,
      control: rule ? describeControls(rule.controls) : "",
    });
  };
  await analyzer.exclusive(async (a) => {
    await a.configure(config);
    for (const subject of inputs) {
      let props = subject.props;
      try {
        for (const r of await a.remediate(toWireResource(subject))) {
          if (r.properties) {
            props = r.properties;
            out.remediations.push({ rule: r.policyName, resource: subject.urn });
          }
          if (r.diagnostic) out.cannotJudge.push({ rule: r.policyName, resource: subject.urn, message: r.diagnostic });
        }
        for (const d of await a.analyze(toWireResource({ ...subject, props }))) record(d, subject);
      } catch (e) {
        out.errors.push({ rule: ruleOfGrpcError(e), resource: subject.urn, error: firstLine(e) });
      }
    }
    try {
      for (const d of await a.analyzeStack(stackSubjects.map(toWireResource)))
        record(d, d.urn ? byUrn.get(d.urn) : undefined);
    } catch (e) {
      out.errors.push({ rule: ruleOfGrpcError(e), error: firstLine(e) });
    }
  });
  return out;
}

/** The pack config file the plan and `pulumi preview --policy-pack-config` use for a stack, if there is one. */
export function packConfigFileFor(stack: string, root = path.resolve(__dirname, "..")): string | undefined {
  const file = path.join(root, "policy", "config", `${stack}.json`);
  return fs.existsSync(file) ? file : undefined;
}
