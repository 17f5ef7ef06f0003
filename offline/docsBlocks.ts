/**
 * The generated blocks of docs/: text between `<!-- generated:<name> ... -->` and `<!-- end generated:<name> -->` is
 * rendered from the code, never written by hand. tests/docs/generated.test.ts fails while a block is stale.
 * Regenerate: node --import tsx offline/docsBlocks.ts --write
 * Not a test file.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { renderRuleTable } from "../policy/rules";
import { HARDENING_SETTINGS } from "../infra/config";

export const ROOT = path.resolve(__dirname, "..");
/** The commit the sample plan is rendered for: fixed, so the sample does not change with every commit. */
export const SAMPLE_SHA = "0123456789abcdef0123456789abcdef01234567";

interface Block {
  file: string;
  name: string;
  render: () => string;
  /** What legitimately varies between two renderings (the plan's own duration), masked before comparing. */
  normalise: (text: string) => string;
}

/** The sample's stack files (the suite's fixtures), relative to the repository, as the page shows the command. */
const SAMPLE_STACK_DIR_ARGS = ["--stack-dir", "tests/fixtures/stacks"];

/**
 * `scripts/plan staging --image-sha SAMPLE_SHA --stack-dir tests/fixtures/stacks`, as its launcher runs it (node
 * --import tsx offline/plan.ts): the sample's staging stack, so the page does not change with the user's values.
 */
function renderStagingPlan(): string {
  const stdout = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(ROOT, "offline", "plan.ts"),
      "staging",
      "--image-sha",
      SAMPLE_SHA,
      ...SAMPLE_STACK_DIR_ARGS,
    ],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 32 * 1024 * 1024, timeout: 180_000 },
  );
  return "```\n" + stdout.trimEnd() + "\n```";
}

/** The hardening settings the offline plan tracks, and the rule each trips in an aws stack and in the local stack. */
function renderHardeningTable(): string {
  const rule = (r: string | null | undefined) => (r ? `\`${r}\`` : "none (listed for review)");
  // As switchedOffHardening maps them: a service setting trips `localRule` in the local stack when it has one; the
  // other sections are cloud-only (the local stack refuses them).
  const local = (s: (typeof HARDENING_SETTINGS)[number]) =>
    !s.key.startsWith("berth:services.")
      ? "(refused in the local stack)"
      : rule(s.localRule !== undefined ? s.localRule : s.rule);
  const rows = HARDENING_SETTINGS.map(
    (s) => `| \`${s.key.replace("<service>", "<name>")}\` | ${rule(s.rule)} | ${local(s)} |`,
  );
  return ["| Stack setting | Rule (aws stacks) | Rule (local stack) |", "| --- | --- | --- |", ...rows].join("\n");
}

let costBlocks: { defaults: string; settings: string } | undefined;

/**
 * docs/cost.md's two blocks, from one run of offline/costSample.ts (the estimate of the sample's fixture stacks, and
 * of each with one setting changed), as a child process: each capture there is a fresh evaluation of the program.
 */
function renderCostBlock(name: "defaults" | "settings"): string {
  costBlocks ??= JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "offline", "costSample.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 32 * 1024 * 1024,
      timeout: 300_000,
    }),
  ) as { defaults: string; settings: string };
  return costBlocks[name];
}

/** The closing line's duration (`in 10.3 s`) is the only part of the plan that changes between runs. */
const planDuration = (text: string) => text.replace(/^(Result: .*) in [0-9.]+ s$/m, "$1 in <duration> s");

export const BLOCKS: Block[] = [
  { file: "docs/policy.md", name: "rule-table", render: renderRuleTable, normalise: (t) => t },
  { file: "docs/policy.md", name: "hardening-settings", render: renderHardeningTable, normalise: (t) => t },
  { file: "docs/policy.md", name: "plan-staging", render: renderStagingPlan, normalise: planDuration },
  { file: "docs/cost.md", name: "cost-defaults", render: () => renderCostBlock("defaults"), normalise: (t) => t },
  { file: "docs/cost.md", name: "cost-settings", render: () => renderCostBlock("settings"), normalise: (t) => t },
];

const markers = (name: string) => ({ begin: `<!-- generated:${name} `, end: `<!-- end generated:${name} -->` });

/** The current content of a block in `text` (between its two marker lines), or undefined without markers. */
export function readBlock(text: string, name: string): string | undefined {
  const { begin, end } = markers(name);
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) return undefined;
  const afterBegin = text.indexOf("\n", start) + 1;
  return text.slice(afterBegin, stop).replace(/\n$/, "");
}

/** `text` with the block's content replaced by `content`. */
export function writeBlock(text: string, name: string, content: string): string {
  const { begin, end } = markers(name);
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`no markers for generated block ${name}`);
  const afterBegin = text.indexOf("\n", start) + 1;
  return text.slice(0, afterBegin) + content + "\n" + text.slice(stop);
}

if (require.main === module) {
  if (process.argv[2] !== "--write") {
    console.error("usage: node --import tsx offline/docsBlocks.ts --write");
    process.exit(64);
  }
  for (const block of BLOCKS) {
    const file = path.join(ROOT, block.file);
    fs.writeFileSync(file, writeBlock(fs.readFileSync(file, "utf8"), block.name, block.render()));
    console.log(`${block.file}: ${block.name} regenerated`);
  }
}
