/**
 * The GitHub part of the delivery identity (infra/delivery/delivery.ts): the `sub` GitHub's OIDC tokens carry (which
 * the AWS and GCP parts trust), the stack's repository environment (reviewers, no self-review, deploy branch and
 * release tags only), its variables (role ARN, WIF provider, service account, registry URLs, region), repository
 * variables for the preview job, (one stack only, prod by default) the ruleset on the deploy branch that requires the
 * preview checks, and (one stack only, staging by default) the repository's OIDC subject template.
 */
import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import type { DeliverySettings, Reviewer } from "../config/delivery";
import { RELEASE_TAG_GLOB } from "../config/delivery";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;

export interface GithubRepository {
  owner: string;
  repository: string;
  /** GitHub's numeric ids (`berth:delivery.githubOwnerId`, `githubRepositoryId`): never reused, unlike the names. */
  ownerId: number;
  repositoryId: number;
}

/**
 * The claims of the repository's OIDC subject template, which the Delivery component sets
 * (`github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate`, @pulumi/github 6.15; GitHub's
 * `PUT /repos/{owner}/{repo}/actions/oidc/customization/sub`). GitHub's default `sub` names the repository
 * (`repo:<owner>/<repo>:...`), and since mid-2026 a repository created, renamed or transferred gets an "immutable"
 * default that appends the numeric ids to the names (https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens;
 * the changelog and the docs pull request github/docs#45221 show different delimiters, `-` and `@`), so a trust on
 * the old form stops matching. With this template the `sub` has one known form whatever GitHub's default:
 * `repository_owner_id:<id>:repository_id:<id>:<context>` (each claim as `key:value`, joined with `:`; `context` is
 * `environment:<name>` for a job in an environment, `pull_request` for a pull request;
 * https://docs.github.com/en/actions/reference/security/oidc, "Customizing the subject claims"). Ids, not names: a
 * recycled owner or repository name never matches.
 */
export const GITHUB_SUBJECT_CLAIM_KEYS = ["repository_owner_id", "repository_id", "context"] as const;

/** The OIDC `sub` claim GitHub issues to a job under GITHUB_SUBJECT_CLAIM_KEYS: in an environment, or for a pull request. */
export function githubSubject(repo: GithubRepository, on: { environment: string } | { pullRequest: true }): string {
  const base = `repository_owner_id:${repo.ownerId}:repository_id:${repo.repositoryId}`;
  return "environment" in on ? `${base}:environment:${on.environment}` : `${base}:pull_request`;
}

/** Prefix of this stack's repository-level variables (`STAGING_`, `PROD_`): the preview job has no environment. */
function repositoryVariablePrefix(stack: string): string {
  return `${stack.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_`;
}

interface DeliveryVariableValues {
  awsRoleArn: string;
  /** The deploy role's session (`berth:delivery.maxSessionSeconds`), which deploy.yml requests as role-duration-seconds. */
  awsRoleDurationSeconds: number;
  previewRoleArn?: string;
  awsRegion: string;
  workloadIdentityProvider: string;
  serviceAccount: string;
  previewServiceAccount: string;
  ecrRepositoryUrl: string;
  artifactRegistryUrl?: string;
  /** `ghcr.io/<owner>/<image>` when the stack pushes to GHCR (what deploy.yml's Trivy job scans). */
  ghcrImage?: string;
  stack: string;
}

/** GitHub Actions variables: environment-scoped for the deploy job, repository-scoped (prefixed) for the preview job. */
export function renderDeliveryVariables(v: DeliveryVariableValues): {
  environment: Record<string, string>;
  repository: Record<string, string>;
} {
  const environment: Record<string, string> = {
    AWS_ROLE_ARN: v.awsRoleArn,
    AWS_ROLE_DURATION_SECONDS: String(v.awsRoleDurationSeconds),
    AWS_REGION: v.awsRegion,
    GCP_WORKLOAD_IDENTITY_PROVIDER: v.workloadIdentityProvider,
    GCP_SERVICE_ACCOUNT: v.serviceAccount,
    ECR_REPOSITORY_URL: v.ecrRepositoryUrl,
    PULUMI_STACK: v.stack,
  };
  if (v.artifactRegistryUrl !== undefined) environment.ARTIFACT_REGISTRY_URL = v.artifactRegistryUrl;
  if (v.ghcrImage !== undefined) environment.GHCR_IMAGE = v.ghcrImage;
  const prefix = repositoryVariablePrefix(v.stack);
  const repository: Record<string, string> = {
    [`${prefix}AWS_REGION`]: v.awsRegion,
    [`${prefix}GCP_WORKLOAD_IDENTITY_PROVIDER`]: v.workloadIdentityProvider,
    [`${prefix}GCP_PREVIEW_SERVICE_ACCOUNT`]: v.previewServiceAccount,
  };
  if (v.previewRoleArn !== undefined) repository[`${prefix}PREVIEW_AWS_ROLE_ARN`] = v.previewRoleArn;
  return { environment, repository };
}

/**
 * The ruleset's name: GitHub's provider refuses one longer than 100 characters at Check
 * (integrations/terraform-provider-github resource_github_repository_ruleset.go, `name` StringLenBetween(1, 100);
 * offline/providerSource/github.ts), while a branch name may be 255: a long branch is shortened, ending in `...`.
 */
const RULESET_NAME_MAX = 100;

/** The ruleset on the deploy branch: pull requests with approvals, the preview checks green, no force push, no deletion. */
export function renderDeployBranchRuleset(d: DeliverySettings): Omit<github.RepositoryRulesetArgs, "repository"> {
  const suffix = ": pull request and preview checks";
  const room = RULESET_NAME_MAX - suffix.length;
  const branch = d.deployBranch.length <= room ? d.deployBranch : `${d.deployBranch.slice(0, room - 3)}...`;
  return {
    name: `${branch}${suffix}`,
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: [`refs/heads/${d.deployBranch}`], excludes: [] } },
    bypassActors: [],
    rules: {
      deletion: true,
      nonFastForward: true,
      pullRequest: {
        requiredApprovingReviewCount: d.requiredApprovals,
        dismissStaleReviewsOnPush: true,
        requireLastPushApproval: d.requiredApprovals > 0,
        requiredReviewThreadResolution: true,
      },
      requiredStatusChecks: {
        strictRequiredStatusChecksPolicy: true,
        requiredChecks: d.requiredChecks.map((context) => ({ context })),
      },
    },
  };
}

/** GitHub wants numeric ids for environment reviewers: they come from the configuration (no lookup, no token needed). */
export function renderReviewers(reviewers: Reviewer[]): github.types.input.RepositoryEnvironmentReviewer[] {
  if (reviewers.length === 0) return [];
  return [
    {
      users: reviewers.filter((r) => r.kind === "user").map((r) => r.id),
      teams: reviewers.filter((r) => r.kind === "team").map((r) => r.id),
    },
  ];
}

/** The identities the deploy and preview jobs use, which the variables hand to the workflows. */
interface DeliveryIdentityValues {
  deployRoleArn: pulumi.Input<string>;
  previewRoleArn?: pulumi.Input<string>;
  workloadIdentityProvider: pulumi.Input<string>;
  serviceAccount: pulumi.Input<string>;
  previewServiceAccount: pulumi.Input<string>;
}

interface GithubEnvironmentArgs {
  delivery: DeliverySettings;
  region: string;
  stack: string;
  identity: DeliveryIdentityValues;
  ecrRepositoryUrl: pulumi.Input<string>;
  /** Absent when Artifact Registry is disabled. */
  artifactRegistryUrl?: pulumi.Input<string>;
  /** `ghcr.io/<owner>/<image>` when the stack pushes to GHCR. */
  ghcrImage?: string;
}

interface GithubEnvironment {
  environment: github.RepositoryEnvironment;
  ruleset?: github.RepositoryRuleset;
  oidcSubjectTemplate?: github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate;
}

/**
 * Registers the GitHub part under `parent` (the Delivery component: the children keep the URNs the component always
 * gave them), through a GitHub provider for the repository's owner.
 */
export function createGithubEnvironment(
  parent: pulumi.Resource,
  name: string,
  repo: GithubRepository,
  args: GithubEnvironmentArgs,
): GithubEnvironment {
  const { delivery: d, region, stack, ghcrImage, identity } = args;
  let oidcSubjectTemplate: GithubEnvironment["oidcSubjectTemplate"];
  let ruleset: GithubEnvironment["ruleset"];
  const githubProvider = new github.Provider(`${name}-github`, { owner: repo.owner }, { parent });
  const ghOpts: pulumi.CustomResourceOptions = { parent, provider: githubProvider };
  // The `sub` form every trust of the AWS and GCP parts matches (GITHUB_SUBJECT_CLAIM_KEYS): repository-wide, owned by
  // one stack.
  if (d.manageOidcSubjectTemplate) {
    oidcSubjectTemplate = new github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate(
      `${name}-oidc-subject`,
      { repository: repo.repository, useDefault: false, includeClaimKeys: [...GITHUB_SUBJECT_CLAIM_KEYS] },
      ghOpts,
    );
  }
  // Required reviewers need a public repository or GitHub Enterprise: checked against berth:delivery.githubVisibility
  // and githubPlan when the settings are read (infra/config/delivery.ts), never asked of GitHub per run (the plan
  // needs an organization owner's token, which CI does not hold).
  const environment = new github.RepositoryEnvironment(
    `${name}-environment`,
    {
      repository: repo.repository,
      environment: d.githubEnvironment,
      reviewers: renderReviewers(d.requiredReviewers),
      preventSelfReview: d.preventSelfReview,
      canAdminsBypass: d.allowAdminBypass,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    },
    ghOpts,
  );
  new github.RepositoryEnvironmentDeploymentPolicy(
    `${name}-environment-branch`,
    { repository: repo.repository, environment: environment.environment, branchPattern: d.deployBranch },
    ghOpts,
  );
  // A release run (deploy.yml on a pushed tag vX.Y.Z) deploys from the tag's ref: both deploy environments allow it.
  new github.RepositoryEnvironmentDeploymentPolicy(
    `${name}-environment-release-tags`,
    { repository: repo.repository, environment: environment.environment, tagPattern: RELEASE_TAG_GLOB },
    ghOpts,
  );

  const variables = pulumi
    .all([
      identity.deployRoleArn,
      identity.previewRoleArn,
      identity.workloadIdentityProvider,
      identity.serviceAccount,
      identity.previewServiceAccount,
      args.ecrRepositoryUrl,
      args.artifactRegistryUrl,
    ])
    .apply(
      ([
        awsRoleArn,
        previewRoleArn,
        workloadIdentityProvider,
        serviceAccount,
        previewServiceAccount,
        ecrRepositoryUrl,
        artifactRegistryUrl,
      ]) =>
        renderDeliveryVariables({
          awsRoleArn,
          awsRoleDurationSeconds: d.maxSessionSeconds,
          previewRoleArn,
          awsRegion: region,
          workloadIdentityProvider,
          serviceAccount,
          previewServiceAccount,
          ecrRepositoryUrl,
          artifactRegistryUrl,
          ghcrImage,
          stack,
        }),
    );
  // Variable names are known without the values: one resource per name, registered now.
  const names0 = renderDeliveryVariables({
    awsRoleArn: "",
    awsRoleDurationSeconds: d.maxSessionSeconds,
    previewRoleArn: d.previewRole ? "" : undefined,
    awsRegion: region,
    workloadIdentityProvider: "",
    serviceAccount: "",
    previewServiceAccount: "",
    ecrRepositoryUrl: "",
    artifactRegistryUrl: args.artifactRegistryUrl !== undefined ? "" : undefined,
    ghcrImage,
    stack,
  });
  for (const variableName of Object.keys(names0.environment)) {
    new github.ActionsEnvironmentVariable(
      `${name}-env-${variableName.toLowerCase()}`,
      {
        repository: repo.repository,
        environment: environment.environment,
        variableName,
        value: variables.apply((v) => v.environment[variableName]),
      },
      ghOpts,
    );
  }
  for (const variableName of Object.keys(names0.repository)) {
    new github.ActionsVariable(
      `${name}-repo-${variableName.toLowerCase()}`,
      { repository: repo.repository, variableName, value: variables.apply((v) => v.repository[variableName]) },
      ghOpts,
    );
  }

  if (d.manageRepositoryRuleset) {
    ruleset = new github.RepositoryRuleset(
      `${name}-deploy-branch`,
      { repository: repo.repository, ...renderDeployBranchRuleset(d) },
      ghOpts,
    );
  }
  return { environment, ruleset, oidcSubjectTemplate };
}
