/**
 * The offline plan: evaluates a stack's Pulumi program under mocks with that stack's real config file, prints the
 * resource tree with each resource's key hardening settings, the hardening the stack config switched off, the
 * warnings, then runs the berth-production policy pack's rules and exits non-zero on any mandatory violation.
 *
 * OFFLINE: no cloud account, no Pulumi CLI, no credentials. Cloud-computed values (ARNs, ids, digests, DNS names)
 * are synthesised placeholders. It is what pull requests from forks run in CI (they get no secrets).
 *
 *   scripts/plan staging
 *   scripts/plan prod --config-override berth:services.web.hardening.readonlyRootFilesystem=false
 *   scripts/plan staging --config changed.yaml --json
 *
 * Exit codes: 0 no mandatory violation; 1 mandatory violations (or a rule that could not run); 2 the program or
 * its configuration failed (a ConfigError lists every bad key); 64 bad usage.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { captureStack, readStackConfig, REPO_ROOT, type CapturedStack } from "./mockRuntime";
import {
  checkPackConfig,
  evaluateRules,
  packAnalyzer,
  packConfigFileFor,
  readPackConfig,
  type Evaluation,
  type PackConfig,
} from "./evaluate";
import {
  applyConfigOverride,
  outcomeOf,
  parseConfigValue,
  policySubjects,
  renderTree,
  switchedOffHardening,
} from "./offlinePlan";
import { berthRules, POLICY_PACK_NAME } from "../policy/rules";
import { checkCloudLimits, renderCloudLimitProblem, type CloudLimitsResult } from "./cloudLimits";
import {
  checkProviderConstraints,
  renderProviderConstraintProblem,
  renderProviderConstraintsSummary,
  type ProviderConstraintsResult,
} from "./providerConstraints";
import { planCost, renderCost, type PlanCost } from "./cost";

const USAGE = `usage: scripts/plan <stack> [options]
  <stack>                         a stack with a Pulumi.<stack>.yaml (staging, prod, local)
  --config-override KEY=VALUE     change one setting without editing the stack file (repeatable);
                                  nested keys as with pulumi config set --path: berth:services.web.cpu=512
  --config FILE                   a YAML file of settings to change: the same keys, or a Pulumi.<stack>.yaml-style "config:" map
  --stack-dir DIR                 where Pulumi.<stack>.yaml is read (default: the repository root)
  --policy-config FILE            policy pack config (default: policy/config/<stack>.json when it exists)
  --image-sha SHA                 the 40-hex commit to plan (default: git HEAD)
  --stack-outputs FILE            JSON outputs of stacks read through StackReference ({"org/berth/staging": {...}});
                                  default: a stand-in staging that runs the planned commit (prod promotes from it)
  --first-preview                 plan as a first \`pulumi preview\` sees the stack: nothing exists yet, computed outputs
                                  (ids, ARNs, generated names) unknown; lists the rules that cannot judge it
  --json                          print the result as JSON instead of text
  --timeout SECONDS               give up when the program has not finished (default 60)`;

interface PlanOptions {
  stack: string;
  overrides: [string, unknown][];
  /** The folder holding Pulumi.<stack>.yaml (default: the repository root). */
  stackDir?: string;
  policyConfigFile?: string;
  imageSha?: string;
  stackOutputsFile?: string;
  json: boolean;
  /** A first preview: computed outputs unknown (captureStack preview: true). */
  firstPreview?: boolean;
  timeoutSeconds: number;
  /** The program module to evaluate (default infra/index.ts); a new URL evaluates it afresh (tests/plan/planRunner.ts). */
  program?: string;
}

class UsageError extends Error {}

export function parsePlanArgs(argv: string[]): PlanOptions {
  const opts: PlanOptions = { stack: "", overrides: [], json: false, timeoutSeconds: 60 };
  const need = (i: number, flag: string) => {
    if (argv[i + 1] === undefined) throw new UsageError(`${flag} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") throw new UsageError("");
    else if (a === "--json") opts.json = true;
    else if (a === "--first-preview") opts.firstPreview = true;
    else if (a === "--config-override" || a === "-c") {
      const kv = need(i++, a);
      const eq = kv.indexOf("=");
      if (eq <= 0) throw new UsageError(`${a} ${kv}: expected KEY=VALUE`);
      opts.overrides.push([kv.slice(0, eq), parseConfigValue(kv.slice(eq + 1))]);
    } else if (a === "--config") opts.overrides.push(...readOverrideFile(need(i++, a)));
    else if (a === "--policy-config") opts.policyConfigFile = need(i++, a);
    else if (a === "--stack-dir") opts.stackDir = path.resolve(need(i++, a));
    else if (a === "--image-sha") opts.imageSha = need(i++, a);
    else if (a === "--stack-outputs") opts.stackOutputsFile = need(i++, a);
    else if (a === "--timeout") opts.timeoutSeconds = Number(need(i++, a));
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else if (!opts.stack) opts.stack = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!opts.stack) throw new UsageError("which stack? e.g. scripts/plan staging");
  if (!/^[\w.-]+$/.test(opts.stack)) throw new UsageError(`stack name ${JSON.stringify(opts.stack)} is not valid`);
  if (opts.imageSha !== undefined && !/^[0-9a-f]{40}$/.test(opts.imageSha))
    throw new UsageError("--image-sha must be a full 40-hex commit SHA");
  if (!(opts.timeoutSeconds > 0)) throw new UsageError("--timeout must be a positive number of seconds");
  return opts;
}

/** A YAML file of settings: `{ config: {...} }` as in Pulumi.<stack>.yaml, or the keys directly. */
function readOverrideFile(file: string): [string, unknown][] {
  const doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  const map = (doc.config ?? doc) as Record<string, unknown>;
  if (typeof map !== "object" || Array.isArray(map))
    throw new UsageError(`${file}: expected a mapping of config keys to values`);
  return Object.entries(map).map(([k, v]) => [k.includes(":") ? k : `berth:${k}`, v]);
}

function gitHead(): { sha?: string; dirty: boolean } {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const dirty =
      execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim() !== "";
    return { sha, dirty };
  } catch {
    return { dirty: false };
  }
}

export interface PlanResult {
  stack: string;
  offline: true;
  configFile: string;
  overrides: { key: string; value: unknown }[];
  imageSha: string;
  imageShaSource: string;
  policyConfigFile?: string;
  /** Rule settings (other than the level) this stack's pack config sets, e.g. berth-logs-retention minimumDays=365. */
  ruleSettings: { rule: string; settings: Record<string, unknown> }[];
  /** Outputs given to StackReferences (a prod stack reads staging's digest): stand-ins unless --stack-outputs. */
  stackReferences: { source: string; outputs: Record<string, unknown> };
  warnings: string[];
  switchedOff: ReturnType<typeof switchedOffHardening>;
  resources: number;
  /** Resources of a type at least one rule looks at. */
  checkedResources: number;
  tree: string[];
  evaluation?: Evaluation;
  /** Planned as a first preview sees the stack. */
  firstPreview: boolean;
  /** Cloud API limits checked on every registered resource (offline/cloudLimits.ts); a problem fails the plan. */
  cloudLimits?: CloudLimitsResult;
  /** The providers' Check constraints on every registered resource (offline/providerConstraints.ts); a problem fails the plan. */
  providerConstraints?: ProviderConstraintsResult;
  /** The estimated monthly cost at idle (offline/cost.ts): fixed costs summed, usage-dependent ones listed apart. */
  cost?: PlanCost;
  error?: string;
  exitCode: number;
  durationMs: number;
}

async function withTimeout<T>(p: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`the program did not finish within ${seconds} s (an Output that never resolves under mocks?)`),
        ),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runPlan(opts: PlanOptions): Promise<PlanResult> {
  const started = Date.now();
  const stackDir = opts.stackDir ?? REPO_ROOT;
  const configFile = path.join(stackDir, `Pulumi.${opts.stack}.yaml`);
  const result: PlanResult = {
    stack: opts.stack,
    offline: true,
    configFile: path.relative(REPO_ROOT, configFile),
    overrides: opts.overrides.map(([key, value]) => ({ key, value })),
    imageSha: "",
    imageShaSource: "",
    stackReferences: { source: "", outputs: {} },
    ruleSettings: [],
    warnings: [],
    switchedOff: [],
    resources: 0,
    checkedResources: 0,
    tree: [],
    exitCode: 0,
    durationMs: 0,
    firstPreview: opts.firstPreview === true,
  };
  const fail = (message: string, code: number) => ({
    ...result,
    error: message,
    exitCode: code,
    durationMs: Date.now() - started,
  });
  if (!fs.existsSync(configFile)) return fail(`no stack file ${result.configFile}`, 64);

  let config = readStackConfig(opts.stack, stackDir);
  try {
    for (const [key, value] of opts.overrides) config = applyConfigOverride(config, key, value);
  } catch (e) {
    return fail(String((e as Error).message), 64);
  }
  // git is asked only when neither --image-sha nor the stack config names the commit (two processes saved).
  const head = opts.imageSha || config["berth:imageSha"] ? { dirty: false } : gitHead();
  result.imageSha = opts.imageSha ?? config["berth:imageSha"] ?? head.sha ?? "0000000000000000000000000000000000000000";
  result.imageShaSource = opts.imageSha
    ? "--image-sha"
    : config["berth:imageSha"]
      ? "stack config"
      : head.sha
        ? `git HEAD${head.dirty ? " (work tree has uncommitted changes: they are not in that commit)" : ""}`
        : "placeholder (no git)";
  config["berth:imageSha"] = result.imageSha;
  result.switchedOff = switchedOffHardening(config);

  let packConfig: PackConfig = {};
  result.policyConfigFile = opts.policyConfigFile ?? packConfigFileFor(opts.stack, REPO_ROOT);
  try {
    if (result.policyConfigFile) packConfig = readPackConfig(result.policyConfigFile);
    else checkPackConfig(packConfig, "(none)");
  } catch (e) {
    return fail(`policy pack config: ${(e as Error).message}`, 64);
  }
  if (result.policyConfigFile)
    result.policyConfigFile = path.relative(REPO_ROOT, path.resolve(result.policyConfigFile));
  for (const [rule, entry] of Object.entries(packConfig)) {
    if (typeof entry !== "object" || entry === null) continue;
    const { enforcementLevel: _level, ...settings } = entry;
    if (Object.keys(settings).length) result.ruleSettings.push({ rule, settings });
  }

  // A stack that promotes (prod) reads the source stack's outputs through a StackReference. Offline there is no
  // source stack: by default every reference sees a stand-in that runs the planned commit with a synthesised digest.
  let stackOutputs: Record<string, Record<string, unknown>>;
  if (opts.stackOutputsFile) {
    try {
      stackOutputs = JSON.parse(fs.readFileSync(opts.stackOutputsFile, "utf8"));
    } catch (e) {
      return fail(`--stack-outputs ${opts.stackOutputsFile}: ${(e as Error).message}`, 64);
    }
    result.stackReferences = { source: opts.stackOutputsFile, outputs: stackOutputs };
  } else {
    const digest = `sha256:${createHash("sha256").update(`offline-plan:${result.imageSha}`).digest("hex")}`;
    const standIn = { sourceSha: result.imageSha, imageDigest: digest, ranDigests: [digest] };
    // A stack's reference to itself (staging reads its own digest history) sees no outputs, as on a first `up`.
    stackOutputs = new Proxy(
      {},
      { get: (_, name) => (String(name).endsWith(`/${opts.stack}`) ? undefined : standIn) },
    ) as Record<string, Record<string, unknown>>;
    if (config["berth:promotion"])
      result.stackReferences = {
        source: "stand-in (synthesised: the source stack runs the planned commit)",
        outputs: standIn,
      };
  }

  // The pack starts in its own process while the program is evaluated here (2 cores: neither waits for the other).
  packAnalyzer().catch(() => undefined); // a failed start is reported by evaluateRules below

  // Errors the program raises asynchronously (inside an apply, a failed read) surface as unhandled rejections.
  let rejectAsync: (e: unknown) => void = () => undefined;
  const asyncFailure = new Promise<never>((_, reject) => (rejectAsync = reject));
  const onRejection = (e: unknown) => rejectAsync(e);
  process.on("unhandledRejection", onRejection);
  let captured: CapturedStack;
  try {
    captured = await withTimeout(
      Promise.race([
        captureStack({
          stack: opts.stack,
          program: opts.program,
          preview: opts.firstPreview === true,
          config,
          stackOutputs,
          // The program's warnings (pulumi.log.warn: "no certificate", ...) are collected and printed in one place.
          log: { warnings: result.warnings, errors: [] },
        }),
        asyncFailure,
      ]),
      opts.timeoutSeconds,
    );
  } catch (e) {
    return fail(String((e as Error)?.message ?? e), 2);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  result.resources = captured.resources.length;
  if (captured.error) return fail(String((captured.error as Error)?.message ?? captured.error), 2);
  for (const w of asStrings(captured.outputs["warnings"])) if (!result.warnings.includes(w)) result.warnings.push(w);

  const ruleTypes = new Set(berthRules.flatMap((rule) => rule.resourceTypes));
  result.checkedResources = captured.resources.filter((res) => res.custom && ruleTypes.has(res.type)).length;
  let evaluation: Evaluation;
  try {
    // The pack runs in its own process, started from policy/index.ts as `pulumi preview --policy-pack` starts it.
    evaluation = await evaluateRules(policySubjects(captured.resources, false), {
      config: packConfig,
      stackResources: policySubjects(captured.resources, true, { firstPreview: opts.firstPreview }),
    });
  } catch (e) {
    return fail(
      `policy pack: ${(e as Error).message}`,
      /config is invalid/.test(String((e as Error).message)) ? 64 : 2,
    );
  }
  result.evaluation = evaluation;
  const flagged = new Set(
    evaluation.violations.filter((v) => v.enforcementLevel === "mandatory" && v.resource).map((v) => v.resource!.urn),
  );
  result.tree = renderTree(captured.resources, flagged);
  result.exitCode = outcomeOf(evaluation).exitCode;
  // Cloud API limits the mocks never enforce (names, tags, policy sizes, rule counts): a problem fails the plan.
  result.cloudLimits = checkCloudLimits(captured.resources);
  if (result.cloudLimits.problems.length > 0 && result.exitCode === 0) result.exitCode = 1;
  // The providers' Check constraints (ConflictsWith, ExactlyOneOf, validators), refused before any API call.
  result.providerConstraints = checkProviderConstraints(captured.resources);
  if (result.providerConstraints.problems.length > 0 && result.exitCode === 0) result.exitCode = 1;
  result.cost = planCost(captured.resources, config);
  result.durationMs = Date.now() - started;
  return result;
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function renderPlan(r: PlanResult): string {
  const out: string[] = [];
  out.push(`Berth offline plan: stack ${r.stack}`);
  out.push(
    "OFFLINE: the program ran under Pulumi mocks. No cloud account, no Pulumi CLI, no credentials were used and nothing",
  );
  out.push(
    "was deployed. Cloud-computed values (ARNs, ids, digests, DNS names) are synthesised placeholders, not real ones.",
  );
  out.push(
    `  config:        ${r.configFile}${r.overrides.length ? `, with ${r.overrides.length} override(s): ${r.overrides.map((o) => `${o.key}=${JSON.stringify(o.value)}`).join(", ")}` : ""}`,
  );
  out.push(`  image sha:     ${r.imageSha} (${r.imageShaSource})`);
  if (r.stackReferences.source && r.resources > 0 && r.tree.some((l) => l.includes("pulumi:pulumi:StackReference"))) {
    out.push(
      `  stack refs:    ${r.stackReferences.source}: ${Object.entries(r.stackReferences.outputs)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(" ")}`,
    );
  }
  out.push(
    `  policy pack:   ${POLICY_PACK_NAME} (${berthRules.length} rules), pack config ${r.policyConfigFile ?? "(none: every rule at its default level)"}`,
  );
  out.push("");
  if (r.error) {
    out.push(`ERROR: the program did not evaluate (${r.resources} resources registered before it stopped):`);
    out.push(...r.error.split("\n").map((l) => `  ${l}`));
    out.push("");
    out.push(`Result: FAILED (exit ${r.exitCode})`);
    return out.join("\n");
  }
  out.push(`Resources (${r.resources}):`);
  out.push(...r.tree.map((l) => `  ${l}`));
  out.push("");
  out.push(`Warnings (${r.warnings.length}):`);
  out.push(...(r.warnings.length ? r.warnings.map((w) => `  ! ${w}`) : ["  (none)"]));
  out.push("");
  const ev = r.evaluation!;
  out.push("Hardening switched off in this stack's config:");
  if (r.switchedOff.length === 0) out.push("  (none: every hardening setting is at its secure default)");
  for (const s of r.switchedOff) {
    const level = s.rule ? ev.levels[s.rule] : undefined;
    out.push(
      `  >>> ${s.key} = ${JSON.stringify(s.value)}  ->  ${s.rule ? `rule ${s.rule} (${level})${level === "mandatory" ? ": the plan fails" : level === "disabled" ? ": OPTED OUT of the rule in the pack config" : ": reported, not blocking"}` : "no policy rule (shown for review)"}`,
    );
  }
  out.push("");
  out.push("Rule levels and settings changed by this stack's pack config:");
  if (ev.changedLevels.length === 0 && r.ruleSettings.length === 0) out.push("  (none)");
  for (const rs of r.ruleSettings)
    out.push(
      `  ${rs.rule} settings: ${Object.entries(rs.settings)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(" ")}`,
    );
  for (const c of ev.changedLevels)
    out.push(
      `  >>> ${c.rule}: ${c.from} -> ${c.to}${c.to === "disabled" ? "  (OPTED OUT: not checked at all)" : c.to === "advisory" ? "  (OPTED OUT of blocking: reported only)" : c.to === "mandatory" ? "  (stricter for this stack: blocking)" : ""}`,
    );
  out.push("");
  const outcome = outcomeOf(ev);
  out.push(
    `Policy: ${berthRules.length} rules over the ${r.checkedResources} resources of a type they check (of ${r.resources}).`,
  );
  out.push(
    `Policy violations: ${outcome.mandatory} mandatory, ${outcome.advisory} advisory${outcome.ruleErrors ? `, ${outcome.ruleErrors} rule error(s)` : ""}`,
  );
  for (const level of ["mandatory", "advisory"] as const) {
    for (const v of ev.violations.filter((x) => x.enforcementLevel === level)) {
      out.push(
        `  ${level.toUpperCase()} ${v.rule}  ${v.resource ? `${v.resource.name} (${v.resource.type})` : "(stack)"}  [${v.control}]`,
      );
      out.push(`      ${v.message}`);
    }
  }
  for (const e of ev.errors) out.push(`  RULE ERROR ${e.rule}${e.resource ? ` on ${e.resource}` : ""}: ${e.error}`);
  out.push("");
  if (r.firstPreview) {
    // node_modules/@pulumi/policy/server.js: a policy that reads a value unknown in preview (proxy.js
    // UnknownValueError) is reported as an advisory "can't run ... during preview": it blocks nothing.
    const blind = [...new Set(ev.cannotJudge.map((c) => c.rule))];
    out.push(
      `Rules that cannot judge a first preview (${blind.length}: they read a value only an update knows, and block nothing then):`,
    );
    for (const rule of blind) {
      const items = ev.cannotJudge.filter((c) => c.rule === rule);
      out.push(
        `  ${rule}  on ${items.map((c) => c.resource?.split("::").pop() ?? "(stack)").join(", ")}: ${items[0].message}`,
      );
    }
    if (blind.length === 0) out.push("  (none)");
  } else
    out.push(
      "Planned as an update sees the stack (outputs known); --first-preview lists the rules a first preview cannot judge.",
    );
  out.push("");
  const limits = r.cloudLimits;
  if (limits) {
    out.push(
      `Cloud limits: ${limits.checksRun} checks over ${limits.checkedResources} resources: ${limits.problems.length} problem(s)`,
    );
    for (const p of limits.problems) out.push(`  LIMIT ${renderCloudLimitProblem(p)}`);
    out.push("");
  }
  const constraints = r.providerConstraints;
  if (constraints) {
    out.push(`${renderProviderConstraintsSummary(constraints)}: ${constraints.problems.length} problem(s)`);
    for (const p of constraints.problems) out.push(`  CONSTRAINT ${renderProviderConstraintProblem(p)}`);
    out.push("");
  }
  out.push(...renderCost(r.cost));
  const limitProblems = limits?.problems.length ?? 0;
  const constraintProblems = constraints?.problems.length ?? 0;
  if (outcome.exitCode === 0 && limitProblems + constraintProblems > 0) {
    const what = [
      limitProblems ? `${limitProblems} cloud limit problem(s)` : "",
      constraintProblems ? `${constraintProblems} provider constraint problem(s)` : "",
    ].filter(Boolean);
    out.push(`Result: FAILED (exit 1: ${what.join(", ")}) in ${(r.durationMs / 1000).toFixed(1)} s`);
    return out.join("\n");
  }
  out.push(
    outcome.exitCode === 0
      ? `Result: PASSED (no mandatory violation; offline, nothing deployed) in ${(r.durationMs / 1000).toFixed(1)} s`
      : `Result: FAILED (exit 1: ${outcome.mandatory} mandatory violation(s)${outcome.ruleErrors ? `, ${outcome.ruleErrors} rule error(s)` : ""}) in ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  return out.join("\n");
}

/** Where `planCommand` writes: the console for scripts/plan, strings for an in-process run (tests/plan/planRunner.ts). */
interface PlanOutput {
  out(text: string): void;
  err(text: string): void;
}

/** scripts/plan with these arguments: prints the plan (text or JSON) and returns the exit code. */
export async function planCommand(
  argv: string[],
  io: PlanOutput = { out: (t) => console.log(t), err: (t) => console.error(t) },
  program?: string,
): Promise<number> {
  let opts: PlanOptions;
  try {
    opts = parsePlanArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) io.err(`plan: ${e.message}`);
    io.err(USAGE);
    return e.message ? 64 : 0;
  }
  const result = await runPlan({ ...opts, program });
  if (opts.json) io.out(JSON.stringify(result, null, 2));
  else io.out(renderPlan(result));
  return result.exitCode;
}

if (require.main === module) {
  planCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
