/** Who may do what: IAM policies and roles (including GitHub OIDC trust), GCP workload identity federation. */
import type { Unwrap } from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import type * as gcp from "@pulumi/gcp";
import { asArray, parseJsonDocument, resourceRule } from "./rule";
import { TASK_ROLE_APP_POLICY } from "./securityLists";

const IAM_ROLE = "aws:iam/role:Role";
const IAM_POLICY = "aws:iam/policy:Policy";
const IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const WIF_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";

type Role = Unwrap<aws.iam.RoleArgs>;
type WifProvider = Unwrap<gcp.iam.WorkloadIdentityPoolProviderArgs>;

/** AWS managed policies that amount to administrator access. */
const ADMIN_POLICY_ARNS = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

/** Allow statements whose actions are `*` or `<service>:*`, or use NotAction. */
function wildcardActions(doc: unknown): string[] {
  const found: string[] = [];
  for (const st of asArray((doc as { Statement?: unknown })?.Statement) as Record<string, any>[]) {
    if (st?.Effect !== "Allow") continue;
    if (st.NotAction !== undefined) found.push(`NotAction ${JSON.stringify(st.NotAction)}`);
    for (const a of asArray(st.Action as string | string[])) if (a === "*" || /^[a-z0-9-]+:\*$/i.test(a)) found.push(a);
  }
  return found;
}

const iamNoWildcardActions = resourceRule<Record<string, any>>({
  name: "berth-iam-no-wildcard-actions",
  summary:
    "IAM policies allow named actions only: no `*`, no `<service>:*`, no NotAction, no administrator managed policies.",
  controls: { fsbp: ["IAM.1", "IAM.21"], checkov: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63"] },
  resourceTypes: [IAM_POLICY, IAM_ROLE_POLICY, IAM_ROLE, IAM_ROLE_POLICY_ATTACHMENT],
  remediationSteps: "List the exact actions the role needs.",
  validate: (props, args, report) => {
    const documents: [string, unknown][] = [];
    if (args.type === IAM_POLICY || args.type === IAM_ROLE_POLICY) documents.push(["policy", props.policy]);
    if (args.type === IAM_ROLE) {
      const role = props as Role;
      for (const p of asArray(role.inlinePolicies)) documents.push([`inline policy ${p.name ?? ""}`.trim(), p.policy]);
      for (const arn of asArray(role.managedPolicyArns))
        if (ADMIN_POLICY_ARNS.test(arn)) report(`managedPolicyArns includes ${arn}.`);
    }
    if (args.type === IAM_ROLE_POLICY_ATTACHMENT && ADMIN_POLICY_ARNS.test(String(props.policyArn)))
      report(`attaches ${props.policyArn}.`);
    for (const [where, raw] of documents) {
      if (raw === undefined) continue;
      const doc = parseJsonDocument(raw);
      if (doc === undefined) {
        report(`${where} is not valid JSON.`);
        continue;
      }
      const wild = wildcardActions(doc);
      if (wild.length) report(`${where} allows ${wild.join(", ")}.`);
    }
  },
});

const GITHUB_OIDC = "token.actions.githubusercontent.com";

/** Values of a condition key across every operator of a statement's Condition. */
function conditionValues(condition: Record<string, Record<string, unknown>> | undefined, key: string): string[] {
  return Object.values(condition ?? {}).flatMap((byKey) => asArray(byKey?.[key] as string | string[] | undefined));
}

const iamGithubOidcSubject = resourceRule<Role>({
  name: "berth-iam-github-oidc-subject",
  summary:
    "Roles trusted by GitHub Actions OIDC pin the audience and the subject to this repository (no wildcard owner or repo).",
  controls: { checkov: ["CKV_AWS_358"] },
  resourceTypes: [IAM_ROLE],
  remediationSteps:
    "Keep the trust policy's `token.actions.githubusercontent.com:sub` condition on one repository: `repository_owner_id:<id>:repository_id:<id>:environment:<env>` (the Delivery component's subject template) or `repo:<owner>/<repo>:environment:<env>`.",
  validate: (role, _a, report) => {
    const doc = parseJsonDocument(role.assumeRolePolicy);
    for (const st of asArray((doc as { Statement?: unknown })?.Statement) as Record<string, any>[]) {
      const federated = asArray(st?.Principal?.Federated as string | string[] | undefined);
      if (st?.Effect !== "Allow" || !federated.some((f) => String(f).includes(GITHUB_OIDC))) continue;
      const subs = conditionValues(st.Condition, `${GITHUB_OIDC}:sub`);
      const auds = conditionValues(st.Condition, `${GITHUB_OIDC}:aud`);
      if (subs.length === 0)
        report("trusts GitHub OIDC without a :sub condition: any repository on GitHub can assume it.");
      // GitHub's default form names the repository; a subject template keyed on the numeric ids pins it by id
      // (https://docs.github.com/en/actions/reference/security/oidc, "Customizing the subject claims").
      for (const sub of subs) {
        if (!/^repo:[^*/:]+\/[^*/:]+:.+$/.test(sub) && !/^repository_owner_id:\d+:repository_id:\d+:[^*?]+$/.test(sub))
          report(`:sub condition ${JSON.stringify(sub)} does not pin one owner/repository.`);
      }
      if (!auds.includes("sts.amazonaws.com"))
        report("trusts GitHub OIDC without the :aud condition sts.amazonaws.com.");
    }
  },
});

const gcpWifAttributeCondition = resourceRule<WifProvider>({
  name: "berth-gcp-wif-attribute-condition",
  summary: "GitHub workload identity providers restrict tokens with an attribute condition on the repository.",
  controls: { other: "Google Cloud WIF guidance: always set an attribute condition for GitHub" },
  resourceTypes: [WIF_PROVIDER],
  remediationSteps:
    "Keep `attributeCondition` on the repository: `assertion.repository_id` (the Delivery component sets it) or `assertion.repository`.",
  validate: (provider, _a, report) => {
    if (!provider.oidc?.issuerUri?.includes(GITHUB_OIDC)) return;
    if (!provider.attributeCondition?.includes("repository"))
      report("attributeCondition does not restrict the repository: any GitHub workflow can impersonate.");
  },
});

/** Allow statements of a policy document whose Resource is `*` (or a NotResource): their actions, for the report. */
function wildcardResources(doc: unknown): string[] {
  const found: string[] = [];
  for (const st of asArray((doc as { Statement?: unknown })?.Statement) as Record<string, any>[]) {
    if (st?.Effect !== "Allow") continue;
    const actions = asArray(st.Action as string | string[]).join(", ");
    if (st.NotResource !== undefined) found.push(`${actions} (NotResource)`);
    else if (asArray(st.Resource as string | string[]).includes("*")) found.push(actions);
  }
  return found;
}

const iamTaskRoleResources = resourceRule<Record<string, any>>({
  name: "berth-iam-task-role-resources",
  summary: "The app's task role policy names its resources: no Allow statement on Resource `*`.",
  controls: { other: "Least privilege: scope the app's permissions to its own resources (ARNs)" },
  resourceTypes: [IAM_ROLE_POLICY],
  // Advisory: some actions have no resource-level permissions (e.g. cloudwatch:PutMetricData) and need `*`.
  enforcementLevel: "advisory",
  remediationSteps:
    "List ARNs in `berth:services.<name>.taskRole.statements[].resources` (e.g. arn:aws:s3:::my-bucket/*) instead of `*`.",
  validate: (props, _a, report) => {
    if (props.name !== TASK_ROLE_APP_POLICY) return;
    const doc = parseJsonDocument(props.policy);
    if (doc === undefined) return report("policy is not valid JSON.");
    for (const actions of wildcardResources(doc)) report(`allows ${actions} on every resource (Resource "*").`);
  },
});

/** The AWS services a trust policy names as principals (`Principal.Service`). */
function trustedServices(doc: unknown): string[] {
  return (asArray((doc as { Statement?: unknown })?.Statement) as Record<string, any>[])
    .filter((st) => st?.Effect === "Allow")
    .flatMap((st) => asArray(st?.Principal?.Service as string | string[] | undefined))
    .map(String);
}

const iamRolePermissionsBoundary = resourceRule<Role>({
  name: "berth-iam-role-permissions-boundary",
  summary:
    "Roles an AWS service assumes (the workload roles the deploy role creates) carry a permissions boundary, which caps whatever policy they are given.",
  controls: {
    other:
      "IAM permissions boundaries for delegated role creation (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html)",
  },
  resourceTypes: [IAM_ROLE],
  remediationSteps:
    "Pass the stack's role boundary (infra/delivery/roleBoundary.ts, `RoleBoundary.arn`) as the role's `permissionsBoundary`: the deploy role may only create and give policies to roles that carry it.",
  validate: (role, _a, report) => {
    const services = trustedServices(parseJsonDocument(role.assumeRolePolicy));
    if (services.length > 0 && !role.permissionsBoundary)
      report(`is assumed by ${services.join(", ")} and has no permissionsBoundary.`);
  },
});

export const identityRules = [
  iamNoWildcardActions,
  iamTaskRoleResources,
  iamGithubOidcSubject,
  iamRolePermissionsBoundary,
  gcpWifAttributeCondition,
];
