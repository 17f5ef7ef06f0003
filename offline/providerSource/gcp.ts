import type { ProviderResourceFacts } from "./facts";

/**
 * Check constraints of the gcp types Berth registers (infra/delivery/gcpIdentity.ts, infra/registries/artifactRegistry.ts),
 * read from hashicorp/terraform-provider-google (generated from GoogleCloudPlatform/magic-modules; the generated Go
 * files are what is stored and read). @pulumi/gcp builds from terraform-provider-google-beta, whose schemas for these
 * resources come from the same magic-modules definitions (sources.ts says what could not be pinned).
 *
 * Versions read (several are stored; the tool named the commit where it gave one):
 * - iambeta/resource_iam_workload_identity_pool.go and ..._provider.go, artifactregistry/iam_artifact_registry_repository.go,
 *   verify/validation.go: commit 0937ec5ba25b4ce01df2705fbacee88aa96972c9 (an older generation: the provider's
 *   ExactlyOneOf there is aws/oidc, while the wrapped .d.ts also has `saml`).
 * - resourcemanager/resource_google_service_account.go: commit 0540ffede9083228e6d6177e2b50d3b91e5bde13.
 * - resourcemanager/iam_service_account.go: commit 0a504cd5bd2d2fe5e49bdd1e1eca28e02d1fc352.
 * - tpgiamresource/resource_iam_member.go: commit 0262be693c00e5902e2190d2ae307d6112467e31.
 * - artifactregistry/resource_artifact_registry_repository.go: commit 07fc8657afe854e6679f9e01de04f96955a1f910 (first
 *   page: format, repository_id, cleanup_policies, docker_config, mode; vulnerability_scanning_config was not reached).
 * - resourcemanager/resource_google_project_service.go: the version with validateProjectServiceService (stored file id
 *   999378970, reached by its text; the tool gave no commit for it).
 * No calls: they are for AWS types only (the deploy role test).
 */

/** verify/validation.go, as the provider composes them (Go RE2 syntax, which these patterns share with JavaScript). */
const PROJECT_REGEX =
  "(?:(?:[-a-z0-9]{1,63}\\.)*(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?):)?(?:[0-9]{1,19}|(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?))";
const PROJECT_REGEX_WILDCARD =
  "(?:(?:[-a-z0-9]{1,63}\\.)*(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?):)?(?:[0-9]{1,19}|(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)|-)";
/** RFC1035NameTemplate with 4, 28: ServiceAccountNameRegex, and ValidateRFC1035Name(6, 30) anchored. */
const SERVICE_ACCOUNT_NAME = "[a-z](?:[-a-z0-9]{4,28}[a-z0-9])";
/** ServiceAccountLinkRegex: ValidateRegexp matches it unanchored at the start, each alternative ends with `$`. */
const SERVICE_ACCOUNT_LINK =
  "projects/" +
  PROJECT_REGEX_WILDCARD +
  "/serviceAccounts/(" +
  [
    PROJECT_REGEX + "@[a-z]+.gserviceaccount.com$",
    "[0-9]{1,20}-compute@developer.gserviceaccount.com",
    SERVICE_ACCOUNT_NAME + "@[-a-z0-9\\.]{1,63}\\.iam\\.gserviceaccount\\.com$",
  ].join("|") +
  ")";

/** tpgiamresource validateIAMMember: not a deleted principal, and a `type:id` or one of the special members. */
function iamMemberConstraints(file: string): ProviderResourceFacts["constraints"] {
  return [
    { kind: "required", path: "role", source: `${file} IamMemberBaseSchema role Required` },
    { kind: "required", path: "member", source: `${file} IamMemberBaseSchema member Required` },
    { kind: "pattern", path: "member", pattern: "^(?!deleted)", source: `${file} validateIAMMember ^deleted` },
    {
      kind: "pattern",
      path: "member",
      pattern: "(.+:.+|projectOwners|projectReaders|projectWriters|allUsers|allAuthenticatedUsers)",
      source: `${file} validateIAMMember`,
    },
  ];
}

const IAM_MEMBER = "google/tpgiamresource/resource_iam_member.go";

export const FACTS: ProviderResourceFacts[] = [
  {
    // google_iam_workload_identity_pool (iambeta).
    type: "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
    files: ["google/services/iambeta/resource_iam_workload_identity_pool.go"],
    constraints: [
      {
        kind: "required",
        path: "workloadIdentityPoolId",
        source: "google/services/iambeta/resource_iam_workload_identity_pool.go workload_identity_pool_id Required",
      },
      {
        kind: "length",
        path: "workloadIdentityPoolId",
        min: 4,
        max: 32,
        source: "google/services/iambeta/resource_iam_workload_identity_pool.go ValidateWorkloadIdentityPoolId",
      },
      {
        kind: "pattern",
        path: "workloadIdentityPoolId",
        pattern: "^[0-9a-z-]+$",
        source:
          "google/services/iambeta/resource_iam_workload_identity_pool.go ValidateWorkloadIdentityPoolId workloadIdentityPoolIdRegexp",
      },
      {
        kind: "pattern",
        path: "workloadIdentityPoolId",
        pattern: "^(?!gcp-)",
        source:
          "google/services/iambeta/resource_iam_workload_identity_pool.go ValidateWorkloadIdentityPoolId gcp- prefix",
      },
    ],
  },
  {
    // google_iam_workload_identity_pool_provider. `oidc` (MaxItems:1) -> oidc. `workload_identity_pool_id` has no
    // validator here (the pool's does); the version read has ExactlyOneOf aws/oidc (newer ones add saml).
    type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
    files: ["google/services/iambeta/resource_iam_workload_identity_pool_provider.go"],
    constraints: [
      {
        kind: "required",
        path: "workloadIdentityPoolId",
        source:
          "google/services/iambeta/resource_iam_workload_identity_pool_provider.go workload_identity_pool_id Required",
      },
      {
        kind: "required",
        path: "workloadIdentityPoolProviderId",
        source:
          "google/services/iambeta/resource_iam_workload_identity_pool_provider.go workload_identity_pool_provider_id Required",
      },
      {
        kind: "length",
        path: "workloadIdentityPoolProviderId",
        min: 4,
        max: 32,
        source:
          "google/services/iambeta/resource_iam_workload_identity_pool_provider.go ValidateWorkloadIdentityPoolProviderId",
      },
      {
        kind: "pattern",
        path: "workloadIdentityPoolProviderId",
        pattern: "^[0-9a-z-]+$",
        source:
          "google/services/iambeta/resource_iam_workload_identity_pool_provider.go ValidateWorkloadIdentityPoolProviderId workloadIdentityPoolProviderIdRegexp",
      },
      {
        kind: "pattern",
        path: "workloadIdentityPoolProviderId",
        pattern: "^(?!gcp-)",
        source:
          "google/services/iambeta/resource_iam_workload_identity_pool_provider.go ValidateWorkloadIdentityPoolProviderId gcp- prefix",
      },
      {
        kind: "exactlyOneOf",
        paths: ["aws", "oidc"],
        source: "google/services/iambeta/resource_iam_workload_identity_pool_provider.go oidc ExactlyOneOf",
      },
      {
        kind: "required",
        path: "oidc.issuerUri",
        source: "google/services/iambeta/resource_iam_workload_identity_pool_provider.go oidc.issuer_uri Required",
      },
    ],
  },
  {
    // google_service_account. `account_id` is Required in the schema but optional in the Pulumi input (the provider
    // auto-names it), so only its validator is kept: ValidateRFC1035Name(6, 30).
    type: "gcp:serviceaccount/account:Account",
    files: ["google/services/resourcemanager/resource_google_service_account.go", "google/verify/validation.go"],
    constraints: [
      {
        kind: "pattern",
        path: "accountId",
        pattern: `^${SERVICE_ACCOUNT_NAME}$`,
        source:
          "google/services/resourcemanager/resource_google_service_account.go account_id verify.ValidateRFC1035Name(6, 30)",
      },
    ],
  },
  {
    // google_service_account_iam_member: IamMemberBaseSchema merged with IamServiceAccountSchema.
    type: "gcp:serviceaccount/iAMMember:IAMMember",
    files: ["google/services/resourcemanager/iam_service_account.go", IAM_MEMBER, "google/verify/validation.go"],
    constraints: [
      {
        kind: "required",
        path: "serviceAccountId",
        source: "google/services/resourcemanager/iam_service_account.go service_account_id Required",
      },
      {
        kind: "pattern",
        path: "serviceAccountId",
        pattern: SERVICE_ACCOUNT_LINK,
        source:
          "google/services/resourcemanager/iam_service_account.go service_account_id verify.ValidateRegexp(verify.ServiceAccountLinkRegex)",
      },
      ...iamMemberConstraints(IAM_MEMBER),
    ],
  },
  {
    // google_artifact_registry_repository_iam_member: IamMemberBaseSchema merged with ArtifactRegistryRepositoryIamSchema.
    type: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    files: ["google/services/artifactregistry/iam_artifact_registry_repository.go", IAM_MEMBER],
    constraints: [
      {
        kind: "required",
        path: "repository",
        source: "google/services/artifactregistry/iam_artifact_registry_repository.go repository Required",
      },
      ...iamMemberConstraints(IAM_MEMBER),
    ],
  },
  {
    // google_project_service. validateProjectServiceService also refuses the ignoredProjectServices and
    // bannedProjectServices lists, which were not read: left out.
    type: "gcp:projects/service:Service",
    files: ["google/services/resourcemanager/resource_google_project_service.go"],
    constraints: [
      {
        kind: "required",
        path: "service",
        source: "google/services/resourcemanager/resource_google_project_service.go service Required",
      },
      {
        kind: "pattern",
        path: "service",
        pattern: "\\.",
        source:
          "google/services/resourcemanager/resource_google_project_service.go validateProjectServiceService (a domain like serviceusage.googleapis.com)",
      },
    ],
  },
  {
    // google_artifact_registry_repository. `cleanup_policies` (a set) -> cleanupPolicies[]; `condition` (MaxItems:1)
    // -> condition. The empty string is in each enum list (verify.ValidateEnum with "").
    type: "gcp:artifactregistry/repository:Repository",
    files: ["google/services/artifactregistry/resource_artifact_registry_repository.go"],
    constraints: [
      {
        kind: "required",
        path: "format",
        source: "google/services/artifactregistry/resource_artifact_registry_repository.go format Required",
      },
      {
        kind: "required",
        path: "repositoryId",
        source: "google/services/artifactregistry/resource_artifact_registry_repository.go repository_id Required",
      },
      {
        kind: "required",
        path: "cleanupPolicies[].id",
        source:
          "google/services/artifactregistry/resource_artifact_registry_repository.go cleanup_policies.id Required",
      },
      {
        kind: "oneOf",
        path: "cleanupPolicies[].action",
        values: ["DELETE", "KEEP", ""],
        source:
          "google/services/artifactregistry/resource_artifact_registry_repository.go cleanup_policies.action verify.ValidateEnum",
      },
      {
        kind: "oneOf",
        path: "cleanupPolicies[].condition.tagState",
        values: ["TAGGED", "UNTAGGED", "ANY", ""],
        source:
          "google/services/artifactregistry/resource_artifact_registry_repository.go cleanup_policies.condition.tag_state verify.ValidateEnum",
      },
      {
        kind: "oneOf",
        path: "mode",
        values: ["STANDARD_REPOSITORY", "VIRTUAL_REPOSITORY", "REMOTE_REPOSITORY", ""],
        source: "google/services/artifactregistry/resource_artifact_registry_repository.go mode verify.ValidateEnum",
      },
    ],
  },
];
