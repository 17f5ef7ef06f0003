/**
 * Child process of rolloutRolledBack.test.ts: captures staging with the recorded DescribeServices answer per service
 * given as `service=fixture` arguments, in its own process. A failed verification rejects its registration and every
 * output derived from it; those rejections (what the engine reports as the failed update) are collected here, not
 * left unhandled in the test runner, and the outcome is printed as one `RESULT {...}` line.
 */
import { captureWithRollouts } from "./rolloutCapture";
import type { FixtureName } from "../ecs/describeServicesFixtures";

async function main() {
  const answers = Object.fromEntries(process.argv.slice(2).map((a) => a.split("=") as [string, FixtureName]));
  const r = await captureWithRollouts(answers);
  const result = {
    error: r.stack.error === undefined ? undefined : String(r.stack.error),
    outcomes: r.outcomes,
    verifications: r.verifications,
    rollouts: r.stack.resources
      .filter((x) => x.type.includes("RolloutVerification"))
      .map((x) => ({ name: x.name, inputs: { ...x.inputs, __provider: undefined } })),
    engineErrors: r.stack.errors,
  };
  await new Promise<void>((resolve) => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => resolve()));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
