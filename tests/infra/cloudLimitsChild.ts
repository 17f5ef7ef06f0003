/**
 * Child process of cloudLimitsStacks.test.ts (not a test file): reads `[{stack, config, zones?, stackOutputs?}, ...]` on
 * stdin, runs the whole program under mocks for each (a fresh evaluation of infra/index.ts each time), runs the cloud
 * limit checks on what it registered and prints one `LIMITS [...]` line. Its own process: mock state is global.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { captureStack, REPO_ROOT } from "../../offline/mockRuntime";
import { checkCloudLimits } from "../../offline/cloudLimits";

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const cases = JSON.parse(input) as {
    stack: string;
    config: Record<string, string>;
    zones?: number;
    secretKeys?: string[];
    stackOutputs?: Record<string, Record<string, unknown>>;
  }[];
  const index = path.join(REPO_ROOT, "infra", "index.ts");
  const results = [];
  for (const [i, c] of cases.entries()) {
    for (const key of Object.keys(require.cache)) if (key === index) delete require.cache[key];
    const region = c.config["aws:region"] ?? "eu-west-1";
    const zones = c.zones ?? 3;
    const standIn = {
      sourceSha: c.config["berth:imageSha"],
      imageDigest: `sha256:${"ab".repeat(32)}`,
      ranDigests: [`sha256:${"ab".repeat(32)}`],
    };
    const captured = await captureStack({
      stack: c.stack,
      config: c.config,
      secretKeys: c.secretKeys,
      program: `${pathToFileURL(index).href}?case=${i}`,
      // Any other stack read through a StackReference runs a stand-in digest; a stack's reference to itself sees none.
      stackOutputs: new Proxy(
        {},
        {
          get: (_, name) =>
            String(name).endsWith(`/${c.stack}`) ? undefined : (c.stackOutputs?.[String(name)] ?? standIn),
        },
      ) as Record<string, Record<string, unknown>>,
      invokes: {
        "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
          names: Array.from({ length: zones }, (_, z) => `${region}${String.fromCharCode(97 + z)}`),
          zoneIds: Array.from({ length: zones }, (_, z) => `az${z + 1}`),
          id: region,
        }),
      },
    });
    const error = captured.error as Error | undefined;
    const limits = checkCloudLimits(captured.resources);
    results.push({ stack: c.stack, error: error?.message, resources: captured.resources.length, ...limits });
  }
  process.stdout.write(`LIMITS ${JSON.stringify(results)}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
