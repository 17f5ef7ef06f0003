/**
 * Runs the offline plan for the tests. Not a test file.
 *
 * `runPlan` runs scripts/plan's command (`planCommand` of offline/plan.ts: argument parsing, the plan, the text or
 * JSON it prints, the exit code) in this test file's process: the modules (@pulumi/*, tsx's transpile) load once per
 * file and the policy pack's process starts once per file (offline/evaluate.ts `packAnalyzer`), where a child
 * process per plan paid both every time (~4 s of CPU per plan, some 50 plans in the suite). Each run evaluates the
 * program afresh under a new module URL, as tests/support/capture.ts does, one run at a time (mock state is global).
 * `runPlanProcess` is the command itself as CI runs it (`node --import tsx offline/plan.ts`), for a test of the
 * process; `BERTH_PLAN_PROCESS=1` makes every run one.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { planCommand } from "../../offline/plan";
import { FIXTURE_STACK_DIR } from "../support/fixtures";

export const ROOT = path.resolve(__dirname, "..", "..");
export const IMAGE_SHA = "0123456789abcdef0123456789abcdef01234567";
const PROGRAM = path.join(ROOT, "infra", "index.ts");

export interface PlanRun {
  code: number;
  stdout: string;
  stderr: string;
  json?: any;
}

const withStackDir = (args: string[]) =>
  args.includes("--stack-dir") ? args : [...args, "--stack-dir", FIXTURE_STACK_DIR];

function parsed(args: string[], code: number, stdout: string, stderr: string): PlanRun {
  let json: any;
  if (args.includes("--json")) {
    try {
      json = JSON.parse(stdout);
    } catch {
      json = undefined;
    }
  }
  return { code, stdout, stderr, json };
}

/**
 * `node --import tsx offline/plan.ts <args>` with this Node (the launcher only adds scripts/bootstrap in front), on
 * the fixture stack files unless `args` name another `--stack-dir`.
 */
export function runPlanProcess(args: string[]): Promise<PlanRun> {
  args = withStackDir(args);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "offline", "plan.ts"), ...args],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024, timeout: 180_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as any).code === "number" ? (err as any).code : 99) : 0;
        resolve(parsed(args, code, stdout, stderr));
      },
    );
  });
}

let queue: Promise<unknown> = Promise.resolve();
let runs = 0;

/**
 * The same command in this process. An unhandled rejection while it runs is the plan's to report (runPlan turns one
 * raised during the program's evaluation into exit 2), not a failure of the running test: node:test's listeners are
 * set aside meanwhile (as tests/support/capture.ts `collectingRejections` does) and one the plan left unreported is
 * kept in `stderr`.
 */
async function runPlanHere(args: string[]): Promise<PlanRun> {
  delete require.cache[PROGRAM];
  const program = `${pathToFileURL(PROGRAM).href}?plan=${++runs}`;
  let stdout = "";
  let stderr = "";
  const io = { out: (t: string) => void (stdout += `${t}\n`), err: (t: string) => void (stderr += `${t}\n`) };
  const runner = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const collect = (e: unknown) => io.err(`unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`);
  process.on("unhandledRejection", collect);
  let code: number;
  try {
    code = await planCommand(args, io, program);
  } catch (e) {
    io.err(String(e instanceof Error ? e.stack : e));
    code = 2;
  } finally {
    process.removeListener("unhandledRejection", collect);
    for (const listener of runner) process.on("unhandledRejection", listener);
  }
  return parsed(args, code, stdout, stderr);
}

/** One plan (in this process unless BERTH_PLAN_PROCESS=1), after any plan already running here. */
export function runPlan(args: string[]): Promise<PlanRun> {
  args = withStackDir(args);
  if (process.env.BERTH_PLAN_PROCESS === "1") return runPlanProcess(args);
  const run = queue.then(() => runPlanHere(args));
  queue = run.catch(() => undefined);
  return run;
}

/** Many plans: in this process one after another; as child processes (BERTH_PLAN_PROCESS=1) `concurrency` at a time. */
export async function runPlans(argsList: string[][], concurrency = 3): Promise<PlanRun[]> {
  const results: PlanRun[] = new Array(argsList.length);
  let next = 0;
  const worker = async () => {
    while (next < argsList.length) {
      const i = next++;
      results[i] = await runPlan(argsList[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, argsList.length) }, worker));
  return results;
}

export const mandatoryRules = (run: PlanRun): string[] =>
  (run.json?.evaluation?.violations ?? [])
    .filter((v: any) => v.enforcementLevel === "mandatory")
    .map((v: any) => v.rule);
