/**
 * Child process of githubPlan.test.ts: captures the prod stack (required reviewers: one team) with the GitHub data
 * sources answering `visibility` and `plan` (argv: `<visibility> <plan|->`; `-`: getOrganization fails as for a user
 * account). A refused plan rejects the environment's registration; those rejections are collected here, not left
 * unhandled in the runner, and the outcome is printed as one `RESULT {...}` line. Not a test file.
 */
import * as path from "node:path";
import { captureStack } from "../../offline/mockRuntime";
import { prodConfig, stagingOutputs } from "./fixtures";

async function main() {
  const [visibility, plan] = process.argv.slice(2);
  const program = path.join(__dirname, "promotionProgram.ts");
  const c = await captureStack({
    stack: "prod",
    config: prodConfig(),
    stackOutputs: stagingOutputs(),
    program,
    invokes: {
      "github:index/getRepository:getRepository": (inputs) => ({
        fullName: inputs.fullName,
        name: String(inputs.fullName).split("/")[1],
        visibility,
        id: "r",
      }),
      "github:index/getOrganization:getOrganization": (inputs) => {
        if (plan === "-") throw new Error(`GET https://api.github.com/orgs/${inputs.name}: 404 Not Found []`);
        return { name: inputs.name, login: inputs.name, plan, id: "o" };
      },
    },
  });
  await new Promise((r) => setTimeout(r, 300));
  const { rejections } = (await import(program)) as { rejections: string[] };
  const result = {
    error: c.error === undefined ? undefined : String(c.error),
    resources: c.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
    invokes: c.invokes.filter((i) => i.token.startsWith("github:")),
    rejections,
    engineErrors: c.errors,
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
