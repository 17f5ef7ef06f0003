/**
 * The deploy role (the CI role that runs `pulumi up`) can create, read, update and delete every AWS resource the
 * staging and prod programs register, because its policy is rendered from one table (infra/deployPermissions.ts)
 * that covers every registered type, and grants nothing the table does not list. The policy fits IAM's size limit.
 *
 * Each program is captured under mocks in its own process (tests/delivery/registeredTypes.ts).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { DEPLOY_PERMISSIONS, INVOKE_PERMISSIONS, tableActions } from "../../infra/deployPermissions";
import { renderDeployPolicy } from "../../infra/delivery";

interface Registered {
  error?: string;
  types: string[];
  invokes: string[];
  deployRoleName: string;
  deployPolicies: string[];
  deployAttachments: number;
}

function registered(stack: string): Registered {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "registeredTypes.ts"), stack], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const line = run.stdout.split("\n").find((l) => l.startsWith("REGISTERED "));
  if (!line) throw new Error(`capture of ${stack} printed no result (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  const r = JSON.parse(line.slice("REGISTERED ".length)) as Registered;
  assert.equal(r.error, undefined, `${stack}: ${r.error}`);
  return r;
}

const stacks: Record<string, Registered> = {};
before(() => {
  stacks.staging = registered("staging");
  stacks.prod = registered("prod");
});

/** The types the deploy role acts on: AWS resources, and the image build that pushes to ECR. */
const needsAws = (type: string) => type.startsWith("aws:") || type === "docker-build:index:Image";
const actionsOfStatement = (s: any): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

test("every AWS resource type and AWS function the staging and prod programs register is in the permission table", () => {
  for (const [stack, r] of Object.entries(stacks)) {
    const missing = r.types.filter(needsAws).filter((t) => !(t in DEPLOY_PERMISSIONS));
    assert.deepEqual(missing, [], `${stack} registers types the deploy role has no permissions for`);
    const missingInvokes = r.invokes.filter((t) => t.startsWith("aws:")).filter((t) => !(t in INVOKE_PERMISSIONS));
    assert.deepEqual(missingInvokes, [], `${stack} calls AWS functions the deploy role has no permissions for`);
  }
});

test("the table holds no type that neither program registers (no permission for a resource Berth does not own)", () => {
  const used = new Set(Object.values(stacks).flatMap((r) => r.types));
  const usedInvokes = new Set(Object.values(stacks).flatMap((r) => r.invokes));
  assert.deepEqual(Object.keys(DEPLOY_PERMISSIONS).filter((t) => !used.has(t)), []);
  assert.deepEqual(Object.keys(INVOKE_PERMISSIONS).filter((t) => !usedInvokes.has(t)), []);
});

test("the registered deploy policy allows exactly the table's actions (plus PassRole and service-linked roles, held by conditions)", () => {
  for (const [stack, r] of Object.entries(stacks)) {
    assert.equal(r.deployPolicies.length, 1, `${stack}: one inline policy on the deploy role`);
    const doc = JSON.parse(r.deployPolicies[0]!);
    const allowed = [...new Set(doc.Statement.filter((s: any) => s.Effect === "Allow").flatMap(actionsOfStatement))].sort();
    const expected = [...new Set([...tableActions(stack === "staging"), "iam:PassRole", "iam:CreateServiceLinkedRole"])].sort();
    assert.deepEqual(allowed, expected, stack);
    for (const sid of ["NeverModifyDeliveryIdentity", "NoLongLivedCredentials", "NoAdministratorPolicies"]) {
      assert.equal(doc.Statement.find((s: any) => s.Sid === sid)?.Effect, "Deny", `${stack}: ${sid} kept`);
    }
  }
});

test("re-applying what the program owns: Inspector for enhanced scanning, the flow-logs role, KMS key descriptions", () => {
  const doc = JSON.parse(stacks.staging!.deployPolicies[0]!);
  const allowed = new Set(doc.Statement.filter((s: any) => s.Effect === "Allow").flatMap(actionsOfStatement));
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html
  for (const a of ["inspector2:Enable", "inspector2:Disable", "inspector2:ListFindings", "inspector2:ListAccountPermissions", "inspector2:ListCoverage"]) assert.ok(allowed.has(a), a);
  const slr = doc.Statement.find((s: any) => s.Sid === "ServiceLinkedRoles");
  assert.ok(slr.Condition.StringEquals["iam:AWSServiceName"].includes("inspector2.amazonaws.com"));
  // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html: the user creating a flow log passes its role.
  const pass = doc.Statement.filter((s: any) => s.Effect === "Allow" && actionsOfStatement(s).includes("iam:PassRole"));
  assert.ok(pass.some((s: any) => s.Condition?.StringEquals?.["iam:PassedToService"] === "vpc-flow-logs.amazonaws.com"), "PassRole to VPC flow logs");
  // A change of a key's description is an UpdateKeyDescription call (KMS API reference).
  assert.ok(allowed.has("kms:UpdateKeyDescription"));
});

/**
 * IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): the inline policies of a
 * role total at most 10,240 characters, a managed policy at most 6,144; IAM does not count whitespace.
 */
const INLINE_ROLE_POLICIES_MAX = 10_240;
const MANAGED_POLICY_MAX = 6_144;
const iamSize = (json: string) => JSON.stringify(JSON.parse(json)).replace(/\s+/g, "").length;

test("IAM size: the deploy role's inline policies fit 10,240 characters (compact, whitespace excluded), as registered and at the longest names", () => {
  for (const [stack, r] of Object.entries(stacks)) {
    const total = r.deployPolicies.reduce((n, p) => n + iamSize(p), 0);
    assert.ok(total <= INLINE_ROLE_POLICIES_MAX, `${stack}: ${total} characters`);
    assert.equal(r.deployAttachments, 0, `${stack}: no managed policies attached (each would have to fit ${MANAGED_POLICY_MAX})`);
  }
  // The longest inputs the settings allow: a 63-character image name (two repositories), a long region name.
  const name = "a".repeat(63);
  const worst = renderDeployPolicy({
    accountId: "111111111111",
    region: "ap-southeast-5",
    ecrRepositoryArns: [`arn:aws:ecr:ap-southeast-5:111111111111:repository/${name}`, `arn:aws:ecr:ap-southeast-5:111111111111:repository/buildcache/${name}`],
    pushesImages: true,
    protectedArns: ["arn:aws:iam::111111111111:role/berth-staging-github-deploy", "arn:aws:iam::111111111111:role/berth-staging-github-preview", "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"],
  });
  const size = iamSize(JSON.stringify(worst));
  assert.ok(size <= INLINE_ROLE_POLICIES_MAX, `worst case: ${size} characters`);
});
