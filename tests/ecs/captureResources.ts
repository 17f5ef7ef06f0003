// Prints the resources a stack registers under mocks, as JSON on stdout: run in its own process (mock state is
// global to a process) by serviceRemoval.test.ts. Usage: node --import tsx tests/ecs/captureResources.ts <stack> [<service to drop>]
import { captureStack } from "../../offline/mockRuntime";
import { stackConfig } from "../support";

async function main() {
  const [stack, drop] = process.argv.slice(2) as ["staging" | "prod", string | undefined];
  const config = stackConfig(stack, (services) => {
    if (drop) delete services[drop];
  });
  const captured = await captureStack({ stack, config });
  if (captured.error) throw captured.error;
  process.stdout.write(
    JSON.stringify(
      captured.resources.map((r) => ({
        type: r.type,
        name: r.name,
        inputs: r.inputs,
        parentUrn: r.parentUrn,
        urn: r.urn,
      })),
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
