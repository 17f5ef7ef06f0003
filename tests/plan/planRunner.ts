/** Runs the offline plan as a child process, as CI does. Not a test file. */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { FIXTURE_STACK_DIR } from "../support/fixtures";

export const ROOT = path.resolve(__dirname, "..", "..");
export const IMAGE_SHA = "0123456789abcdef0123456789abcdef01234567";

export interface PlanRun {
  code: number;
  stdout: string;
  stderr: string;
  json?: any;
}

/**
 * `node --import tsx offline/plan.ts <args>` with this Node (the launcher only adds scripts/bootstrap in front), on
 * the fixture stack files unless `args` name another `--stack-dir`.
 */
export function runPlan(args: string[]): Promise<PlanRun> {
  if (!args.includes("--stack-dir")) args = [...args, "--stack-dir", FIXTURE_STACK_DIR];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "offline", "plan.ts"), ...args],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024, timeout: 180_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as any).code === "number" ? (err as any).code : 99) : 0;
        let json: any;
        if (args.includes("--json")) {
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}

/** Runs many plans, `concurrency` at a time (each is a full program evaluation). */
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
