import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's iam resources (hashicorp/terraform-provider-aws internal/service/iam/), read with the
 * library's read_file; each file is the one stored version the index holds (no two at one commit):
 * - role.go at 0040ea6911af00bea2cca6dbb14e86829826ad8e (aws-sdk-go v1 era: an older version than the provider
 *   @pulumi/aws 7.48.0 wraps; the calls are the ones listed, the names of the API operations did not change),
 * - role_policy.go at 02f97af85f89a04e8ed89f5e8b64a9a67f3cfe07,
 * - role_policy_attachment.go at 04c79849dbe7fbe76c3054b364357bcdaade9ac5,
 * - policy.go at 01ccd9a2d118a3e81a9649759bf14303526dc9e6,
 * - openid_connect_provider.go at 01606926a0c0ab9174aec440f976a48b0baee722.
 * Tags: `tags_all` changes go through the service's tag calls (role.go roleUpdateTags -> iam:TagRole/UntagRole;
 * `@Tags(resourceType=...)` on policy and OIDC provider -> iam:TagPolicy/UntagPolicy, iam:TagOpenIDConnectProvider/
 * UntagOpenIDConnectProvider). Creating a resource with tags needs the tag action too
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html, "Permissions required for tagging").
 */
export const FACTS: ProviderResourceFacts[] = [
  {
    // Berth sets name, description, assumeRolePolicy, maxSessionDuration, permissionsBoundary, tags. Never
    // inlinePolicies or managedPolicyArns (their PutRolePolicy/AttachRolePolicy branches in create, update and delete
    // are not reached), never forceDetachPolicies (delete then skips listing and detaching policies).
    type: "aws:iam/role:Role",
    files: ["internal/service/iam/role.go"],
    constraints: [
      { kind: "conflictsWith", path: "name", with: ["namePrefix"], source: "internal/service/iam/role.go name" },
      {
        kind: "length",
        path: "name",
        max: 64,
        source: "internal/service/iam/role.go validResourceName(roleNameMaxLen)",
      },
      {
        kind: "length",
        path: "description",
        min: 0,
        max: 1000,
        source: "internal/service/iam/role.go description StringLenBetween(0, 1000)",
      },
      {
        kind: "range",
        path: "maxSessionDuration",
        min: 3600,
        max: 43200,
        source: "internal/service/iam/role.go max_session_duration IntBetween(3600, 43200)",
      },
    ],
    calls: {
      // resourceRoleCreate: CreateRole (tags on create), then the read.
      create: ["iam:CreateRole", "iam:TagRole"],
      // resourceRoleRead: FindRoleByName (GetRole), readRoleInlinePolicies (ListRolePolicies, GetRolePolicy of each),
      // readRolePolicyAttachments (ListAttachedRolePolicies).
      read: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
      // resourceRoleUpdate: UpdateAssumeRolePolicy, UpdateRoleDescription, UpdateRole (max session duration),
      // PutRolePermissionsBoundary (a boundary set; removing one is DeleteRolePermissionsBoundary, which Berth never
      // does and the deploy role may never do), roleUpdateTags.
      update: [
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRoleDescription",
        "iam:UpdateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:TagRole",
        "iam:UntagRole",
      ],
      // DeleteRole: deleteRoleInstanceProfiles (ListInstanceProfilesForRole; RemoveRoleFromInstanceProfile only for a
      // profile holding the role, which Berth never makes), DeleteRole.
      delete: ["iam:ListInstanceProfilesForRole", "iam:DeleteRole"],
    },
  },
  {
    type: "aws:iam/rolePolicy:RolePolicy",
    files: ["internal/service/iam/role_policy.go"],
    constraints: [
      { kind: "required", path: "role", source: "internal/service/iam/role_policy.go role" },
      { kind: "required", path: "policy", source: "internal/service/iam/role_policy.go policy" },
      { kind: "conflictsWith", path: "name", with: ["namePrefix"], source: "internal/service/iam/role_policy.go name" },
      {
        kind: "length",
        path: "policy",
        max: 10240,
        source: "internal/service/iam/role_policy.go policy verify.ValidIAMPolicyJSON(10240)",
      },
    ],
    calls: {
      // resourceRolePolicyPut: PutRolePolicy, then (new resource) FindRolePolicyByTwoPartKey until found.
      create: ["iam:PutRolePolicy", "iam:GetRolePolicy"],
      read: ["iam:GetRolePolicy"],
      update: ["iam:PutRolePolicy"],
      delete: ["iam:DeleteRolePolicy"],
    },
  },
  {
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    files: ["internal/service/iam/role_policy_attachment.go"],
    constraints: [
      { kind: "required", path: "role", source: "internal/service/iam/role_policy_attachment.go role" },
      { kind: "required", path: "policyArn", source: "internal/service/iam/role_policy_attachment.go policy_arn" },
    ],
    calls: {
      // attachPolicyToRole; the read is RoleHasPolicyARNAttachment (ListAttachedRolePolicies pages). Both inputs are
      // ForceNew: no update.
      create: ["iam:AttachRolePolicy"],
      read: ["iam:ListAttachedRolePolicies"],
      update: [],
      delete: ["iam:DetachRolePolicy"],
    },
  },
  {
    // The deploy role's managed policies and the role boundary: delivery identity, written from a laptop only.
    type: "aws:iam/policy:Policy",
    files: ["internal/service/iam/policy.go"],
    constraints: [
      { kind: "required", path: "policy", source: "internal/service/iam/policy.go policy" },
      { kind: "conflictsWith", path: "name", with: ["namePrefix"], source: "internal/service/iam/policy.go name" },
      {
        kind: "length",
        path: "name",
        max: 128,
        source: "internal/service/iam/policy.go validResourceName(policyNameMaxLen)",
      },
    ],
    calls: {
      create: ["iam:CreatePolicy", "iam:TagPolicy"],
      // resourcePolicyRead: findPolicyByARN (GetPolicy, whose answer carries the tags), findPolicyVersion of the
      // default version (GetPolicyVersion).
      read: ["iam:GetPolicy", "iam:GetPolicyVersion"],
      // policyPruneVersions (ListPolicyVersions, DeletePolicyVersion of the oldest at 5), CreatePolicyVersion,
      // SetDefaultPolicyVersion; tags.
      update: [
        "iam:ListPolicyVersions",
        "iam:DeletePolicyVersion",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      delete: ["iam:ListPolicyVersions", "iam:DeletePolicyVersion", "iam:DeletePolicy"],
    },
  },
  {
    // Berth sets url and clientIdLists (never thumbprintLists).
    type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    files: ["internal/service/iam/openid_connect_provider.go"],
    constraints: [
      { kind: "required", path: "url", source: "internal/service/iam/openid_connect_provider.go url" },
      {
        kind: "required",
        path: "clientIdLists",
        source: "internal/service/iam/openid_connect_provider.go client_id_list",
      },
      {
        kind: "length",
        path: "clientIdLists[]",
        min: 1,
        max: 255,
        source: "internal/service/iam/openid_connect_provider.go client_id_list StringLenBetween(1, 255)",
      },
    ],
    calls: {
      create: ["iam:CreateOpenIDConnectProvider", "iam:TagOpenIDConnectProvider"],
      read: ["iam:GetOpenIDConnectProvider"],
      update: [
        "iam:UpdateOpenIDConnectProviderThumbprint",
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
        "iam:UntagOpenIDConnectProvider",
      ],
      delete: ["iam:DeleteOpenIDConnectProvider"],
    },
  },
];
