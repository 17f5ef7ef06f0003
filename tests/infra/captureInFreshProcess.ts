/**
 * Child process of fixtures.captureInFreshProcess: reads `[{stack, config}, ...]` on stdin, runs the whole program
 * under mocks for each (re-executing infra/index.ts each time, with fresh mocks and config), and prints one
 * `CAPTURE [...]` line. Its own process, so the test runner's mock state is never touched.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { captureStack, REPO_ROOT } from "../../offline/mockRuntime";

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const cases = JSON.parse(input) as { stack: string; config: Record<string, string> }[];
  const index = path.join(REPO_ROOT, "infra", "index.ts");
  const results = [];
  for (const [i, c] of cases.entries()) {
    // A fresh evaluation of the program: drop the cached module, import it under a new URL.
    for (const key of Object.keys(require.cache)) if (key === index) delete require.cache[key];
    const captured = await captureStack({
      stack: c.stack,
      config: c.config,
      program: `${pathToFileURL(index).href}?case=${i}`,
    });
    const error = captured.error as Error | undefined;
    results.push({ error: error?.message, errorName: error?.name, resources: captured.resources.length });
  }
  process.stdout.write(`CAPTURE ${JSON.stringify(results)}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
