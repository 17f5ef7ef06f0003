/** Delivery: the GitHub environments that gate deploys. */
import type { Unwrap } from "@pulumi/pulumi";
import type * as github from "@pulumi/github";
import { asArray, resourceRule } from "./rule";

const GITHUB_ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment";

type Environment = Unwrap<github.RepositoryEnvironmentArgs>;

const githubEnvironmentBranches = resourceRule<Environment>({
  name: "berth-github-environment-branches",
  summary:
    "Deploy environments accept deployments only from selected branches, and admins cannot bypass the protection.",
  controls: {
    other: "CIS Software Supply Chain Security Guide (deployment environment protection); SLSA source/build integrity",
  },
  resourceTypes: [GITHUB_ENVIRONMENT],
  remediationSteps: "Keep the Delivery component's deploymentBranchPolicy (main only) and canAdminsBypass: false.",
  validate: (env, _a, report) => {
    const p = env.deploymentBranchPolicy;
    if (!p || (p.customBranchPolicies !== true && p.protectedBranches !== true))
      report(`environment ${env.environment}: no deploymentBranchPolicy: any branch can deploy.`);
    if (env.canAdminsBypass !== false)
      report(`environment ${env.environment}: canAdminsBypass is not false: admins skip the protection.`);
  },
});

const githubEnvironmentReviewers = resourceRule<Environment>({
  name: "berth-github-environment-reviewers",
  summary:
    "Deploy environments require a reviewer who is not the person who triggered the deploy (advisory; mandatory for prod).",
  controls: { other: "Two-person rule for production changes (CIS Software Supply Chain Security Guide; SOC 2 CC8.1)" },
  resourceTypes: [GITHUB_ENVIRONMENT],
  enforcementLevel: "advisory",
  remediationSteps: "Set `berth:delivery.requiredReviewers` (login=id or owner/team=id).",
  validate: (env, _a, report) => {
    const reviewers = asArray(env.reviewers).flatMap((r) => [...asArray(r.users), ...asArray(r.teams)]);
    if (reviewers.length === 0)
      report(`environment ${env.environment}: no required reviewers: a merge deploys without approval.`);
    else if (env.preventSelfReview !== true)
      report(`environment ${env.environment}: preventSelfReview is not true: the author can approve their own deploy.`);
  },
});

export const deliveryRules = [githubEnvironmentBranches, githubEnvironmentReviewers];
