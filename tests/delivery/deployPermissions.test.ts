/**
 * The deploy role (the CI role that runs `pulumi up`) can create, read, update and delete every AWS resource the
 * staging and prod programs register, and every resource the configurations at their extremes register
 * (tests/support/extremeConfigs.ts: every optional feature on), because its policies are rendered from one table
 * (infra/delivery/deployPermissions.ts) that covers every registered type, and grant nothing the table does not list. The
 * policies fit IAM's quotas. The table grants every call the provider's own source makes for each registered AWS type
 * (offline/providerSource/aws, derived from terraform-provider-aws): a provider upgrade is one regeneration of those
 * facts, and the failing test names the actions to add.
 *
 * Each program is captured under mocks in turn, a fresh evaluation each (tests/delivery/registeredTypes.ts).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import {
  actionsOf,
  DEPLOY_PERMISSIONS,
  INVOKE_PERMISSIONS,
  type ResourcePermissions,
} from "../../infra/delivery/deployPermissions";
import { PREVIEW_DENIED_ACTIONS } from "../../infra/delivery";
import { factsOf, PROVIDER_FACTS, type ResourceCalls } from "../../offline/providerSource";
import {
  DEPLOY_POLICY_GROUPS,
  deployManagedPolicyArns,
  deployManagedPolicyName,
  passedRoleArns,
  renderDeployPolicies,
  stackBucketArns,
  stackRolePrefix,
} from "../../infra/delivery";
import { roleBoundaryArn } from "../../infra/delivery/roleBoundary";
import { policySize } from "../../offline/cloudLimits";
import { extremeCases } from "../support/extremeConfigs";
import { registered as capture, type Registered } from "./registeredTypes";

/** One stack's registrations; fails on a program that did not load. */
async function registered(which: string): Promise<Registered> {
  const r = await capture(which);
  if (r.error !== undefined) throw new Error(`${which}: ${r.error}`);
  return r;
}

const stacks: Record<string, Registered> = {};
/** Staging and prod as committed, and each configuration at its extremes. */
const captures: Record<string, Registered> = {};
before(async () => {
  const extremes = extremeCases().map((_, i) => `extreme:${i}`);
  // One at a time (mock state is global to the process): each capture is a whole program under mocks.
  for (const which of ["staging", "prod", ...extremes]) captures[which] = await registered(which);
  stacks.staging = captures.staging!;
  stacks.prod = captures.prod!;
});

/** The types the deploy role acts on: AWS resources, the image build that pushes to ECR, Berth's dynamic resources. */
const needsAws = (type: string) =>
  type.startsWith("aws:") || type === "docker-build:index:Image" || type.startsWith("pulumi-nodejs:dynamic/");
const actionsOfStatement = (s: any): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** Every action the table gives, for the building stack (with pushes) or a promoting one. */
function tableActions(pushesImages: boolean): string[] {
  const all = new Set<string>();
  for (const p of Object.values(DEPLOY_PERMISSIONS))
    if (pushesImages || !p.pushOnly) for (const a of actionsOf(p)) all.add(a);
  for (const i of Object.values(INVOKE_PERMISSIONS)) for (const a of i.actions) all.add(a);
  return [...all].sort();
}
const documentsOf = (r: Registered) =>
  [...r.deployPolicies, ...r.deployManagedPolicies.map((m) => m.policy)].map((p) => JSON.parse(p));
const allowedActions = (r: Registered) =>
  [
    ...new Set(
      documentsOf(r)
        .flatMap((d) => d.Statement)
        .filter((s: any) => s.Effect === "Allow")
        .flatMap(actionsOfStatement),
    ),
  ].sort();

/** Coverage of one capture: the registered types and AWS functions missing from the table. */
function missingFromTable(r: Registered): { types: string[]; invokes: string[] } {
  return {
    types: r.types.filter(needsAws).filter((t) => !(t in DEPLOY_PERMISSIONS)),
    invokes: r.invokes.filter((t) => t.startsWith("aws:")).filter((t) => !(t in INVOKE_PERMISSIONS)),
  };
}

test("every AWS resource type and AWS function the staging and prod programs register is in the permission table", () => {
  for (const [stack, r] of Object.entries(stacks)) {
    assert.deepEqual(
      missingFromTable(r),
      { types: [], invokes: [] },
      `${stack} registers types or calls AWS functions the deploy role has no permissions for`,
    );
  }
});

test("every AWS resource type and AWS function the extreme configurations register (every optional feature on) is in the permission table", () => {
  const extremes = Object.entries(captures).filter(([k]) => k.startsWith("extreme:"));
  assert.equal(extremes.length, extremeCases().length);
  for (const [, r] of extremes) {
    assert.deepEqual(
      missingFromTable(r),
      { types: [], invokes: [] },
      `${r.title}: registers types or calls AWS functions the deploy role has no permissions for`,
    );
    // The deploy role of an extreme configuration is rendered from the same table.
    assert.deepEqual(
      allowedActions(r),
      [
        ...new Set([...tableActions(!r.title.startsWith("prod")), "iam:PassRole", "iam:CreateServiceLinkedRole"]),
      ].sort(),
      r.title,
    );
  }
});

test("the table holds no type that no configuration registers (no permission for a resource Berth does not own)", () => {
  const used = new Set(Object.values(captures).flatMap((r) => r.types));
  const usedInvokes = new Set(Object.values(captures).flatMap((r) => r.invokes));
  assert.deepEqual(
    Object.keys(DEPLOY_PERMISSIONS).filter((t) => !used.has(t)),
    [],
  );
  assert.deepEqual(
    Object.keys(INVOKE_PERMISSIONS).filter((t) => !usedInvokes.has(t)),
    [],
  );
});

test("the registered deploy policies allow exactly the table's actions (plus PassRole and service-linked roles, held by conditions); the denies are inline", () => {
  for (const [stack, r] of Object.entries(stacks)) {
    assert.equal(r.deployPolicies.length, 1, `${stack}: one inline policy on the deploy role`);
    const inline = JSON.parse(r.deployPolicies[0]!);
    assert.deepEqual(
      inline.Statement.map((s: any) => [s.Sid, s.Effect]),
      [
        ["NeverModifyDeliveryIdentity", "Deny"],
        ["NoLongLivedCredentials", "Deny"],
        ["NoAdministratorPolicies", "Deny"],
        ["OnlyBoundedRoles", "Deny"],
        ["NeverRemoveBoundaries", "Deny"],
        ["NoForeignKeysOfOtherProjects", "Deny"],
        ["NoForeignKeysOfOtherStacks", "Deny"],
      ],
      `${stack}: the inline policy holds the denies`,
    );
    // One customer-managed policy per group of services, named after the deploy role, each attached to it.
    assert.deepEqual(
      r.deployManagedPolicies.map((m) => m.name).sort(),
      Object.keys(DEPLOY_POLICY_GROUPS)
        .map((g) => deployManagedPolicyName(r.deployRoleName, g as never))
        .sort(),
      stack,
    );
    assert.deepEqual(
      [...r.deployAttachments].sort(),
      r.deployManagedPolicies.map((m) => m.arn).sort(),
      `${stack}: the deploy role's attachments are exactly its managed policies`,
    );
    const expected = [
      ...new Set([...tableActions(stack === "staging"), "iam:PassRole", "iam:CreateServiceLinkedRole"]),
    ].sort();
    assert.deepEqual(allowedActions(r), expected, stack);
    for (const m of r.deployManagedPolicies) {
      const doc = JSON.parse(m.policy);
      assert.deepEqual(
        doc.Statement.filter((s: any) => s.Effect !== "Allow"),
        [],
        `${m.name}: allows only`,
      );
      const group = m.name.slice(r.deployRoleName.length + 1) as keyof typeof DEPLOY_POLICY_GROUPS;
      const services = new Set(doc.Statement.flatMap(actionsOfStatement).map((a: string) => a.split(":")[0]));
      assert.deepEqual(
        [...services].filter((s) => !(DEPLOY_POLICY_GROUPS[group] as readonly string[]).includes(s as string)),
        [],
        `${m.name}: only ${DEPLOY_POLICY_GROUPS[group].join(", ")} actions`,
      );
    }
  }
});

test("re-applying what the program owns: Inspector for enhanced scanning, the flow-logs role, KMS key descriptions", () => {
  const docs = documentsOf(stacks.staging!);
  const statements = docs.flatMap((d) => d.Statement);
  const allowed = new Set(allowedActions(stacks.staging!));
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html
  for (const a of [
    "inspector2:Enable",
    "inspector2:Disable",
    "inspector2:ListFindings",
    "inspector2:ListAccountPermissions",
    "inspector2:ListCoverage",
  ])
    assert.ok(allowed.has(a), a);
  const slr = statements.find((s: any) => s.Sid === "ServiceLinkedRoles");
  assert.ok(slr.Condition.StringEquals["iam:AWSServiceName"].includes("inspector2.amazonaws.com"));
  // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html: the user creating a flow log passes its role.
  const pass = statements.filter((s: any) => s.Effect === "Allow" && actionsOfStatement(s).includes("iam:PassRole"));
  assert.ok(
    pass.some((s: any) => s.Condition?.StringEquals?.["iam:PassedToService"] === "vpc-flow-logs.amazonaws.com"),
    "PassRole to VPC flow logs",
  );
  // A change of a key's description is an UpdateKeyDescription call (KMS API reference).
  assert.ok(allowed.has("kms:UpdateKeyDescription"));
});

/** IAM's wildcard match of a Resource element: `*` any run of characters, `?` one character (IAM JSON policy reference, "Resource"). */
const iamMatches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(arn);

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html: passing a role to a service needs
// iam:PassRole on the role; iam:PassedToService names the service that receives it.
test("every role the programs pass is allowed by the PassRole statement of the service that receives it, and by no other", () => {
  const seen = new Set<string>();
  for (const [which, r] of Object.entries(captures)) {
    const pass = documentsOf(r)
      .flatMap((d) => d.Statement)
      .filter((s: any) => s.Effect === "Allow" && actionsOfStatement(s).includes("iam:PassRole"));
    for (const p of r.passedRoles) {
      seen.add(p.service);
      const allowing = pass.filter((s: any) => [s.Resource].flat().some((res: string) => iamMatches(res, p.arn)));
      assert.deepEqual(
        allowing.map((s: any) => s.Condition.StringEquals["iam:PassedToService"]),
        [p.service],
        `${which}: ${p.by} passes ${p.arn} to ${p.service}`,
      );
    }
  }
  assert.deepEqual(
    [...seen].sort(),
    ["ecs-tasks.amazonaws.com", "ecs.amazonaws.com", "vpc-flow-logs.amazonaws.com"],
    "each PassRole statement is exercised by a registered resource",
  );
});

/**
 * IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): the inline policies of a
 * role total at most 10,240 characters, a managed policy at most 6,144, a role has at most 10 managed policies
 * attached (default quota); IAM does not count whitespace.
 */
const INLINE_ROLE_POLICIES_MAX = 10_240;
const MANAGED_POLICY_MAX = 6_144;
const MANAGED_POLICIES_PER_ROLE = 10;

function assertWithinQuotas(what: string, inline: unknown[], managed: unknown[]) {
  const inlineTotal = inline.reduce<number>((n, p) => n + policySize(p), 0);
  assert.ok(
    inlineTotal <= INLINE_ROLE_POLICIES_MAX,
    `${what}: inline policies ${inlineTotal} characters > ${INLINE_ROLE_POLICIES_MAX}`,
  );
  for (const [i, p] of managed.entries()) {
    const size = policySize(p);
    assert.ok(size <= MANAGED_POLICY_MAX, `${what}: managed policy ${i} is ${size} characters > ${MANAGED_POLICY_MAX}`);
  }
  assert.ok(
    managed.length <= MANAGED_POLICIES_PER_ROLE,
    `${what}: ${managed.length} managed policies attached > ${MANAGED_POLICIES_PER_ROLE}`,
  );
}

test("IAM size: every deploy-role document fits its quota (inline 10,240 in aggregate, each managed 6,144, at most 10 attached), as registered, at the extremes and at the longest names", () => {
  for (const [which, r] of Object.entries(captures)) {
    assertWithinQuotas(
      which,
      r.deployPolicies,
      r.deployManagedPolicies.map((m) => m.policy),
    );
    assert.equal(
      r.deployAttachments.length,
      r.deployManagedPolicies.length,
      `${which}: no other policy attached to the deploy role`,
    );
  }
  // The longest inputs the settings allow: a 63-character image name (two repositories), a long region and stack name.
  const name = "a".repeat(63);
  const account = "111111111111";
  const deploy = "berth-staging-eu-wst-1-github-deploy";
  const worst = renderDeployPolicies({
    accountId: account,
    region: "ap-southeast-5",
    ecrRepositoryArns: [
      `arn:aws:ecr:ap-southeast-5:${account}:repository/${name}`,
      `arn:aws:ecr:ap-southeast-5:${account}:repository/buildcache/${name}`,
    ],
    pushesImages: true,
    protectedArns: [
      `arn:aws:iam::${account}:role/${deploy}`,
      `arn:aws:iam::${account}:role/berth-staging-eu-wst-1-github-preview`,
      `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
      deployManagedPolicyArns(account, deploy),
      roleBoundaryArn(account, { project: "berth", stack: "staging-eu-wst-1" }),
    ],
    passedRoleArns: passedRoleArns({ project: "berth", stack: "staging-eu-wst-1" }, account),
    rolePrefix: stackRolePrefix({ project: "berth", stack: "staging-eu-wst-1" }),
    boundaryArn: roleBoundaryArn(account, { project: "berth", stack: "staging-eu-wst-1" }),
    bucketArns: stackBucketArns(),
    keyTags: { project: "berth", stack: "staging-eu-wst-1" },
  });
  assertWithinQuotas(
    "worst case",
    [worst.inline],
    worst.managed.map((m) => m.document),
  );
  // Headroom: the largest document stays under half its quota, so the table can grow.
  const largest = Math.max(...worst.managed.map((m) => policySize(m.document)));
  assert.ok(largest <= MANAGED_POLICY_MAX / 2, `worst case: the largest managed policy is ${largest} characters`);
});

// --- The provider's own calls (offline/providerSource) against the table ------------------------------------------

/** Every AWS resource type any capture registers. */
const registeredAwsTypes = () =>
  [...new Set(Object.values(captures).flatMap((r) => r.types))].filter((t) => t.startsWith("aws:")).sort();

const OPERATIONS = ["create", "read", "update", "delete"] as const;

/**
 * The derived calls of one type that the table does not grant for their operation. Read runs on refresh and after
 * every create and update (facts.ts), and the role holds the reads whatever it does, so a create, update or delete call
 * is granted by that operation's actions or by the reads; a read call only by the reads. A type of the delivery
 * identity (`adminOnly`) is written from a laptop: only its reads are granted, its writes are denied on purpose.
 */
function ungranted(calls: ResourceCalls, p: ResourcePermissions): Partial<Record<keyof ResourceCalls, string[]>> {
  const missing: Partial<Record<keyof ResourceCalls, string[]>> = {};
  for (const op of OPERATIONS) {
    if (p.adminOnly && op !== "read") continue;
    const granted = new Set(op === "read" ? p.read : [...p[op], ...p.read]);
    const absent = calls[op].filter((a) => !granted.has(a));
    if (absent.length) missing[op] = absent;
  }
  return missing;
}

// Expected to fail, listing them, until the facts of every provider module Berth uses are derived (the ecs, lb,
// ec2, cloudwatch, appautoscaling and sns modules are derived in parallel and merged by the lead).
test("every AWS resource type the programs register has the provider's calls derived (offline/providerSource/aws)", () => {
  assert.deepEqual(
    registeredAwsTypes().filter((t) => !factsOf(t)?.calls),
    [],
    "types without derived calls: derive them from terraform-provider-aws (offline/providerSource/facts.ts)",
  );
});

test("every call the provider makes for a registered AWS type is granted to the deploy role for its operation", () => {
  const missing: Record<string, Partial<Record<keyof ResourceCalls, string[]>>> = {};
  for (const type of registeredAwsTypes()) {
    const calls = factsOf(type)?.calls;
    if (!calls) continue;
    const p = DEPLOY_PERMISSIONS[type];
    assert.ok(p, `${type} is in the table`);
    const m = ungranted(calls, p);
    if (Object.keys(m).length) missing[type] = m;
  }
  assert.deepEqual(missing, {}, "add these actions to infra/delivery/deployPermissions.ts");
});

test("the preview role is denied none of the reads the provider makes (a preview refreshes like a deploy)", () => {
  const denied = new Set(PREVIEW_DENIED_ACTIONS);
  const hits = registeredAwsTypes().flatMap((t) =>
    (factsOf(t)?.calls?.read ?? []).filter((a) => denied.has(a)).map((a) => `${t}: ${a}`),
  );
  assert.deepEqual(hits, []);
});

// Issue 18 (2): calls the provider makes that the laptop bootstrap (admin) hid, read in terraform-provider-aws before
// the ecs and ec2 facts are derived: internal/service/ecs/service.go statusServiceWaitForStable ->
// findPrimaryDeploymentARN (ListServiceDeployments) and findDeploymentStatus (DescribeServiceDeployments), the waiter
// of waitForSteadyState since hashicorp/terraform-provider-aws#43434, on create and update; internal/service/ec2/
// vpc_eip.go resourceEIPRead -> findEIPDomainNameAttributeByAllocationID (DescribeAddressesAttribute).
test("the steady-state waiter's service deployment calls and the Elastic IP read's attribute call are granted", () => {
  const granted = (type: string, op: keyof ResourceCalls) => {
    const p = DEPLOY_PERMISSIONS[type]!;
    return new Set(op === "read" ? p.read : [...p[op], ...p.read]);
  };
  for (const op of ["create", "update"] as const)
    for (const a of ["ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"])
      assert.ok(granted("aws:ecs/service:Service", op).has(a), `${op}: ${a}`);
  assert.ok(granted("aws:ec2/eip:Eip", "read").has("ec2:DescribeAddressesAttribute"));
  const staging = new Set(allowedActions(stacks.staging!));
  for (const a of ["ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ec2:DescribeAddressesAttribute"])
    assert.ok(staging.has(a), `the registered deploy policies allow ${a}`);
});

test("every call an invoke the program makes needs, as derived from the provider's source, is in INVOKE_PERMISSIONS", () => {
  const invokes = PROVIDER_FACTS.filter((f) => f.type.startsWith("aws:") && /:[a-z][A-Za-z0-9]*$/.test(f.type));
  assert.ok(invokes.length >= 2, "the invoke facts are derived (offline/providerSource/aws/ec2.ts)");
  const missing = invokes.flatMap((f) => {
    const granted = new Set(INVOKE_PERMISSIONS[f.type]?.actions ?? []);
    return (f.calls?.read ?? []).filter((a) => !granted.has(a)).map((a) => `${f.type}: ${a}`);
  });
  assert.deepEqual(missing, []);
});
