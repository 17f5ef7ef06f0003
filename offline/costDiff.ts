/**
 * The cost change of a pull request: the offline plan's estimate (offline/cost.ts) of the base branch and of the
 * pull request's head, compared line by line, as the Markdown section the preview comment carries
 * (.github/workflows/preview.yml).
 *
 *   node --import tsx offline/costDiff.ts --stack staging base.json head.json
 *
 * base.json and head.json are `scripts/plan <stack> --json` outputs. A base planned before the estimate existed (no
 * `cost` field), a plan that failed, or an unknown region is said in the section, not an error: the comment still
 * shows what is known, as is an unreadable plan output. Exit codes: 0 the section was printed; 64 bad usage.
 */
import * as fs from "node:fs";
import type { CostEstimate, CostLine, PlanCost } from "./cost";

/** The marker the preview workflow finds the section by (one per stack, replaced on every run). */
export const costSectionMarker = (stack: string) => `<!-- berth-cost:${stack} -->`;

interface LineChange {
  key: string;
  base?: number;
  head?: number;
  delta: number;
}

interface CostDiff {
  stack: string;
  /** Why a side has no estimate (no `cost` field, a failed plan, an unknown region), if it has none. */
  baseMissing?: string;
  headMissing?: string;
  baseTotal?: number;
  headTotal?: number;
  /** head total minus base total, when both are known. */
  delta?: number;
  /** The lines that appeared, disappeared or changed, biggest change first. */
  changes: LineChange[];
  region?: string;
  pricesRead?: string;
}

/** The plan result's estimate, or why it has none. */
function estimateOf(plan: unknown): { estimate?: CostEstimate; missing?: string } {
  const p = plan as { cost?: PlanCost; error?: string } | undefined;
  if (!p || typeof p !== "object") return { missing: "no plan output" };
  if (p.error) return { missing: `the plan failed: ${p.error.split("\n")[0]}` };
  if (!p.cost) return { missing: "no estimate in this plan (planned before offline/cost.ts existed)" };
  if ("error" in p.cost) return { missing: p.cost.error };
  return { estimate: p.cost };
}

const keyOf = (l: CostLine) => `${l.resource} ${l.item}`;
const cents = (n: number) => Math.round(n * 100) / 100;

/** Sums the lines of each key (a resource can have one line per item). */
function byKey(lines: CostLine[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(keyOf(l), cents((out.get(keyOf(l)) ?? 0) + l.monthly));
  return out;
}

/** Compares the estimates of two plan results (the `--json` output of offline/plan.ts). */
export function diffCost(stack: string, basePlan: unknown, headPlan: unknown): CostDiff {
  const base = estimateOf(basePlan);
  const head = estimateOf(headPlan);
  const diff: CostDiff = {
    stack,
    baseMissing: base.missing,
    headMissing: head.missing,
    baseTotal: base.estimate?.total,
    headTotal: head.estimate?.total,
    changes: [],
    region: head.estimate?.region ?? base.estimate?.region,
    pricesRead: head.estimate?.pricesRead ?? base.estimate?.pricesRead,
  };
  if (base.estimate && head.estimate) {
    diff.delta = cents(head.estimate.total - base.estimate.total);
    const before = byKey(base.estimate.lines);
    const after = byKey(head.estimate.lines);
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const delta = cents((after.get(key) ?? 0) - (before.get(key) ?? 0));
      if (delta !== 0 || before.has(key) !== after.has(key))
        diff.changes.push({ key, base: before.get(key), head: after.get(key), delta });
    }
    diff.changes.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.key.localeCompare(b.key));
  }
  return diff;
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => (n > 0 ? `+${usd(n)}` : n < 0 ? `-${usd(-n)}` : usd(0));

/** The Markdown section of the preview comment. */
export function renderCostDiff(d: CostDiff): string {
  const out = [costSectionMarker(d.stack), `#### Estimated monthly cost of \`${d.stack}\` (offline estimate)`, ""];
  if (d.headMissing) {
    out.push(`No estimate for this pull request: ${d.headMissing}.`);
  } else if (d.baseMissing) {
    out.push(`**${usd(d.headTotal!)}** a month with this pull request (base branch: ${d.baseMissing}).`);
  } else {
    out.push(
      `**${usd(d.baseTotal!)} → ${usd(d.headTotal!)}** a month (${signed(d.delta!)}), fixed costs at idle${d.region ? ` in ${d.region}` : ""}.`,
    );
    out.push("");
    if (d.changes.length === 0) out.push("No cost line changed.");
    else {
      out.push("| Resource and item | Base | This PR | Change |", "| --- | ---: | ---: | ---: |");
      for (const c of d.changes)
        out.push(
          `| ${c.key} | ${c.base === undefined ? "—" : usd(c.base)} | ${c.head === undefined ? "—" : usd(c.head)} | ${signed(c.delta)} |`,
        );
    }
  }
  out.push("");
  out.push(
    `_An estimate: list prices${d.pricesRead ? ` of ${d.pricesRead}` : ""} (offline/prices.ts), fixed costs only. Left out: traffic, data processed, requests, log ingestion, storage growth, scans per image; see docs/cost.md._`,
  );
  return out.join("\n");
}

/** A plan's JSON from its stdout (the SDK may print `info:` lines before it). */
export function parsePlanOutput(text: string): unknown {
  const start = text.startsWith("{") ? 0 : text.indexOf("\n{") + 1;
  if (start === 0 && !text.startsWith("{")) throw new Error("no JSON object in the plan output");
  return JSON.parse(text.slice(start));
}

function main(argv: string[]): number {
  const stackAt = argv.indexOf("--stack");
  const stack = stackAt >= 0 ? argv[stackAt + 1] : undefined;
  const files = argv.filter((_, i) => i !== stackAt && i !== stackAt + 1);
  if (!stack || files.length !== 2) {
    console.error("usage: node --import tsx offline/costDiff.ts --stack <stack> <base plan.json> <head plan.json>");
    return 64;
  }
  const read = (file: string): unknown => {
    if (!fs.existsSync(file) || fs.statSync(file).size === 0) return undefined; // that side's plan did not run
    try {
      return parsePlanOutput(fs.readFileSync(file, "utf8"));
    } catch (e) {
      return { error: `unreadable plan output (${(e as Error).message})` }; // said in the section, not fatal
    }
  };
  try {
    console.log(renderCostDiff(diffCost(stack, read(files[0]), read(files[1]))));
  } catch (e) {
    console.error(`costDiff: ${(e as Error).message}`);
    return 64;
  }
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
