/**
 * Components constructed directly, several in one process, under `pulumi.runtime.setMocks` (as pulumi-awsx tests its
 * components, e.g. pulumi/pulumi-awsx awsx/ec2/vpc.test.ts): each `construct` starts a fresh mock monitor, so what it
 * holds afterwards is exactly what that one construction registered. Not a test file.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

export const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
export const EXISTING_VPC_CIDR = "10.20.0.0/16";
export const ELB_ACCOUNT_ARN = "arn:aws:iam::156460612806:root";

export interface Child {
  type: string;
  name: string;
  urn: string;
  /** What the mock returned: the inputs, plus the synthesised `arn`, `arnSuffix`, `name`, `dnsName`, `repoDigest` and `imageId`. */
  state: Record<string, any>;
}

const INVOKES: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({ names: ZONES, zoneIds: ZONES }),
  "aws:ec2/getVpc:getVpc": (inputs) => ({ id: inputs.id, cidrBlock: EXISTING_VPC_CIDR }),
  "aws:elb/getServiceAccount:getServiceAccount": () => ({ arn: ELB_ACCOUNT_ARN, id: "156460612806" }),
};

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const state: Record<string, any> = {
      arn: `arn:aws:mock:eu-west-1:111111111111:${args.name}`,
      arnSuffix: `mock/${args.name}`,
      name: `${args.name}-physical`,
      dnsName: `${args.name}.mock.elb.amazonaws.com`,
      repoDigest: `mock/${args.name}@sha256:${"cd".repeat(32)}`,
      imageId: `sha256:${"ef".repeat(32)}`,
      ...args.inputs,
    };
    return { id: `${args.name}-id`, state };
  },
  call(args) {
    const answer = INVOKES[args.token];
    if (!answer) throw new Error(`unexpected invoke ${args.token}`);
    return answer(args.inputs);
  },
};

/** The URN's type path: `<parent type>$<type>` for a child (the mock monitor's `newUrn`, @pulumi/pulumi runtime/mocks.js). */
const typePath = (urn: string) => urn.split("::")[2]!;

/**
 * Constructs one component under fresh mocks and returns it with its direct children (type, logical name, state).
 * `stack` is what `pulumi.getStack()` answers during the construction.
 */
export async function construct<T extends pulumi.ComponentResource>(
  make: () => T,
  stack = "staging",
): Promise<{ component: T; children: Child[] }> {
  await pulumi.runtime.setMocks(mocks, "berth", stack, false);
  const component = make();
  const urn = await new Promise<string>((resolve) => component.urn.apply(resolve));
  // Every registration of the construction has reached the monitor (@pulumi/pulumi runtime/settings.js, @internal).
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const prefix = `${typePath(urn)}$`;
  const children = [...monitor.getRegisteredResources().values()]
    .filter((r) => typePath(r.urn).startsWith(prefix) && !typePath(r.urn).slice(prefix.length).includes("$"))
    .map((r) => ({
      type: typePath(r.urn).slice(prefix.length),
      name: r.urn.split("::")[3]!,
      urn: r.urn,
      state: r.state as Record<string, any>,
    }));
  return { component, children };
}

/** `<type> <name>` of every child, sorted: the whole set a component registers. */
export function childList(children: Child[]): string[] {
  return children.map((c) => `${c.type} ${c.name}`).sort();
}

export function childOf(children: Child[], type: string, name: string): Child {
  const found = children.filter((c) => c.type === type && c.name === name);
  if (found.length !== 1)
    throw new Error(`expected one ${type} ${name}, found ${found.length}: ${childList(children).join(", ")}`);
  return found[0]!;
}

export function childrenOfType(children: Child[], type: string): Child[] {
  return children.filter((c) => c.type === type);
}
