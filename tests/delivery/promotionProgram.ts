/**
 * Test program for the promotion refusal: loads the real Berth program (infra/index.ts) and exports only the outcome
 * of the release digest, so a refused promotion is observed as `{ refused: message }` instead of hanging on a
 * rejected output. Rejections of the resources that consume the refused digest are recorded, not left unhandled.
 */
import * as pulumi from "@pulumi/pulumi";

export const rejections: string[] = [];
process.on("unhandledRejection", (e) => {
  rejections.push(String(e));
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = require("../../infra/index") as Record<string, pulumi.Output<unknown>>;

function outcomeOf(o: pulumi.Output<unknown>): Promise<{ value?: unknown; refused?: string }> {
  return (o as any).promise().then(
    (value: unknown) => ({ value }),
    (e: unknown) => ({ refused: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
}

export const digest = outcomeOf(program.imageDigest);
export const digestRef = outcomeOf(program.imageDigestRef);
export const sourceSha = outcomeOf(program.sourceSha);
