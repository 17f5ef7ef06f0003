/**
 * Running a program under mocks, as many times as a test file needs, in the test file's own process. Not a test file.
 *
 * node:test runs each test file in its own process, and offline/mockRuntime.ts `captureStack` sets fresh mocks and
 * config on each call; what a second capture needs is a fresh evaluation of the program, whose resources are
 * registered when its module is evaluated. `captureProgram` gives it one: it drops the cached CommonJS module
 * (tsx loads infra/*.ts as CommonJS: an `import()` of a CommonJS file is answered from `require.cache`) and imports
 * the program under a new URL (the ESM loader caches by URL), so infra/index.ts runs again under the new mocks.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { captureStack, REPO_ROOT, type CapturedStack, type CaptureOptions } from "../../offline/mockRuntime";

export const PROGRAM = path.join(REPO_ROOT, "infra", "index.ts");
/** The network, cluster and load balancer alone (tests/network/networkProgram.ts). */
export const NETWORK_PROGRAM = path.join(REPO_ROOT, "tests", "network", "networkProgram.ts");

export interface ProgramCapture extends CapturedStack {
  /** The exports of this evaluation of the program module (a test program's own records, such as `rejections`). */
  exports: Record<string, unknown>;
}

let runs = 0;

/**
 * Evaluates the program afresh (infra/index.ts unless `program` names a test program that loads it) under fresh
 * mocks and config, and records what it registered. Any number of times per process, one at a time (mock state is
 * global): each call awaits its registrations before it returns.
 */
export async function captureProgram(opts: CaptureOptions): Promise<ProgramCapture> {
  const program = opts.program ?? PROGRAM;
  for (const file of new Set([program, PROGRAM])) delete require.cache[file];
  const url = `${pathToFileURL(program).href}?run=${++runs}`;
  const captured = await captureStack({ ...opts, program: url });
  let exports: Record<string, unknown> = {};
  if (captured.error === undefined) exports = (await import(url)) as Record<string, unknown>;
  return { ...captured, exports };
}

export interface CaptureOutcome {
  /** The message and name of the error the program threw while loading (a ConfigError), if it did. */
  error?: string;
  errorName?: string;
  /** How many resources it registered. */
  resources: number;
}

/** Captures each configuration in turn, each a fresh evaluation of the program, and says how each went. */
export async function captureOutcomes(
  cases: { stack: string; config: Record<string, string> }[],
): Promise<CaptureOutcome[]> {
  const outcomes: CaptureOutcome[] = [];
  for (const c of cases) {
    const captured = await captureProgram({ stack: c.stack, config: c.config });
    const error = captured.error as Error | undefined;
    outcomes.push({ error: error?.message, errorName: error?.name, resources: captured.resources.length });
  }
  return outcomes;
}

/** The network program (no ECS services, no delivery) for this stack and configuration. */
export function captureNetwork(
  stack: string,
  config: Record<string, string>,
  extra: Partial<CaptureOptions> = {},
): Promise<ProgramCapture> {
  return captureProgram({ stack, config, program: NETWORK_PROGRAM, ...extra });
}

/**
 * Runs `capture` with this process's unhandled rejections collected rather than reported, for `settleMs` after it
 * too (a refusal is logged from inside an apply, later than the capture returns).
 *
 * A registration the program refuses (a promotion refused, a rollout not verified, reviewers GitHub would not enforce)
 * rejects, and nothing in the program awaits it: that rejection is what the Pulumi engine reports as the failed
 * update, and what these tests assert. node:test fails the running test, or the file, on any unhandled rejection
 * (lib/internal/test_runner/harness.js in Node 22, `createProcessEventHandler('unhandledRejection', root)`), so its
 * listeners are set aside meanwhile and put back after; a rejection later than that still fails the file.
 */
export async function collectingRejections<T>(
  capture: () => Promise<T>,
  settleMs = 500,
): Promise<{ result: T; rejections: string[] }> {
  const rejections: string[] = [];
  const collect = (e: unknown) => void rejections.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  const runner = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", collect);
  try {
    const result = await capture();
    await new Promise((r) => setTimeout(r, settleMs));
    return { result, rejections };
  } finally {
    process.removeListener("unhandledRejection", collect);
    for (const listener of runner) process.on("unhandledRejection", listener);
  }
}
