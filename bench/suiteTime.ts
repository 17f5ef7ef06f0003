// Benchmark (NOT a test): how long `scripts/test` and `scripts/plan staging` take, against issue 19's figures.
// - scripts/test by suite (bootstrap, checks, program, container, dotnet): wall and CPU seconds (user+sys of the
//   suite's processes) from artifacts/test-results/durations.tsv, which scripts/test writes; BENCH_RUN_TEST=1 runs
//   scripts/test first (a fresh-machine figure needs a fresh machine: nothing installed, no image, no stand-in).
// - scripts/plan staging, warm: one run to warm the caches, then BENCH_PLAN_RUNS (5) runs; the median wall and CPU
//   seconds (user+sys of the plan and the processes it waited for, from /usr/bin/time; the pack's process is ended,
//   not waited for, so its CPU is not in the figure).
// Each figure is printed with its ratio to the issue's: scripts/test 14 min 45 s = 885 s on a fresh machine, the
// program suite 414 s, the container suite 319 s (the other three together the remaining 152 s); the plan 5.5-7 s.
// Budgets: scripts/test <= 480 s on a fresh machine, the warm plan <= 2.5 s. Wall time on a shared 2-core machine is
// noisy: compare the CPU seconds too, and measure when the machine is quiet.
// Run: node --import tsx bench/suiteTime.ts   (env: BENCH_RUN_TEST=1, BENCH_PLAN_RUNS=5,
//      BENCH_PLAN_COMMAND="scripts/plan staging": the command timed, run by bash in the repository root)
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const DURATIONS = path.join(ROOT, "artifacts", "test-results", "durations.tsv");
const PLAN_RUNS = Number(process.env.BENCH_PLAN_RUNS ?? 5);
const PLAN_COMMAND = process.env.BENCH_PLAN_COMMAND ?? "scripts/plan staging";

/** Issue 19's figures (seconds) and the budgets. */
const ISSUE = { total: 885, program: 414, container: 319, rest: 885 - 414 - 319, planLow: 5.5, planHigh: 7 };
const BUDGET = { total: 480, plan: 2.5 };

interface Timed {
  wall: number;
  cpu?: number;
}

/** durations.tsv: suite, wall seconds, CPU seconds (header first). */
function readDurations(file: string): Map<string, Timed> {
  const rows = readFileSync(file, "utf8").trim().split("\n").slice(1);
  return new Map(
    rows.map((row) => {
      const [suite, wall, cpu] = row.split("\t");
      return [suite!, { wall: Number(wall), cpu: Number(cpu) }];
    }),
  );
}

/** One run of `command` under /usr/bin/time (when present): wall seconds, CPU seconds, exit status. */
function timeOnce(command: string): Timed & { status: number } {
  const gnuTime = existsSync("/usr/bin/time");
  const started = process.hrtime.bigint();
  const r = spawnSync(
    gnuTime ? "/usr/bin/time" : "bash",
    gnuTime ? ["-f", "%U %S", "bash", "-c", command] : ["-c", command],
    {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const m = /^([\d.]+) ([\d.]+)$/.exec(last);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : undefined, status: r.status ?? -1 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const secs = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "-" : `${x.toFixed(1)} s`);
const ratio = (x: number | undefined, of: number) => (x === undefined ? "-" : `${(x / of).toFixed(2)}x`);

function printTable(head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${w.map((n) => "-".repeat(n + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

function main(): number {
  if (process.env.BENCH_RUN_TEST === "1") {
    console.log("running scripts/test ...");
    spawnSync("bash", ["scripts/test"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  console.log(`scripts/test by suite (${path.relative(ROOT, DURATIONS)}):`);
  if (!existsSync(DURATIONS)) console.log("  no durations: run scripts/test first (or BENCH_RUN_TEST=1)");
  else {
    const d = readDurations(DURATIONS);
    const sum = (names: string[], key: keyof Timed) => names.reduce((s, n) => s + (d.get(n)?.[key] ?? 0), 0);
    const rest = ["bootstrap", "checks", "dotnet"];
    const all = [...d.keys()];
    printTable(
      ["suite", "wall", "CPU (user+sys)", "issue", "wall / issue"],
      [
        ...["bootstrap", "checks", "program", "container", "dotnet"].map((s) => {
          const t = d.get(s);
          const issue = s === "program" ? ISSUE.program : s === "container" ? ISSUE.container : undefined;
          return [s, secs(t?.wall), secs(t?.cpu), issue ? `${issue} s` : "-", issue ? ratio(t?.wall, issue) : "-"];
        }),
        [
          "bootstrap+checks+dotnet",
          secs(sum(rest, "wall")),
          secs(sum(rest, "cpu")),
          `${ISSUE.rest} s`,
          ratio(sum(rest, "wall"), ISSUE.rest),
        ],
        [
          "total",
          secs(sum(all, "wall")),
          secs(sum(all, "cpu")),
          `${ISSUE.total} s`,
          `${ratio(sum(all, "wall"), ISSUE.total)} (budget ${BUDGET.total} s: ${sum(all, "wall") <= BUDGET.total ? "within" : "OVER"})`,
        ],
      ],
    );
  }

  console.log(`\n${PLAN_COMMAND}, warm: 1 warm-up run, then the median of ${PLAN_RUNS}:`);
  const warm = timeOnce(PLAN_COMMAND);
  if (warm.status !== 0) {
    console.log(`  the warm-up run exited ${warm.status}: not timed`);
    return 1;
  }
  const runs = Array.from({ length: PLAN_RUNS }, () => timeOnce(PLAN_COMMAND));
  const wall = median(runs.map((r) => r.wall));
  const cpus = runs.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu]));
  const cpu = cpus.length ? median(cpus) : undefined;
  printTable(
    ["plan", "median wall", "median CPU", "runs (wall)", "wall / issue (5.5-7 s)"],
    [
      [
        "staging",
        secs(wall),
        secs(cpu),
        runs.map((r) => r.wall.toFixed(1)).join(" "),
        `${ratio(wall, ISSUE.planHigh)}-${ratio(wall, ISSUE.planLow)} (budget ${BUDGET.plan} s: ${wall <= BUDGET.plan ? "within" : "OVER"})`,
      ],
    ],
  );
  return 0;
}

process.exitCode = main();
