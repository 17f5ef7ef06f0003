/**
 * Not a test file: captures one stack under mocks (a fresh evaluation of the program: tests/support captureProgram)
 * and returns what tests/delivery/deployPermissions.test.ts needs: the resource types and invoke tokens it registers,
 * and the deploy role's policies (inline, and the customer-managed ones attached to it).
 */
import type { CapturedStack } from "../../offline/mockRuntime";
import { physicalName } from "../../offline/cloudLimits";
import { extremeCases } from "../support/extremeConfigs";
import {
  availabilityZones,
  captureProgram,
  prodConfig,
  stackConfig,
  stagingOutputs,
  standInStackOutputs,
} from "../support";

export interface Registered {
  title: string;
  error?: string;
  types: string[];
  invokes: string[];
  deployRoleName: string;
  deployPolicies: string[];
  deployAttachments: string[];
  deployManagedPolicies: { arn: string; name: string; policy: string }[];
  passedRoles: { service: string; by: string; arn: string }[];
}

/** An extreme configuration, captured as tests/offline/cloudLimitsStacks.test.ts does (its zones, a stand-in source stack). */
function captureExtreme(index: number): Promise<CapturedStack> {
  const c = extremeCases()[index];
  if (!c) throw new Error(`no extreme case ${index}`);
  return captureProgram({
    stack: c.stack,
    config: c.config,
    secretKeys: c.secretKeys,
    stackOutputs: standInStackOutputs(c.stack, c.config, c.stackOutputs),
    invokes: availabilityZones(c.config, c.zones),
  });
}

/** The whole capture of `staging`, `prod`, or `extreme:<index of tests/support/extremeConfigs.ts>`. */
export async function captured(stack: string): Promise<CapturedStack> {
  return stack.startsWith("extreme:")
    ? await captureExtreme(Number(stack.slice("extreme:".length)))
    : stack === "prod"
      ? await captureProgram({ stack, config: prodConfig(), stackOutputs: stagingOutputs() })
      : await captureProgram({ stack: "staging", config: stackConfig("staging") });
}

/** The title of a capture: the stack, or the extreme configuration's title. */
export function titleOf(stack: string): string {
  return stack.startsWith("extreme:") ? extremeCases()[Number(stack.slice("extreme:".length))]!.title : stack;
}

/** `staging`, `prod`, or `extreme:<index of tests/support/extremeConfigs.ts>`. */
export async function registered(stack: string): Promise<Registered> {
  const c = await captured(stack);
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
  return {
    passedRoles,
    title: titleOf(stack),
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
}
