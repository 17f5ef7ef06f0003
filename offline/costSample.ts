/**
 * The cost page's figures (docs/cost.md): the estimate (offline/cost.ts) of the sample's staging and prod stacks (the
 * suite's fixture stack files, tests/fixtures/stacks) as the offline plan captures them, and what the settings that
 * move it most change, each from a capture of the stack with that one setting changed. offline/docsBlocks.ts runs it
 * as a child process (one capture after another, each a fresh evaluation of the program) and writes the blocks;
 * tests/docs/generated.test.ts fails while they are stale.
 *
 *   node --import tsx offline/costSample.ts     prints {"defaults": "...", "settings": "..."} (Markdown)
 *
 * Not a test file.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { captureStack, readStackConfig, REPO_ROOT } from "./mockRuntime";
import { applyConfigOverride } from "./offlinePlan";
import { estimateCost, formatUsd, LEAVES_OUT, type CostEstimate } from "./cost";

/** The sample's stack files, as the docs' sample plan reads them. */
const SAMPLE_STACK_DIR = path.join(REPO_ROOT, "tests", "fixtures", "stacks");
const SAMPLE_SHA = "0123456789abcdef0123456789abcdef01234567";
const PROGRAM = path.join(REPO_ROOT, "infra", "index.ts");

const SAMPLE_STACKS = ["staging", "prod"] as const;

/** The settings that move the estimate most, and the stacks each is shown for. */
const COST_SETTINGS: { key: string; value: unknown; stacks: string[]; note: string }[] = [
  {
    key: "berth:network.natGateways",
    value: "single",
    stacks: ["prod"],
    note: "one NAT gateway for every AZ: egress is lost with that AZ",
  },
  {
    key: "berth:network.egress",
    value: "endpoints",
    stacks: ["staging", "prod"],
    note: "no NAT gateways; interface endpoints (per AZ) for ECR, Logs and the rest: tasks have no internet",
  },
  {
    key: "berth:platform",
    value: "linux/arm64",
    stacks: ["staging", "prod"],
    note: "Graviton Fargate tasks: the image is built for arm64",
  },
  {
    key: "berth:network.availabilityZones",
    value: 3,
    stacks: ["prod"],
    note: "a third AZ: one more load balancer node address, and in prod one more NAT gateway",
  },
];

let runs = 0;

/** Captures a sample stack (with `overrides`) as offline/plan.ts does, and estimates it. */
async function sampleEstimate(stack: string, overrides: [string, unknown][] = []): Promise<CostEstimate> {
  let config = readStackConfig(stack, SAMPLE_STACK_DIR);
  for (const [key, value] of overrides) config = applyConfigOverride(config, key, value);
  config["berth:imageSha"] = SAMPLE_SHA;
  // As the plan's default: the stack a promotion reads runs the sampled commit; a stack's reference to itself sees none.
  const digest = `sha256:${createHash("sha256").update(`offline-plan:${SAMPLE_SHA}`).digest("hex")}`;
  const standIn = { sourceSha: SAMPLE_SHA, imageDigest: digest, ranDigests: [digest] };
  const stackOutputs = new Proxy(
    {},
    { get: (_, name) => (String(name).endsWith(`/${stack}`) ? undefined : standIn) },
  ) as Record<string, Record<string, unknown>>;
  // A fresh evaluation of the program per capture (tests/support/capture.ts explains the module caches).
  delete require.cache[PROGRAM];
  const captured = await captureStack({
    stack,
    config,
    stackOutputs,
    program: `${pathToFileURL(PROGRAM).href}?cost=${++runs}`,
    log: { warnings: [], errors: [] },
  });
  if (captured.error)
    throw new Error(
      `${stack} ${overrides.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}: ${String((captured.error as Error)?.message ?? captured.error)}`,
    );
  return estimateCost(captured.resources, config["aws:region"]);
}

/** The group of a cost line in the page's summary table. */
function groupOf(item: string): string {
  if (item.startsWith("Fargate")) return "Fargate tasks";
  if (item.startsWith("public IPv4")) return "public IPv4 addresses";
  if (item.startsWith("alarm") || item === "dashboard") return "CloudWatch alarms and dashboards";
  return item.replace(/ hours$/, "");
}

function renderDefaults(estimates: Map<string, CostEstimate>): string {
  const groups = new Map<string, Map<string, { count: number; monthly: number }>>();
  for (const [stack, e] of estimates)
    for (const l of e.lines) {
      const g = groups.get(groupOf(l.item)) ?? new Map();
      const cell = g.get(stack) ?? { count: 0, monthly: 0 };
      g.set(stack, { count: cell.count + 1, monthly: cell.monthly + l.monthly });
      groups.set(groupOf(l.item), g);
    }
  const stacks = [...estimates.keys()];
  const cell = (g: Map<string, { count: number; monthly: number }>, s: string) => {
    const c = g.get(s);
    return c ? `${formatUsd(Math.round(c.monthly * 100) / 100)} (${c.count})` : "—";
  };
  const rows = [...groups.entries()]
    .sort((a, b) => (b[1].get("prod")?.monthly ?? 0) - (a[1].get("prod")?.monthly ?? 0))
    .map(([name, g]) => `| ${name} | ${stacks.map((s) => cell(g, s)).join(" | ")} |`);
  const first = estimates.values().next().value!;
  return [
    `Estimate, ${first.region}, prices of ${first.pricesRead}, ${first.hoursPerMonth} h a month; in brackets the number of lines.`,
    "",
    `| Fixed monthly cost | ${stacks.map((s) => `\`${s}\``).join(" | ")} |`,
    `| --- | ${stacks.map(() => "---:").join(" | ")} |`,
    ...rows,
    `| **Total** | ${stacks.map((s) => `**${formatUsd(estimates.get(s)!.total)}**`).join(" | ")} |`,
    "",
    "Usage-dependent, not in the totals (each with its unit price in the plan's output):",
    "",
    ...[...new Set([...estimates.values()].flatMap((e) => e.excluded.map((u) => `${u.item}: ${u.price}`)))]
      .sort()
      .map((line) => `- ${line}`),
    "",
    `Always left out: ${LEAVES_OUT.join("; ")}.`,
  ].join("\n");
}

function renderSettings(
  rows: { key: string; value: unknown; stack: string; note: string; before: number; after: number }[],
): string {
  return [
    "| Setting | Stack | Estimate | Change a month | What it trades |",
    "| --- | --- | ---: | ---: | --- |",
    ...rows.map((r) => {
      const delta = Math.round((r.after - r.before) * 100) / 100;
      const change = delta < 0 ? `saves ${formatUsd(-delta)}` : delta > 0 ? `adds ${formatUsd(delta)}` : "none";
      return `| \`${r.key}: ${typeof r.value === "string" ? r.value : JSON.stringify(r.value)}\` | ${r.stack} | ${formatUsd(r.before)} → ${formatUsd(r.after)} | ${change} | ${r.note} |`;
    }),
  ].join("\n");
}

/** The two blocks of docs/cost.md. */
async function renderCostBlocks(): Promise<{ defaults: string; settings: string }> {
  const estimates = new Map<string, CostEstimate>();
  for (const stack of SAMPLE_STACKS) estimates.set(stack, await sampleEstimate(stack));
  const rows = [];
  for (const s of COST_SETTINGS)
    for (const stack of s.stacks) {
      const after = await sampleEstimate(stack, [[s.key, s.value]]);
      rows.push({ ...s, stack, before: estimates.get(stack)!.total, after: after.total });
    }
  return { defaults: renderDefaults(estimates), settings: renderSettings(rows) };
}

if (require.main === module) {
  renderCostBlocks().then(
    (blocks) => {
      process.stdout.write(JSON.stringify(blocks));
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
