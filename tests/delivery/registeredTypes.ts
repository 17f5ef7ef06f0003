/**
 * Not a test file: captures one stack under mocks in this fresh process (mock state is per process) and prints what
 * tests/delivery/deployPermissions.test.ts needs: the resource types and invoke tokens it registers, and the deploy
 * role's inline policies. Usage: node --import tsx tests/delivery/registeredTypes.ts <staging|prod>
 */
import { captureStack, readStackConfig } from "../../infra/offline/mockRuntime";
import { prodConfig, SHA, stagingOutputs } from "./fixtures";

(async () => {
  const stack = process.argv[2];
  const c =
    stack === "prod"
      ? await captureStack({ stack, config: prodConfig(), stackOutputs: stagingOutputs() })
      : await captureStack({ stack: "staging", config: { ...readStackConfig("staging"), "berth:imageSha": SHA } });
  const deployRole = c.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "delivery-deploy");
  const result = {
    error: c.error === undefined ? undefined : String(c.error),
    types: [...new Set(c.resources.filter((r) => r.custom).map((r) => r.type))].sort(),
    invokes: [...new Set(c.invokes.map((i) => i.token))].sort(),
    deployRoleName: deployRole?.inputs.name,
    deployPolicies: c.resources
      .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === deployRole?.state.name)
      .map((r) => String(r.inputs.policy)),
    deployAttachments: c.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.inputs.role === deployRole?.state.name).length,
  };
  process.stdout.write(`REGISTERED ${JSON.stringify(result)}\n`);
})();
