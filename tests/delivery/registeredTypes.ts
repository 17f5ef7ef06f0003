/**
 * Not a test file: captures one stack under mocks in this fresh process (mock state is per process) and prints what
 * tests/delivery/deployPermissions.test.ts needs: the resource types and invoke tokens it registers, and the deploy
 * role's policies (inline, and the customer-managed ones attached to it).
 * Usage: node --import tsx tests/delivery/registeredTypes.ts <staging|prod|extreme:<index of tests/infra/extremeConfigs.ts>>
 */
import { captureStack, readStackConfig, type CapturedStack } from "../../offline/mockRuntime";
import { physicalName } from "../../offline/cloudLimits";
import { extremeCases } from "../infra/extremeConfigs";
import { prodConfig, SHA, stagingOutputs } from "./fixtures";

/** An extreme configuration, captured as tests/infra/cloudLimitsChild.ts does (its zones, a stand-in source stack). */
function captureExtreme(index: number): Promise<CapturedStack> {
  const c = extremeCases()[index];
  if (!c) throw new Error(`no extreme case ${index}`);
  const region = c.config["aws:region"] ?? "eu-west-1";
  const standIn = {
    sourceSha: c.config["berth:imageSha"],
    imageDigest: `sha256:${"ab".repeat(32)}`,
    ranDigests: [`sha256:${"ab".repeat(32)}`],
  };
  return captureStack({
    stack: c.stack,
    config: c.config,
    secretKeys: c.secretKeys,
    stackOutputs: new Proxy(
      {},
      {
        get: (_, name) =>
          String(name).endsWith(`/${c.stack}`) ? undefined : (c.stackOutputs?.[String(name)] ?? standIn),
      },
    ) as Record<string, Record<string, unknown>>,
    invokes: {
      "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        names: Array.from({ length: c.zones }, (_, z) => `${region}${String.fromCharCode(97 + z)}`),
        zoneIds: Array.from({ length: c.zones }, (_, z) => `az${z + 1}`),
        id: region,
      }),
    },
  });
}

(async () => {
  const stack = process.argv[2] ?? "";
  const c = stack.startsWith("extreme:")
    ? await captureExtreme(Number(stack.slice("extreme:".length)))
    : stack === "prod"
      ? await captureStack({ stack, config: prodConfig(), stackOutputs: stagingOutputs() })
      : await captureStack({ stack: "staging", config: { ...readStackConfig("staging"), "berth:imageSha": SHA } });
  const deployRole = c.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "delivery-deploy");
  const onDeployRole = (type: string) =>
    c.resources.filter((r) => r.type === type && deployRole !== undefined && r.inputs.role === deployRole.state.name);
  const attachedArns = onDeployRole("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) =>
    String(r.inputs.policyArn),
  );
  // Every role the program hands to an AWS service, with the ARN IAM will see (an auto-named role gets Pulumi's
  // `-` + 7 random characters, which the mocks leave out: cloudLimits.physicalName adds them).
  const roles = c.resources.filter((r) => r.type === "aws:iam/role:Role");
  const realArn = (arn: unknown) => {
    const role = roles.find((r) => r.state.arn === arn);
    if (!role) return `unknown role ${String(arn)}`;
    return String(role.state.arn).replace(/role\/.*$/, `role/${physicalName(role)!.name}`);
  };
  const passedRoles = [
    ...c.resources
      .filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")
      .flatMap((r) =>
        [r.inputs.executionRoleArn, r.inputs.taskRoleArn]
          .filter(Boolean)
          .map((arn) => ({ service: "ecs-tasks.amazonaws.com", by: `${r.type} ${r.name}`, arn: realArn(arn) })),
      ),
    ...c.resources
      .filter((r) => r.type === "aws:ecs/service:Service")
      .flatMap((r) =>
        ((r.inputs.loadBalancers ?? []) as any[])
          .filter((lb) => lb.advancedConfiguration?.roleArn)
          .map((lb) => ({
            service: "ecs.amazonaws.com",
            by: `${r.type} ${r.name}`,
            arn: realArn(lb.advancedConfiguration.roleArn),
          })),
      ),
    ...c.resources
      .filter((r) => r.type === "aws:ec2/flowLog:FlowLog" && r.inputs.iamRoleArn)
      .map((r) => ({
        service: "vpc-flow-logs.amazonaws.com",
        by: `${r.type} ${r.name}`,
        arn: realArn(r.inputs.iamRoleArn),
      })),
  ];
  const result = {
    passedRoles,
    title: stack.startsWith("extreme:") ? extremeCases()[Number(stack.slice("extreme:".length))]!.title : stack,
    error: c.error === undefined ? undefined : String(c.error),
    types: [...new Set(c.resources.filter((r) => r.custom).map((r) => r.type))].sort(),
    invokes: [...new Set(c.invokes.map((i) => i.token))].sort(),
    deployRoleName: deployRole?.inputs.name,
    deployPolicies: onDeployRole("aws:iam/rolePolicy:RolePolicy").map((r) => String(r.inputs.policy)),
    deployAttachments: attachedArns,
    /** The customer-managed policies of the stack that are attached to the deploy role, by ARN. */
    deployManagedPolicies: c.resources
      .filter((r) => r.type === "aws:iam/policy:Policy" && attachedArns.includes(String(r.state.arn)))
      .map((r) => ({ arn: String(r.state.arn), name: String(r.inputs.name), policy: String(r.inputs.policy) })),
  };
  process.stdout.write(`REGISTERED ${JSON.stringify(result)}\n`);
})();
