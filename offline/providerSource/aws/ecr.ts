import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's ecr resources (hashicorp/terraform-provider-aws internal/service/ecr/), read with the
 * library's read_file (one stored version per file):
 * - repository.go at 0072eea2d6046230a1fb7717741c17fd2122175e (aws-sdk-go v1 era, older than the wrapped provider: it
 *   has no image_tag_mutability_exclusion_filter, which Berth's cache repository sets; the calls it makes are the
 *   same PutImageTagMutability),
 * - lifecycle_policy.go and replication_configuration.go at 00a35305dc1b297a6fcdecdfbba33f1e63c3da39,
 * - repository_policy.go and registry_scanning_configuration.go at 004b82babcaf4d20bbc12b4e19caea237c681216,
 * - registry_policy.go at 083b5c7aff2ae2c12dcba1e8e1cc1beb7754b60a.
 * Enum validators (image_tag_mutability, encryption_type, filter_type, scan_type, scan_frequency) are left out: their
 * values live in the AWS SDK's enums, not read here.
 */
export const FACTS: ProviderResourceFacts[] = [
  {
    // Berth sets name, imageTagMutability (+ exclusion filters), imageScanningConfiguration.scanOnPush,
    // encryptionConfigurations (KMS with its key), forceDelete, tags.
    type: "aws:ecr/repository:Repository",
    files: ["internal/service/ecr/repository.go"],
    constraints: [
      { kind: "required", path: "name", source: "internal/service/ecr/repository.go name" },
      {
        kind: "required",
        path: "imageScanningConfiguration.scanOnPush",
        source: "internal/service/ecr/repository.go image_scanning_configuration.scan_on_push",
      },
    ],
    calls: {
      // CreateRepository with tags (ListTags/UpdateTags: ecr:ListTagsForResource, ecr:TagResource/UntagResource).
      create: ["ecr:CreateRepository", "ecr:TagResource"],
      read: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
      update: [
        "ecr:PutImageTagMutability",
        "ecr:PutImageScanningConfiguration",
        "ecr:TagResource",
        "ecr:UntagResource",
      ],
      // DeleteRepository, then DescribeRepositories until RepositoryNotFoundException.
      delete: ["ecr:DeleteRepository", "ecr:DescribeRepositories"],
    },
  },
  {
    type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    files: ["internal/service/ecr/lifecycle_policy.go"],
    constraints: [
      { kind: "required", path: "repository", source: "internal/service/ecr/lifecycle_policy.go repository" },
      { kind: "required", path: "policy", source: "internal/service/ecr/lifecycle_policy.go policy" },
    ],
    // Both inputs are ForceNew: no update function.
    calls: {
      create: ["ecr:PutLifecyclePolicy"],
      read: ["ecr:GetLifecyclePolicy"],
      update: [],
      delete: ["ecr:DeleteLifecyclePolicy"],
    },
  },
  {
    type: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    files: ["internal/service/ecr/repository_policy.go"],
    constraints: [
      { kind: "required", path: "repository", source: "internal/service/ecr/repository_policy.go repository" },
      { kind: "required", path: "policy", source: "internal/service/ecr/repository_policy.go policy" },
    ],
    calls: {
      create: ["ecr:SetRepositoryPolicy"],
      read: ["ecr:GetRepositoryPolicy"],
      update: ["ecr:SetRepositoryPolicy"],
      delete: ["ecr:DeleteRepositoryPolicy"],
    },
  },
  {
    type: "aws:ecr/registryPolicy:RegistryPolicy",
    files: ["internal/service/ecr/registry_policy.go"],
    constraints: [{ kind: "required", path: "policy", source: "internal/service/ecr/registry_policy.go policy" }],
    calls: {
      create: ["ecr:PutRegistryPolicy"],
      read: ["ecr:GetRegistryPolicy"],
      update: ["ecr:PutRegistryPolicy"],
      delete: ["ecr:DeleteRegistryPolicy"],
    },
  },
  {
    // Berth sets replicationConfiguration.rules[0] with destinations (region, registryId) and one PREFIX_MATCH filter.
    type: "aws:ecr/replicationConfiguration:ReplicationConfiguration",
    files: ["internal/service/ecr/replication_configuration.go"],
    constraints: [
      {
        kind: "required",
        path: "replicationConfiguration.rules",
        source: "internal/service/ecr/replication_configuration.go replication_configuration.rule",
      },
      {
        kind: "length",
        path: "replicationConfiguration.rules",
        max: 10,
        source: "internal/service/ecr/replication_configuration.go replication_configuration.rule MaxItems",
      },
      {
        kind: "required",
        path: "replicationConfiguration.rules[].destinations",
        source: "internal/service/ecr/replication_configuration.go rule.destination",
      },
      {
        kind: "length",
        path: "replicationConfiguration.rules[].destinations",
        max: 25,
        source: "internal/service/ecr/replication_configuration.go rule.destination MaxItems",
      },
      {
        kind: "required",
        path: "replicationConfiguration.rules[].destinations[].region",
        source: "internal/service/ecr/replication_configuration.go destination.region",
      },
      {
        kind: "required",
        path: "replicationConfiguration.rules[].destinations[].registryId",
        source: "internal/service/ecr/replication_configuration.go destination.registry_id",
      },
      {
        kind: "length",
        path: "replicationConfiguration.rules[].repositoryFilters",
        min: 1,
        max: 100,
        source: "internal/service/ecr/replication_configuration.go rule.repository_filter MinItems/MaxItems",
      },
      {
        kind: "required",
        path: "replicationConfiguration.rules[].repositoryFilters[].filter",
        source: "internal/service/ecr/replication_configuration.go repository_filter.filter",
      },
      {
        kind: "required",
        path: "replicationConfiguration.rules[].repositoryFilters[].filterType",
        source: "internal/service/ecr/replication_configuration.go repository_filter.filter_type",
      },
    ],
    calls: {
      create: ["ecr:PutReplicationConfiguration"],
      // findReplicationConfiguration: DescribeRegistry.
      read: ["ecr:DescribeRegistry"],
      update: ["ecr:PutReplicationConfiguration"],
      // Delete puts an empty rule list.
      delete: ["ecr:PutReplicationConfiguration"],
    },
  },
  {
    // Berth sets scanType ENHANCED, one rule: CONTINUOUS_SCAN, filter `*` WILDCARD.
    type: "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    files: ["internal/service/ecr/registry_scanning_configuration.go"],
    constraints: [
      {
        kind: "required",
        path: "scanType",
        source: "internal/service/ecr/registry_scanning_configuration.go scan_type",
      },
      {
        kind: "length",
        path: "rules",
        max: 100,
        source: "internal/service/ecr/registry_scanning_configuration.go rule MaxItems",
      },
      {
        kind: "length",
        path: "rules[].repositoryFilters",
        min: 1,
        source: "internal/service/ecr/registry_scanning_configuration.go rule.repository_filter MinItems",
      },
      {
        kind: "required",
        path: "rules[].scanFrequency",
        source: "internal/service/ecr/registry_scanning_configuration.go rule.scan_frequency",
      },
      {
        kind: "length",
        path: "rules[].repositoryFilters[].filter",
        min: 1,
        max: 256,
        source:
          "internal/service/ecr/registry_scanning_configuration.go repository_filter.filter StringLenBetween(1, 256)",
      },
      {
        kind: "pattern",
        path: "rules[].repositoryFilters[].filter",
        pattern: "^[0-9a-z*](?:[0-9a-z_./*-]?[0-9a-z*]+)*$",
        source: "internal/service/ecr/registry_scanning_configuration.go repository_filter.filter StringMatch",
      },
      {
        kind: "required",
        path: "rules[].repositoryFilters[].filterType",
        source: "internal/service/ecr/registry_scanning_configuration.go repository_filter.filter_type",
      },
    ],
    calls: {
      create: ["ecr:PutRegistryScanningConfiguration"],
      read: ["ecr:GetRegistryScanningConfiguration"],
      update: ["ecr:PutRegistryScanningConfiguration"],
      // Delete puts BASIC with no rules.
      delete: ["ecr:PutRegistryScanningConfiguration"],
    },
  },
];
