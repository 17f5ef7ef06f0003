/**
 * Child process of promotionRefused.test.ts: captures the prod stack with a refused promotion in its own process.
 * The refused digest rejects the registration of every resource that would run it; those rejections are what the
 * Pulumi engine reports as the failed update. Here they are collected (not left unhandled in the test runner) and
 * printed with the outcome as one `RESULT {...}` line.
 */
import * as path from "node:path";
import { captureStack } from "../../offline/mockRuntime";
import {
  ecrGetImage,
  OLDER_DIGEST,
  prodConfig,
  STAGING_DIGEST,
  STAGING_STACK,
  stagingOutputs,
  UNRUN_DIGEST,
} from "./fixtures";

async function main() {
  const program = path.join(__dirname, "promotionProgram.ts");
  // Default: a berth:promotion.digest pin staging has not run. `deploySha`: a berth:deploySha rollback whose digest is
  // not in staging's ranDigests history (staging ran two digests, neither of them).
  const rollback = process.argv[2] === "deploySha";
  const c = await captureStack({
    stack: "prod",
    config: rollback
      ? prodConfig({ "berth:deploySha": "c".repeat(40) })
      : prodConfig({ "berth:promotion": { fromStack: STAGING_STACK, digest: UNRUN_DIGEST } }),
    stackOutputs: rollback ? stagingOutputs([STAGING_DIGEST, OLDER_DIGEST]) : stagingOutputs(),
    invokes: ecrGetImage([{ sha: "c".repeat(40), digest: UNRUN_DIGEST }]),
    program,
  });
  // The refusal is logged from inside an apply: give it time to reach c.errors.
  await new Promise((r) => setTimeout(r, 500));
  const { rejections } = (await import(program)) as { rejections: string[] };
  const result = {
    error: c.error === undefined ? undefined : String(c.error),
    outputs: { digest: c.outputs.digest, digestRef: c.outputs.digestRef, sourceSha: c.outputs.sourceSha },
    resources: c.resources.map((r) => ({ type: r.type, name: r.name, inputs: JSON.stringify(r.inputs) })),
    rejections,
    engineErrors: c.errors,
  };
  // Exit only once the pipe has taken the whole line.
  await new Promise<void>((resolve) => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => resolve()));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
