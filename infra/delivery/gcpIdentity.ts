/**
 * The GCP part of the delivery identity (infra/delivery/delivery.ts): a workload identity pool and OIDC provider
 * accepting only tokens of this repository (attribute condition on the numeric owner and repository ids); a deployer
 * service account (pinned to the environment subject) allowed to push to Artifact Registry; a preview service account
 * (any workflow of the repository) allowed to read it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { GcpSettings } from "../config";
import type { DeliverySettings } from "../config/delivery";
import { GITHUB_OIDC_URL, githubSubject, type GithubRepository } from "./githubEnvironment";

/**
 * GCP: only tokens minted for this repository are accepted by the pool provider, keyed on the numeric ids GitHub puts
 * in every token (`repository_owner_id`, `repository_id`, strings in the token), never on the name, which a renamed,
 * transferred or deleted repository frees for someone else.
 */
export function githubAttributeCondition(repo: Pick<GithubRepository, "ownerId" | "repositoryId">): string {
  return `assertion.repository_owner_id == "${repo.ownerId}" && assertion.repository_id == "${repo.repositoryId}"`;
}

/**
 * How the pool provider maps a GitHub OIDC token to Google attributes. Each expression reads a claim GitHub puts in
 * every job's token (https://docs.github.com/en/actions/reference/security/oidc, "OIDC token claims"). No
 * `attribute.environment`: GitHub adds the `environment` claim only to jobs that reference an environment, so a pull
 * request preview's token has none, and a CEL selection of an absent map key is an evaluation error (cel-spec
 * doc/langdef.md, "Field Selection"), which fails the preview's token exchange. Nothing binds to it either: the
 * deployer is bound by its exact `sub` (which names the environment), the previewer by `attribute.repository_id`.
 */
export const GITHUB_ATTRIBUTE_MAPPING: Record<string, string> = {
  "google.subject": "assertion.sub",
  "attribute.repository": "assertion.repository",
  "attribute.repository_owner": "assertion.repository_owner",
  "attribute.repository_id": "assertion.repository_id",
  "attribute.repository_owner_id": "assertion.repository_owner_id",
  "attribute.ref": "assertion.ref",
};

/** One federated identity: the exact `sub` of the environment's jobs (`principal://.../subject/<sub>`). */
export function workloadIdentityPrincipal(poolName: string, subject: string): string {
  return `principal://iam.googleapis.com/${poolName}/subject/${subject}`;
}

/** Every federated identity of the repository, by its id (`principalSet://.../attribute.repository_id/<id>`). */
export function workloadIdentityRepositorySet(poolName: string, repo: Pick<GithubRepository, "repositoryId">): string {
  return `principalSet://iam.googleapis.com/${poolName}/attribute.repository_id/${repo.repositoryId}`;
}

/** The Artifact Registry repository the service accounts push to or pull from. */
export interface DeliveryArtifactRegistry {
  /** Repository id (the last segment of its name). */
  repository: pulumi.Input<string>;
  location: pulumi.Input<string>;
  project: pulumi.Input<string>;
  /** `<location>-docker.pkg.dev/<project>/<repository>`. */
  url: pulumi.Input<string>;
}

interface GcpIdentityArgs {
  delivery: DeliverySettings;
  /** The project of the workload identity pool and the service accounts. */
  gcp: Pick<GcpSettings, "project">;
  /** Names `<project>-<stack>-...`. */
  project: string;
  stack: string;
  /** The deployer may push (the building stack) or only pull (a promoting stack). */
  pushesImages: boolean;
  /** Absent when Artifact Registry is disabled. */
  artifactRegistry?: DeliveryArtifactRegistry;
  /** GCP provider for the pool and service accounts (the stack's explicit provider). */
  gcpProvider?: gcp.Provider;
}

interface GcpIdentity {
  workloadIdentityProvider: gcp.iam.WorkloadIdentityPoolProvider;
  serviceAccount: gcp.serviceaccount.Account;
  previewServiceAccount: gcp.serviceaccount.Account;
}

/** Registers the GCP part under `parent` (the Delivery component: the children keep the URNs it always gave them). */
export function createGcpIdentity(
  parent: pulumi.Resource,
  name: string,
  repo: GithubRepository,
  args: GcpIdentityArgs,
): GcpIdentity {
  const { delivery: d, project, stack, pushesImages } = args;
  const gcpOpts: pulumi.CustomResourceOptions = {
    parent,
    ...(args.gcpProvider ? { provider: args.gcpProvider } : {}),
  };
  const gcpProject = args.gcp.project;
  const pool = new gcp.iam.WorkloadIdentityPool(
    `${name}-pool`,
    {
      project: gcpProject,
      workloadIdentityPoolId: d.workloadIdentityPoolId,
      displayName: "GitHub Actions",
      description: `GitHub Actions of ${repo.owner}/${repo.repository}`,
    },
    gcpOpts,
  );
  const workloadIdentityProvider = new gcp.iam.WorkloadIdentityPoolProvider(
    `${name}-pool-github`,
    {
      project: gcpProject,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: d.workloadIdentityProviderId,
      displayName: "GitHub Actions OIDC",
      attributeMapping: GITHUB_ATTRIBUTE_MAPPING,
      attributeCondition: githubAttributeCondition(repo),
      oidc: { issuerUri: GITHUB_OIDC_URL },
    },
    gcpOpts,
  );
  const serviceAccount = new gcp.serviceaccount.Account(
    `${name}-deployer`,
    {
      project: gcpProject,
      accountId: `${project}-${stack}-deploy`.slice(0, 30),
      displayName: `GitHub Actions deploy of ${stack}`,
    },
    gcpOpts,
  );
  const previewServiceAccount = new gcp.serviceaccount.Account(
    `${name}-previewer`,
    {
      project: gcpProject,
      accountId: `${project}-${stack}-preview`.slice(0, 30),
      displayName: `GitHub Actions preview of ${stack} (read-only)`,
    },
    gcpOpts,
  );
  new gcp.serviceaccount.IAMMember(
    `${name}-deployer-wif`,
    {
      serviceAccountId: serviceAccount.name,
      role: "roles/iam.workloadIdentityUser",
      member: pool.name.apply((poolName) =>
        workloadIdentityPrincipal(poolName, githubSubject(repo, { environment: d.githubEnvironment })),
      ),
    },
    gcpOpts,
  );
  new gcp.serviceaccount.IAMMember(
    `${name}-previewer-wif`,
    {
      serviceAccountId: previewServiceAccount.name,
      role: "roles/iam.workloadIdentityUser",
      member: pool.name.apply((poolName) => workloadIdentityRepositorySet(poolName, repo)),
    },
    gcpOpts,
  );
  if (args.artifactRegistry) {
    const ar = args.artifactRegistry;
    new gcp.artifactregistry.RepositoryIamMember(
      `${name}-deployer-registry`,
      {
        project: ar.project,
        location: ar.location,
        repository: ar.repository,
        role: pushesImages ? "roles/artifactregistry.writer" : "roles/artifactregistry.reader",
        member: serviceAccount.member,
      },
      gcpOpts,
    );
    new gcp.artifactregistry.RepositoryIamMember(
      `${name}-previewer-registry`,
      {
        project: ar.project,
        location: ar.location,
        repository: ar.repository,
        role: "roles/artifactregistry.reader",
        member: previewServiceAccount.member,
      },
      gcpOpts,
    );
  }
  return { workloadIdentityProvider, serviceAccount, previewServiceAccount };
}
