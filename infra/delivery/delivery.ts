/**
 * Delivery identity of one stack: what GitHub Actions may do in this stack's AWS account, GCP project and GitHub
 * environment, with no long-lived key anywhere.
 *
 *   AWS  : the account's IAM OIDC provider for token.actions.githubusercontent.com (audience sts.amazonaws.com);
 *          a deploy role trusted only by `repository_owner_id:<id>:repository_id:<id>:environment:<github environment>`;
 *          a read-only preview role trusted only by `repository_owner_id:<id>:repository_id:<id>:pull_request`
 *          (the `sub` form the repository's OIDC subject template gives, GITHUB_SUBJECT_CLAIM_KEYS).
 *   GCP  : a workload identity pool + OIDC provider accepting only tokens of this repository (attribute condition on
 *          the numeric owner and repository ids);
 *          a deployer service account (pinned to the environment subject) allowed to push to Artifact Registry;
 *          a preview service account (any workflow of the repository) allowed to read it.
 *   GitHub: this stack's repository environment (reviewers, no self-review, deploy branch only), its variables
 *          (role ARN, WIF provider, service account, registry URLs, region), repository variables for the preview
 *          job, (one stack only, prod by default) the ruleset on the deploy branch that requires the preview checks,
 *          and (one stack only, staging by default) the repository's OIDC subject template.
 *
 * Ownership: each stack owns the identity of its own account/project and its own GitHub environment, so staging
 * and prod (separate AWS accounts) never touch each other. Bootstrap: the first `pulumi up` of a stack runs from a
 * laptop with admin credentials (and a GitHub token with repository admin rights); CI uses the roles afterwards. The
 * deploy role is denied every IAM write on the delivery identity itself, so CI can never widen its own rights:
 * changes to this component are applied from a laptop (docs/delivery.md, "Who owns what"); the roles it creates carry
 * the stack's permissions boundary (roleBoundary.ts), so it cannot mint a wider role either.
 *
 * The component is a spine of its three parts, each in its own file and each registering its resources with this
 * component as their parent: awsIdentity.ts, gcpIdentity.ts, then githubEnvironment.ts (which hands the first two's
 * identities to the workflows as variables).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import type * as gcp from "@pulumi/gcp";
import type * as github from "@pulumi/github";
import type { AwsSettings, Environment, GcpSettings, GhcrSettings, GithubSettings } from "../config";
import type { DeliverySettings } from "../config/delivery";
import { ghcrImageName } from "../registries/image";
import { createAwsIdentity } from "./awsIdentity";
import { createGcpIdentity, type DeliveryArtifactRegistry } from "./gcpIdentity";
import { createGithubEnvironment, type GithubRepository } from "./githubEnvironment";

interface DeliveryArgs {
  delivery: DeliverySettings;
  /** The account and region the roles act in. */
  aws: AwsSettings;
  /** The project of the workload identity pool and the service accounts. */
  gcp: Pick<GcpSettings, "project">;
  /** The repository whose workflows get the identity, and whose environment and variables this stack owns. */
  github: GithubSettings;
  /** Names `<project>-<stack>-...`. */
  project: string;
  stack: string;
  environment: Environment;
  /** The stack builds and pushes the image (staging); a promoting stack (prod) only pulls. */
  pushesImages: boolean;
  /** With `ghcr.enabled`, a pushing stack's CI gets the GHCR image name (`ghcr.io/<owner>/<imageName>`). */
  ghcr: Pick<GhcrSettings, "enabled">;
  imageName: string;
  /** The ECR repositories CI manages: the application repository and its build cache repository (if any). */
  ecrRepositoryArns: pulumi.Input<string>[];
  ecrRepositoryUrl: pulumi.Input<string>;
  /** Absent when Artifact Registry is disabled. */
  artifactRegistry?: DeliveryArtifactRegistry;
  /** GCP provider for the pool and service accounts (the stack's explicit provider). */
  gcpProvider?: gcp.Provider;
  /** The stack's tags (provider default tags): its `project` and `stack` mark the KMS keys the deploy role may manage. */
  tags: Record<string, string>;
}

export class Delivery extends pulumi.ComponentResource {
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly deployRole: aws.iam.Role;
  readonly previewRole?: aws.iam.Role;
  readonly workloadIdentityProvider: gcp.iam.WorkloadIdentityPoolProvider;
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly previewServiceAccount: gcp.serviceaccount.Account;
  readonly environment: github.RepositoryEnvironment;
  readonly ruleset?: github.RepositoryRuleset;
  readonly oidcSubjectTemplate?: github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate;

  constructor(name: string, args: DeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:delivery:Delivery", name, {}, opts);
    // The parts register their resources with this component as parent: the URNs they always had.
    const repo: GithubRepository = {
      ...args.github,
      ownerId: args.delivery.githubOwnerId!,
      repositoryId: args.delivery.githubRepositoryId!,
    };
    const awsIdentity = createAwsIdentity(this, name, repo, args);
    const gcpIdentity = createGcpIdentity(this, name, repo, args);
    const githubEnvironment = createGithubEnvironment(this, name, repo, {
      delivery: args.delivery,
      region: args.aws.region,
      stack: args.stack,
      identity: {
        deployRoleArn: awsIdentity.deployRole.arn,
        previewRoleArn: awsIdentity.previewRole?.arn,
        workloadIdentityProvider: gcpIdentity.workloadIdentityProvider.name,
        serviceAccount: gcpIdentity.serviceAccount.email,
        previewServiceAccount: gcpIdentity.previewServiceAccount.email,
      },
      ecrRepositoryUrl: args.ecrRepositoryUrl,
      artifactRegistryUrl: args.artifactRegistry?.url,
      ghcrImage: args.pushesImages && args.ghcr.enabled ? ghcrImageName(repo.owner, args.imageName) : undefined,
    });

    this.oidcProviderArn = awsIdentity.oidcProviderArn;
    this.deployRole = awsIdentity.deployRole;
    this.previewRole = awsIdentity.previewRole;
    this.workloadIdentityProvider = gcpIdentity.workloadIdentityProvider;
    this.serviceAccount = gcpIdentity.serviceAccount;
    this.previewServiceAccount = gcpIdentity.previewServiceAccount;
    this.environment = githubEnvironment.environment;
    this.ruleset = githubEnvironment.ruleset;
    this.oidcSubjectTemplate = githubEnvironment.oidcSubjectTemplate;

    this.registerOutputs({
      oidcProviderArn: this.oidcProviderArn,
      deployRoleArn: this.deployRole.arn,
      previewRoleArn: this.previewRole?.arn,
      workloadIdentityProvider: this.workloadIdentityProvider.name,
      serviceAccount: this.serviceAccount.email,
      githubEnvironment: this.environment.environment,
    });
  }
}
