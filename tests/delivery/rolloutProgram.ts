/**
 * Test program for the verified rollout: loads the real Berth program (infra/index.ts) and exports the outcome of each
 * stack output, so an output that never resolves because a verification failed is observed as `{ rejected }` instead
 * of hanging. Not a test file.
 */
import * as pulumi from "@pulumi/pulumi";

export const rejections: string[] = [];
process.on("unhandledRejection", (e) => {
  rejections.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = require("../../infra/index") as Record<string, unknown>;

function outcomeOf(o: unknown): Promise<{ value?: unknown; rejected?: string }> {
  return (pulumi.output(o as pulumi.Input<unknown>) as any).promise().then(
    (value: unknown) => ({ value }),
    (e: unknown) => ({ rejected: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
}

export const outcomes = Object.fromEntries(Object.entries(program).map(([k, v]) => [k, outcomeOf(v)]));
