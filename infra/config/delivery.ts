/**
 * Delivery and promotion settings.
 *
 * `berth:promotion` (prod only): which stack's running digest this stack deploys, and the documented emergency override.
 * `berth:delivery`: the CI identity of this stack (GitHub OIDC roles in its AWS account, a workload identity pool in its
 * GCP project) and its GitHub environment (reviewers, branch policy, variables). Defaults are applied here, once.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./environment";
import { IMAGE_DIGEST } from "../../policy/securityLists";
import { boolean, integer, perEnvironment, string, stringList, type Infer } from "./declare";
import { DURATION, durationSeconds } from "./duration";
import type { ServiceSettings } from "./services";

/**
 * A required reviewer of a GitHub environment: a user, or a team of the repository owner's organization, with its
 * numeric GitHub id (what the API takes). Ids are given, not looked up, so preview and deploy jobs need no GitHub
 * token able to read the organization's teams: `gh api users/<login> --jq .id`, `gh api orgs/<org>/teams/<slug> --jq .id`.
 */
export type Reviewer = { kind: "user"; login: string; id: number } | { kind: "team"; slug: string; id: number };

/** The GitHub environment of each deployable stack. */
const GITHUB_ENVIRONMENT: Record<"staging" | "prod", string> = { staging: "staging", prod: "production" };

/** The preview.yml jobs that must pass before a pull request merges (a job skipped for a fork reports success). */
export const DEFAULT_REQUIRED_CHECKS = ["test", "plan (staging)", "plan (prod)", "preview (staging)", "preview (prod)"];

const STACK_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const DIGEST = IMAGE_DIGEST;
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM_SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const BRANCH = /^(?!\/|.*\/$|.*\.\.|.*\/\.|.*@\{)[A-Za-z0-9._/-]{1,200}$/;
const POOL_ID = /^(?!gcp-)[a-z][a-z0-9-]{2,30}[a-z0-9]$/;
const GITHUB_VISIBILITY = /^(public|private|internal)$/;
const GITHUB_PLAN = /^(free|pro|team|enterprise)$/;

/** `berth:promotion` (prod only). */
export const PROMOTION = {
  fromStack: string({
    required: true,
    pattern: STACK_NAME,
    allowed:
      "the fully qualified stack this prod stack promotes from, <organization>/<project>/<stack> (prod never builds, so it is required)",
    defaultText: "required in prod",
    doc: "The stack whose running digest prod deploys, <organization>/<project>/<stack>.",
  }),
  /**
   * Accepted only when it is the source stack's current digest, unless `allowUnpromotedDigest` is set; a rollback to an
   * earlier digest in the source's `ranDigests` history uses `berth:deploySha` instead.
   */
  digest: string({
    pattern: DIGEST,
    allowed: "an image digest sha256:<64 lowercase hex>",
    doc: "Pin the digest the source stack must be running (the deploy workflow pins the one its run built).",
  }),
  allowUnpromotedDigest: boolean({
    default: false,
    doc: "Emergency override: deploy a digest (or berth:deploySha) the source stack has not run.",
  }),
} as const;

/** `berth:promotion` as the reader returns it (prod only), from its declarations. */
export type PromotionSettings = Infer<typeof PROMOTION>;

const POOL_ALLOWED = "4-32 characters: lowercase letters, digits, hyphens; starts with a letter, not with gcp-";

/** `berth:delivery`. */
export const DELIVERY = {
  enabled: boolean({
    default: false,
    doc: "Create the CI identity (OIDC roles, workload identity) and the GitHub environment.",
  }),
  githubEnvironment: string({
    default: perEnvironment({
      staging: GITHUB_ENVIRONMENT.staging,
      prod: GITHUB_ENVIRONMENT.prod,
      local: GITHUB_ENVIRONMENT.staging,
    }),
    pattern: /^[A-Za-z0-9 _.-]{1,255}$/,
    allowed: "a GitHub environment name (letters, digits, space, _ . -)",
    doc: "GitHub environment this stack deploys from.",
  }),
  requiredReviewers: stringList({
    default: [],
    allowed: "a list of <login>=<id> or <owner>/<team-slug>=<id> entries",
    doc: "Who approves a deployment: <login>=<id> or <owner>/<team-slug>=<id>, at most 6 (at least 1 in prod).",
  }),
  preventSelfReview: boolean({ default: true, doc: "The person who triggered a deployment cannot approve it." }),
  allowAdminBypass: boolean({ default: false, doc: "Repository admins may skip the environment's protection rules." }),
  deployBranch: string({
    default: "main",
    pattern: BRANCH,
    allowed: "a git branch name such as main",
    doc: "The only branch allowed to deploy to this stack's environment.",
  }),
  /** An account has one GitHub OIDC provider at most. */
  createOidcProvider: boolean({
    default: true,
    doc: "Create the account's GitHub OIDC provider (false when the account already has one).",
  }),
  /** Trusted only by the subject `repo:<owner>/<repo>:pull_request`. */
  previewRole: boolean({ default: true, doc: "Create the read-only role pull request previews assume." }),
  /** IAM's MaxSessionDuration range (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
  maxSessionSeconds: integer({
    min: 3600,
    max: 43200,
    defaultText: "derived: the longest steadyStateTimeout + 20m, at least 3600",
    doc: "Longest session of the deploy role, which deploy.yml requests (AWS_ROLE_DURATION_SECONDS): covers the longest service's wait.",
  }),
  workloadIdentityPoolId: string({
    default: "berth-github",
    pattern: POOL_ID,
    allowed: POOL_ALLOWED,
    doc: "GCP workload identity pool id (soft-deleted for 30 days: pick a new one to recreate).",
  }),
  workloadIdentityProviderId: string({
    default: "github-actions",
    pattern: POOL_ID,
    allowed: POOL_ALLOWED,
    doc: "GCP workload identity provider id.",
  }),
  manageRepositoryRuleset: boolean({
    default: perEnvironment({ staging: false, prod: true, local: false }),
    doc: "This stack owns the repository-wide ruleset on the deploy branch (exactly one stack should).",
  }),
  /** Job names of .github/workflows/preview.yml. */
  requiredChecks: stringList({
    default: DEFAULT_REQUIRED_CHECKS,
    pattern: /^\S(?:.{0,253}\S)?$/,
    minItems: 1,
    allowed: "a list of at least one status check name (the job names of .github/workflows/preview.yml)",
    doc: "Status checks the ruleset requires before merging.",
  }),
  requiredApprovals: integer({
    default: 1,
    min: 0,
    max: 10,
    doc: "Approving pull request reviews the ruleset requires.",
  }),
  /**
   * GitHub's numeric ids of the owner and the repository: the OIDC `sub` and the GCP attribute condition key on them
   * (a renamed, transferred or deleted repository frees its name; an id is never reused).
   */
  githubOwnerId: integer({
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    allowed: "the owner's numeric id (gh api repos/<owner>/<repo> --jq .owner.id)",
    defaultText: "required with enabled",
    doc: "The repository owner's numeric GitHub id (gh api repos/<owner>/<repo> --jq .owner.id).",
  }),
  githubRepositoryId: integer({
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    allowed: "the repository's numeric id (gh api repos/<owner>/<repo> --jq .id)",
    defaultText: "required with enabled",
    doc: "The repository's numeric GitHub id (gh api repos/<owner>/<repo> --jq .id).",
  }),
  /** Repository-wide, like the ruleset: exactly one stack sets it (staging: the stack bootstrapped first). */
  manageOidcSubjectTemplate: boolean({
    default: perEnvironment({ staging: true, prod: false, local: false }),
    doc: "This stack sets the repository's OIDC subject template (repository_owner_id, repository_id, context) every trust matches (exactly one stack should).",
  }),
  /**
   * What GitHub would say about the repository, given once instead of asked on every run: the plan field needs an
   * organization owner's token (admin:org), which CI does not hold. Re-read it when the repository or plan changes.
   */
  githubVisibility: string({
    pattern: GITHUB_VISIBILITY,
    allowed: "public, private or internal (gh api repos/<owner>/<repo> --jq .visibility)",
    defaultText: "required with enabled",
    doc: "The repository's visibility (gh api repos/<owner>/<repo> --jq .visibility): what environments and reviewers need of the plan.",
  }),
  githubPlan: string({
    pattern: GITHUB_PLAN,
    allowed:
      "free, pro, team or enterprise (an organization owner: gh api orgs/<owner> --jq .plan.name; a user account: gh api user --jq .plan.name)",
    defaultText: "required unless githubVisibility is public",
    doc: "The owner's GitHub plan (gh api orgs/<owner> --jq .plan.name, as an organization owner): private environments need pro/team, their reviewers enterprise.",
  }),
} as const;

/**
 * `berth:delivery` as the reader returns it: every setting as `DELIVERY` declares it, but `requiredReviewers` parsed
 * (each `<login>=<id>` or `<owner>/<team-slug>=<id>` entry as a Reviewer).
 */
export type DeliverySettings = Omit<
  Infer<typeof DELIVERY>,
  "requiredReviewers" | "githubOwnerId" | "githubRepositoryId"
> & {
  requiredReviewers: Reviewer[];
  /** Required with `enabled` (refused when missing): absent only in a stack without delivery. */
  githubOwnerId?: number;
  githubRepositoryId?: number;
};

/**
 * `berth:promotion`: required in prod (prod never builds: it deploys the digest staging runs), refused in staging
 * (staging is where the one build happens).
 */
export function readPromotionSettings(s: ConfigSection, environment: Environment): PromotionSettings | undefined {
  const present = s.has("fromStack") || s.has("digest") || s.has("allowUnpromotedDigest");
  if (environment !== "prod") {
    if (present)
      s.problems.add(
        s.path,
        "(set)",
        `no promotion settings in the ${environment} stack: only prod promotes (staging builds the image)`,
      );
    s.value("fromStack");
    s.value("digest");
    s.value("allowUnpromotedDigest");
    s.done();
    return undefined;
  }
  const out: PromotionSettings = {
    fromStack: s.get("fromStack", PROMOTION),
    digest: s.get("digest", PROMOTION),
    allowUnpromotedDigest: s.get("allowUnpromotedDigest", PROMOTION),
  };
  if (out.fromStack && out.fromStack.split("/")[2] === "prod") {
    s.problems.add(
      s.keyPath("fromStack"),
      out.fromStack,
      "a stack other than prod itself (normally <organization>/berth/staging)",
    );
  }
  s.done();
  return out;
}

/**
 * What one `up` does before and around the services' waits: the refresh, the image build and its pushes (staging), the
 * network, load balancer, alarms and delivery resources. 20 minutes; the deploy jobs' own budget is 60
 * (.github/workflows/deploy.yml, timeout-minutes).
 */
const RUN_ALLOWANCE_SECONDS = 1200;

/**
 * The shortest deploy-role session one `up` needs: the longest service's `steadyStateTimeout` plus
 * RUN_ALLOWANCE_SECONDS. The longest, not the sum: no service depends on another (each depends on the load balancer and
 * its alarms only, infra/awsStack.ts), and the engine runs the steps of resources that do not depend on each other
 * concurrently (pulumi/pulumi pkg/resource/deploy/step_executor.go; `pulumi up --parallel` bounds how many, and the
 * workflows leave it unset). tests/delivery/config.test.ts checks that no ECS service depends on another.
 */
function minimumSessionSeconds(services: readonly Pick<ServiceSettings, "name" | "steadyStateTimeout">[]): {
  seconds: number;
  longest?: string;
} {
  let longest: { name: string; seconds: number } | undefined;
  for (const svc of services) {
    if (!DURATION.test(svc.steadyStateTimeout)) continue; // refused by the services reader
    const seconds = durationSeconds(svc.steadyStateTimeout);
    if (!longest || seconds > longest.seconds) longest = { name: svc.name, seconds };
  }
  return { seconds: (longest?.seconds ?? 0) + RUN_ALLOWANCE_SECONDS, longest: longest?.name };
}

/** IAM's floor of a role's MaxSessionDuration, and what aws-actions/configure-aws-credentials requests by default. */
const ONE_HOUR = 3600;
/** IAM's ceiling of MaxSessionDuration (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
const IAM_MAX_SESSION = 43200;

export function readDeliverySettings(
  s: ConfigSection,
  environment: Environment,
  github: { owner: string; repository: string },
  services: readonly Pick<ServiceSettings, "name" | "steadyStateTimeout">[] = [],
): DeliverySettings {
  const enabled = s.get("enabled", DELIVERY);
  const session = minimumSessionSeconds(services);
  const derivedSession = Math.max(ONE_HOUR, Math.ceil(session.seconds / 60) * 60);
  const requiredReviewers = readReviewers(s, github.owner);
  const out: DeliverySettings = {
    enabled,
    githubEnvironment: s.get("githubEnvironment", DELIVERY, { environment }),
    requiredReviewers,
    preventSelfReview: s.get("preventSelfReview", DELIVERY),
    allowAdminBypass: s.get("allowAdminBypass", DELIVERY),
    deployBranch: s.get("deployBranch", DELIVERY),
    createOidcProvider: s.get("createOidcProvider", DELIVERY),
    previewRole: s.get("previewRole", DELIVERY),
    maxSessionSeconds: s.get("maxSessionSeconds", DELIVERY, { default: derivedSession }),
    workloadIdentityPoolId: s.get("workloadIdentityPoolId", DELIVERY),
    workloadIdentityProviderId: s.get("workloadIdentityProviderId", DELIVERY),
    manageRepositoryRuleset: s.get("manageRepositoryRuleset", DELIVERY, { environment }),
    requiredChecks: s.get("requiredChecks", DELIVERY),
    requiredApprovals: s.get("requiredApprovals", DELIVERY),
    githubVisibility: s.get("githubVisibility", DELIVERY),
    githubPlan: s.get("githubPlan", DELIVERY),
    githubOwnerId: s.has("githubOwnerId") ? s.get("githubOwnerId", DELIVERY, { default: 1 }) : undefined,
    githubRepositoryId: s.has("githubRepositoryId") ? s.get("githubRepositoryId", DELIVERY, { default: 1 }) : undefined,
    manageOidcSubjectTemplate: s.get("manageOidcSubjectTemplate", DELIVERY, { environment }),
  };
  if (enabled) checkGithubIds(s, out, `${github.owner}/${github.repository}`);
  if (enabled) checkGithubPlan(s, out, `${github.owner}/${github.repository}`, environment);
  if (session.seconds > out.maxSessionSeconds || session.seconds > IAM_MAX_SESSION) {
    const key = s.keyPath("maxSessionSeconds");
    const longest = `berth:services.${session.longest}.steadyStateTimeout`;
    s.problems.add(
      key,
      out.maxSessionSeconds,
      session.seconds > IAM_MAX_SESSION
        ? `no session is long enough: ${longest} + ${RUN_ALLOWANCE_SECONDS} s is ${session.seconds} s, above IAM's ${IAM_MAX_SESSION}; shorten that service's bake times`
        : `at least ${session.seconds} (${longest} + ${RUN_ALLOWANCE_SECONDS} s for the rest of the up): the deploy job's credentials must outlive the longest service's wait; or unset it (derived)`,
    );
  }
  if (
    enabled &&
    environment === "prod" &&
    requiredReviewers.length === 0 &&
    !s.problems.list.some((p) => p.key === s.keyPath("requiredReviewers"))
  ) {
    s.problems.add(
      s.keyPath("requiredReviewers"),
      [],
      "at least one reviewer (<login>=<id> or <owner>/<team-slug>=<id>) in the prod stack: the production environment is the approval gate",
    );
  }
  s.done();
  return out;
}

/**
 * `requiredReviewers`: `alice=583231` (a user and its id) or `<owner>/<team-slug>=1234567` (a team of the repository
 * owner and its id); at most 6, no duplicates.
 */
function readReviewers(s: ConfigSection, owner: string): Reviewer[] {
  const key = s.keyPath("requiredReviewers");
  const raw = s.get("requiredReviewers", DELIVERY);
  const out: Reviewer[] = [];
  for (const entry of raw) {
    const m = /^([^=\s]+)=([1-9]\d{0,11})$/.exec(entry);
    const [first, second, ...rest] = (m?.[1] ?? "").split("/");
    const id = Number(m?.[2]);
    if (m && second === undefined && GITHUB_LOGIN.test(first)) {
      out.push({ kind: "user", login: first, id });
    } else if (
      m &&
      rest.length === 0 &&
      second !== undefined &&
      first.toLowerCase() === owner.toLowerCase() &&
      TEAM_SLUG.test(second)
    ) {
      out.push({ kind: "team", slug: second, id });
    } else {
      s.problems.add(
        key,
        entry,
        `<login>=<numeric id> (a user: gh api users/<login> --jq .id) or ${owner || "<owner>"}/<team-slug>=<numeric id> (a team of berth:githubOwner: gh api orgs/${owner || "<owner>"}/teams/<slug> --jq .id)`,
      );
    }
  }
  if (out.length > 6) s.problems.add(key, raw, "at most 6 reviewers (a GitHub limit per environment)");
  const names = out.map((r) => `${r.kind}:${r.id}`);
  if (new Set(names).size !== names.length) s.problems.add(key, raw, "each reviewer once");
  return out;
}

/**
 * The tags a release run deploys from: deploy.yml's `on.push.tags` filter, and the tag pattern each deploy
 * environment's deployment policy allows next to its deploy branch (GitHub environment tag policies take the same
 * fnmatch-style patterns as workflow filters).
 */
export const RELEASE_TAG_GLOB = "v*.*.*";

/** The key of the reviewers setting, as messages name it. */
const REVIEWERS_KEY = "berth:delivery.requiredReviewers";

/**
 * The ids are required with `enabled` (the trusts cannot be written without them), and the deploy job's subject must
 * fit GCP's `google.subject`, at most 127 bytes (https://cloud.google.com/iam/docs/workload-identity-federation,
 * attribute mappings), since the deployer is bound to it exactly.
 */
function checkGithubIds(s: ConfigSection, d: DeliverySettings, repository: string): void {
  for (const [key, jq] of [
    ["githubOwnerId", ".owner.id"],
    ["githubRepositoryId", ".id"],
  ] as const) {
    if (d[key] === undefined)
      s.problems.add(
        s.keyPath(key),
        undefined,
        `a numeric GitHub id (gh api repos/${repository} --jq ${jq}): the OIDC subject and the GCP condition key on it, not on the name`,
      );
  }
  if (d.githubOwnerId === undefined || d.githubRepositoryId === undefined) return;
  const subject = `repository_owner_id:${d.githubOwnerId}:repository_id:${d.githubRepositoryId}:environment:${d.githubEnvironment}`;
  if (Buffer.byteLength(subject) > 127)
    s.problems.add(
      s.keyPath("githubEnvironment"),
      d.githubEnvironment,
      `a shorter environment name: the deploy job's OIDC subject ${JSON.stringify(subject)} is ${Buffer.byteLength(subject)} bytes, and GCP's google.subject takes at most 127`,
    );
}

/** What the delivery settings say about the repository and its owner's plan (`githubVisibility`, `githubPlan`). */
interface GithubPlanFacts {
  repository: string;
  visibility: string;
  plan?: string;
}

const ENVIRONMENTS_DOCS =
  "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment";

/**
 * `githubVisibility` and `githubPlan` against what the Delivery component creates (github/docs
 * data/reusables/gated-features/environments.md): environments, their secrets and deployment branch policies exist in
 * public repositories on every plan, and in private or internal ones on GitHub Pro, Team or Enterprise; other
 * protection rules (required reviewers) in private or internal repositories only on GitHub Enterprise.
 */
function checkGithubPlan(s: ConfigSection, d: DeliverySettings, repository: string, environment: Environment): void {
  const p = s.problems;
  if (d.githubVisibility === undefined) {
    p.add(
      s.keyPath("githubVisibility"),
      undefined,
      `public, private or internal: what GitHub says of ${repository} (gh api repos/${repository} --jq .visibility), given once so no run needs a token able to read it`,
    );
    return;
  }
  if (d.githubVisibility === "public") return;
  if (d.githubPlan === undefined) {
    p.add(
      s.keyPath("githubPlan"),
      undefined,
      `free, pro, team or enterprise: the owner's plan, required for a ${d.githubVisibility} repository (as an organization owner: gh api orgs/${repository.split("/")[0]} --jq .plan.name; for a user account: gh api user --jq .plan.name)`,
    );
    return;
  }
  if (d.githubPlan === "free") {
    p.add(
      s.keyPath("githubPlan"),
      d.githubPlan,
      `pro, team or enterprise, or a public repository: GitHub gives environments and their deployment branch policies to ${d.githubVisibility} repositories only on GitHub Pro, Team or Enterprise (${ENVIRONMENTS_DOCS}), and this stack creates the ${d.githubEnvironment} environment`,
    );
    return;
  }
  const reviewers = d.requiredReviewers.map((r) => (r.kind === "user" ? `${r.login}=${r.id}` : `${r.slug}=${r.id}`));
  const allowed = reviewersPlanProblem(
    { repository, visibility: d.githubVisibility, plan: d.githubPlan },
    reviewers,
    environment,
  );
  if (allowed) p.add(s.keyPath("requiredReviewers"), s.value("requiredReviewers"), allowed);
}

/**
 * GitHub enforces required reviewers on an environment of a public repository on every plan, and of a private or
 * internal repository only on GitHub Enterprise ("For access to other environment protection rules in private or
 * internal repositories, you must use GitHub Enterprise": github/docs data/reusables/gated-features/environments.md;
 * https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#required-reviewers).
 * Elsewhere the rule is not available to the repository, so the approval gate the stack declares would not exist.
 * Returns what is allowed (the refusal's text), or undefined when the reviewers can be enforced.
 */
export function reviewersPlanProblem(
  facts: GithubPlanFacts,
  reviewers: readonly string[],
  environment: Environment,
): string | undefined {
  if (reviewers.length === 0 || facts.visibility === "public") return undefined;
  if (facts.plan === "enterprise") return undefined;
  const choices =
    environment === "prod"
      ? "make the repository public, or move the owner to GitHub Enterprise Cloud (prod requires a reviewer: dropping them is no choice here)"
      : `make the repository public, move the owner to GitHub Enterprise Cloud, or set ${REVIEWERS_KEY} to [] and accept the advisory berth-github-environment-reviewers (deploys without approval)`;
  return (
    `required reviewers on repository ${facts.repository} (visibility ${facts.visibility}, owner plan ` +
    `${JSON.stringify(facts.plan ?? "unknown")}, berth:delivery.githubVisibility / githubPlan) need GitHub Enterprise: ` +
    `GitHub enforces environment reviewers on private and internal repositories only on GitHub Enterprise ` +
    `(${ENVIRONMENTS_DOCS}#required-reviewers). Choose: ${choices}.`
  );
}
